package io.grustreams.app.bench;

import io.grustreams.app.broker.InProcessKafkaBroker;
import io.grustreams.app.topics.NewTopics;
import io.grustreams.stream.GruTopology;
import io.grustreams.stream.StreamSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.StateRestoreListener;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gru-streams bench restore}: how long a new instance (empty state directory) takes to
 * restore the per-key state store from its changelog, on an in-process broker in this JVM. The
 * changelog is filled directly with {@code --keys} values of {@code --state-bytes} random bytes
 * (the size of a default state: D=1, H=32, W=256; restore copies bytes into RocksDB without
 * decoding them). A round starts an instance on an empty state directory, waits until it is
 * RUNNING, and closes it; the restore span (first partition's restore start to last one's end,
 * from a {@link StateRestoreListener}) is reported next to the whole round.
 */
@Command(name = "restore",
        description = {"Times restoring the per-key state store from its changelog into an empty state",
                "directory (in-process broker). Reports keys/s and MB/s, median and spread over the rounds."})
public final class RestoreBench implements Callable<Integer> {

    private static final Duration WAIT = Duration.ofSeconds(300);
    private static final String APP_ID = "gru-streams-bench-restore";

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--json", description = "One JSON object per line instead of a table.")
    boolean json;

    @Option(names = "--keys", defaultValue = "20000", description = "Keys in the changelog (default: ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = "--state-bytes", defaultValue = "5883",
            description = "Bytes per key's state (default: ${DEFAULT-VALUE}, a default state with H=32).")
    int stateBytes;

    @Option(names = "--partitions", defaultValue = "2", description = "Partitions (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--threads", defaultValue = "1", description = "Stream threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--warmup", defaultValue = "1", description = "Warm-up rounds, not reported (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--rounds", defaultValue = "3", description = "Measured rounds (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Where the rounds' state directories go, deleted at the end (default: the system temp dir).")
    Path stateParent;

