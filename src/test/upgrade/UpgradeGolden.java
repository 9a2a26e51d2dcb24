import io.grustreams.model.GruLayout;
import io.grustreams.model.GruModel;
import io.grustreams.model.Normalization;
import io.grustreams.model.Parameters;
import io.grustreams.model.Variant;
import io.grustreams.model.codec.ModelCodec;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The Java half of generate.sh, run from source against the PREVIOUS release's jar (state format
 * v1): {@code java -cp OLD/target/gru-streams.jar UpgradeGolden.java COMMAND ...}. It writes the
 * workload (model file, events) and reads topics back; the old application itself is run by
 * generate.sh through its own command line. Uses only classes that exist in both releases.
 *
 * <pre>
 *   workload DIR                      model.json, events.csv, first.csv (t &lt; FIRST), rest.csv
 *   free-port                         prints a free TCP port on 127.0.0.1
 *   await BOOTSTRAP TOPIC COUNT       waits until TOPIC holds COUNT committed records, fails beyond
 *   changelog BOOTSTRAP TOPIC FILE    each key's last committed record: "partition key-hex value-hex" lines
 *   record BOOTSTRAP TOPIC FILE       the topic's one record: its key, a newline, its value bytes as they are
 *   outputs BOOTSTRAP TOPIC FILE      the values, grouped by record key (keys sorted, each key's in topic order)
 *   prefix WHOLE PART FIRST           each key's first FIRST lines of WHOLE equal PART's lines of that key
 * </pre>
 * The constants below are the workload StateUpgradeIT reads back; change them together.
 */
public final class UpgradeGolden {

    /** Keys key-0 .. key-(KEYS-1). */
    static final int KEYS = 3;
    /** Events per key: t = 0 .. STEPS-1, one second apart. */
    static final int STEPS = 125;
    /** Events per key the old application processes before it is stopped: t &lt; FIRST. */
    static final int FIRST = 77;
    /** 2026-01-01T00:00:00Z: a fixed time, so the golden outputs do not depend on the day they were made. */
    static final long T0 = 1767225600000L;
    static final long SEED = 5;
    static final long MODEL_SEED = 11;

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "workload" -> workload(Path.of(args[1]));
            case "free-port" -> {
                try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                    System.out.println(s.getLocalPort());
                }
            }
            case "await" -> await(args[1], args[2], Integer.parseInt(args[3]));
            case "changelog" -> changelog(args[1], args[2], Path.of(args[3]));
            case "record" -> record(args[1], args[2], Path.of(args[3]));
            case "outputs" -> outputs(args[1], args[2], Path.of(args[3]));
            case "prefix" -> prefix(Path.of(args[1]), Path.of(args[2]), Integer.parseInt(args[3]));
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
    }

    /** The seeded workload: a sine plus noise per key, +40 from t = 37 to 42, 74 to 79 and 111 to 116. */
    static double value(int k, int t) {
        Random rnd = new Random(SEED * 1_000_003L + k * 10_007L + t);
        double v = 10 + 3 * Math.sin(0.2 * t + k) + 0.2 * rnd.nextGaussian();
        if (t > 30 && t % 37 < 6) {
            v += 40;
        }
        return v;
    }

    static void workload(Path dir) throws IOException {
        Random rnd = new Random(MODEL_SEED);
        int hidden = 8;
        GruLayout layout = GruLayout.of(Variant.CHO, 1, hidden, 1);
        double[] w = new double[layout.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = (2 * rnd.nextDouble() - 1) / Math.sqrt(hidden);
        }
        GruModel model = new GruModel("it", 1, Instant.EPOCH, List.of("value"),
                new Normalization(new double[] {10}, new double[] {3}), new Parameters(layout, w),
                Map.of("test", "upgrade"));
        Files.write(dir.resolve("model.json"), ModelCodec.toJson(model));
        // Time-major, as a fleet sends them: every key's event t before any key's event t + 1.
        try (PrintWriter all = csv(dir.resolve("events.csv")); PrintWriter first = csv(dir.resolve("first.csv"));
                PrintWriter rest = csv(dir.resolve("rest.csv"))) {
            for (int t = 0; t < STEPS; t++) {
                for (int k = 0; k < KEYS; k++) {
                    String row = "key-" + k + "," + (T0 + 1000L * t) + "," + value(k, t);
                    all.println(row);
                    (t < FIRST ? first : rest).println(row);
                }
            }
        }
    }

    private static PrintWriter csv(Path file) throws IOException {
        PrintWriter out = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
        out.println("key,timestamp,value");
        return out;
    }

    /** Every committed record of a topic, partition by partition, each in offset order. */
    static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic) {
        Properties p = new Properties();
        p.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo info : c.partitionsFor(topic, Duration.ofSeconds(30))) {
                parts.add(new TopicPartition(topic, info.partition()));
            }
            parts.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
            for (TopicPartition tp : parts) {
                c.assign(List.of(tp));
                c.seekToBeginning(List.of(tp));
                long end = c.endOffsets(List.of(tp)).get(tp);
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (c.position(tp) < end) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("cannot read " + tp + " to offset " + end);
                    }
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                        out.add(r);
                    }
                }
            }
        }
        return out;
    }

    static void await(String bootstrap, String topic, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        int seen = 0;
        while (System.nanoTime() < deadline) {
            seen = readAll(bootstrap, topic).size();
            if (seen > count) {
                throw new IllegalStateException(topic + " holds " + seen + " records, more than the " + count
                        + " expected");
            }
            if (seen == count) {
                return;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException(topic + " holds " + seen + " of " + count + " records after 180 s");
    }

    /**
     * The last record of each key, as log compaction leaves a changelog: what a restore ends with
     * whatever the commits in between, so the file does not depend on the run's commit timing.
     */
    static void changelog(String bootstrap, String topic, Path file) throws IOException {
        HexFormat hex = HexFormat.of();
        Map<String, String> last = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : readAll(bootstrap, topic)) {
            String where = r.partition() + " " + hex.formatHex(r.key());
            if (r.value() == null) {
                last.remove(where);
            } else {
                last.put(where, hex.formatHex(r.value()));
            }
        }
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
            out.println("# " + topic + " as written by the previous release (f10c9d0, key-state format 1),");
            out.println("# compacted (the last record of each key): partition key-hex value-hex");
            last.forEach((where, value) -> out.println(where + " " + value));
        }
    }

    static void record(String bootstrap, String topic, Path file) throws IOException {
        List<ConsumerRecord<byte[], byte[]>> all = readAll(bootstrap, topic);
        if (all.size() != 1) {
            throw new IllegalStateException(topic + " holds " + all.size() + " records, not one");
        }
        byte[] key = all.get(0).key();
        byte[] value = all.get(0).value();
        byte[] out = new byte[key.length + 1 + value.length];
        System.arraycopy(key, 0, out, 0, key.length);
        out[key.length] = '\n';
        System.arraycopy(value, 0, out, key.length + 1, value.length);
        Files.write(file, out);
    }

    static void outputs(String bootstrap, String topic, Path file) throws IOException {
        Map<String, List<String>> byKey = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : readAll(bootstrap, topic)) {
            byKey.computeIfAbsent(new String(r.key(), StandardCharsets.UTF_8), k -> new ArrayList<>())
                    .add(new String(r.value(), StandardCharsets.UTF_8));
        }
        List<String> lines = new ArrayList<>();
        byKey.values().forEach(lines::addAll);
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    /** Lines of a forecasts file by their "key" field, in order. */
    private static Map<String, List<String>> byKey(Path file) throws IOException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            int start = line.indexOf("\"key\":\"") + 7;
            String key = line.substring(start, line.indexOf('"', start));
            out.computeIfAbsent(key, k -> new ArrayList<>()).add(line);
        }
        return out;
    }

    static void prefix(Path whole, Path part, int first) throws IOException {
        Map<String, List<String>> w = byKey(whole);
        Map<String, List<String>> p = byKey(part);
        if (!w.keySet().equals(p.keySet())) {
            throw new IllegalStateException("keys differ: " + w.keySet() + " and " + p.keySet());
        }
        for (Map.Entry<String, List<String>> e : p.entrySet()) {
            if (e.getValue().size() != first || !w.get(e.getKey()).subList(0, first).equals(e.getValue())) {
                throw new IllegalStateException(e.getKey() + ": the interrupted run's " + e.getValue().size()
                        + " forecasts are not the uninterrupted run's first " + first);
            }
        }
    }
}