    @Override
    public Integer call() throws Exception {
        if (keys < 1 || stateBytes < 1 || partitions < 1 || threads < 1 || warmup < 0 || rounds < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "need --keys, --state-bytes, --partitions, --threads, --rounds >= 1, --warmup >= 0");
        }
        StreamSettings settings = StreamSettings.defaults();
        String changelog = APP_ID + "-" + settings.stateStore() + "-changelog";
        Path parent = stateParent == null ? Files.createTempDirectory("gru-streams-bench-restore-")
                : Files.createTempDirectory(Files.createDirectories(stateParent), "gru-streams-bench-restore-");
        List<Double> restoreNs = new ArrayList<>();
        try (InProcessKafkaBroker broker = InProcessKafkaBroker.builder().build()) {
            broker.start();
            createTopics(broker.bootstrapServers(), settings, changelog);
            fillChangelog(broker.bootstrapServers(), changelog);
            int[] round = {0};
            BenchHarness.Result r = new BenchHarness(warmup, rounds).measure(() -> {
                Path dir = parent.resolve("round-" + round[0]++);
                restoreNs.add((double) restoreOnce(broker.bootstrapServers(), settings, dir));
                return keys;
            });
            List<Double> measured = restoreNs.subList(warmup, restoreNs.size());
            report(r, median(measured), measured.stream().mapToDouble(Double::doubleValue).min().orElseThrow(),
                    measured.stream().mapToDouble(Double::doubleValue).max().orElseThrow());
        } finally {
            deleteRecursively(parent);
        }
        return 0;
    }

    /** One instance from an empty state directory to RUNNING, then closed; returns the restore span in ns. */
    private long restoreOnce(String bootstrap, StreamSettings settings, Path stateDir) {
        Properties p = StreamSettings.kafkaProperties(new Properties());
        p.setProperty(StreamsConfig.APPLICATION_ID_CONFIG, APP_ID);
        p.setProperty(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.setProperty(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.setProperty(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.toString(threads));
        Span span = new Span();
        KafkaStreams streams = new KafkaStreams(GruTopology.build(settings), p);
        streams.setGlobalStateRestoreListener(span);
        try {
            streams.start();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (streams.state() != KafkaStreams.State.RUNNING || span.restored.get() < keys) {
                if (System.nanoTime() > deadline || streams.state() == KafkaStreams.State.ERROR) {
                    throw new IllegalStateException("restore did not finish within " + WAIT + ": " + span.restored.get()
                            + " of " + keys + " keys, state " + streams.state());
                }
                pause();
            }
            return span.last.get() - span.first.get();
        } finally {
            streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofSeconds(30)));
        }
    }

    /** First restore start to last restore end of the per-key store, and records restored. */
    private static final class Span implements StateRestoreListener {
        private final String store = StreamSettings.defaults().stateStore();
        final AtomicLong first = new AtomicLong(Long.MAX_VALUE);
        final AtomicLong last = new AtomicLong(Long.MIN_VALUE);
        final AtomicLong restored = new AtomicLong();

        @Override
        public void onRestoreStart(TopicPartition tp, String storeName, long startOffset, long endOffset) {
            if (storeName.equals(store)) {
                first.accumulateAndGet(System.nanoTime(), Math::min);
            }
        }

        @Override
        public void onBatchRestored(TopicPartition tp, String storeName, long batchEndOffset, long numRestored) {
            if (storeName.equals(store)) {
                restored.addAndGet(numRestored);
            }
        }

        @Override
        public void onRestoreEnd(TopicPartition tp, String storeName, long totalRestored) {
            if (storeName.equals(store)) {
                last.accumulateAndGet(System.nanoTime(), Math::max);
            }
        }
    }

    private void report(BenchHarness.Result r, double medianRestoreNs, double minRestoreNs, double maxRestoreNs) {
        double mb = (double) keys * stateBytes / 1e6;
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> f = BenchHarness.fields();
            f.put("bench", "restore");
            f.put("keys", keys);
            f.put("state_bytes", stateBytes);
            f.put("changelog_mb", mb);
            f.put("partitions", partitions);
            f.put("threads", threads);
            f.put("warmup_rounds", warmup);
            f.put("rounds", r.rounds());
            f.put("median_restore_s", medianRestoreNs / 1e9);
            f.put("min_restore_s", minRestoreNs / 1e9);
            f.put("max_restore_s", maxRestoreNs / 1e9);
            f.put("median_restore_mb_per_s", mb / (medianRestoreNs / 1e9));
            f.put("median_round_keys_per_s", r.medianOpsPerSecond());
            f.put("median_round_s", r.medianNsPerOp() * keys / 1e9);
            f.put("machine", BenchHarness.machine());
            out.println(BenchHarness.jsonLine(f));
        } else {
            out.printf(Locale.ROOT, "bench restore: %d keys x %d bytes (%.1f MB), %d partitions, %d thread(s); %s;"
                    + " %d warm-up + %d rounds%n", keys, stateBytes, mb, partitions, threads, BenchHarness.machine(),
                    warmup, r.rounds());
            out.printf(Locale.ROOT, "%16s %14s %14s %16s %16s%n", "median restore s", "min s", "max s",
                    "median MB/s", "median round s");
            out.printf(Locale.ROOT, "%16.2f %14.2f %14.2f %16.1f %16.2f%n", medianRestoreNs / 1e9, minRestoreNs / 1e9,
                    maxRestoreNs / 1e9, mb / (medianRestoreNs / 1e9), r.medianNsPerOp() * keys / 1e9);
        }
        out.flush();
    }

    private void createTopics(String bootstrap, StreamSettings s, String changelog) throws InterruptedException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<NewTopic> topics = new ArrayList<>();
            for (String t : List.of(s.eventsTopic(), s.forecastsTopic(), s.alertsTopic(), s.deadLettersTopic())) {
                topics.add(new NewTopic(t, partitions, (short) 1));
            }
            topics.add(new NewTopic(s.modelsTopic(), 1, (short) 1).configs(Map.of("cleanup.policy", "compact")));
            topics.add(new NewTopic(changelog, partitions, (short) 1).configs(Map.of("cleanup.policy", "compact")));
            admin.createTopics(topics).all().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            NewTopics.awaitVisible(admin, topics.stream().map(NewTopic::name).toList(), WAIT);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create the bench topics: " + e.getMessage(), e);
        }
    }

    /** Writes one state per key, partitioned as Kafka Streams partitions the events (by key bytes). */
    private void fillChangelog(String bootstrap, String changelog) throws Exception {
        Map<String, Object> c = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024,
                ProducerConfig.ACKS_CONFIG, "all");
        Random rnd = new Random(1);
        byte[] value = new byte[stateBytes];
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(c, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int k = 0; k < keys; k++) {
                rnd.nextBytes(value);
                p.send(new ProducerRecord<>(changelog, ("key-" + k).getBytes(StandardCharsets.UTF_8), value.clone()));
            }
            p.flush();
        }
    }

    private static double median(List<Double> xs) {
        double[] s = xs.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }

    private static void pause() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
