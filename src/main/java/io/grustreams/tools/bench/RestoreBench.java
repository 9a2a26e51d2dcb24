package io.grustreams.tools.bench;

import io.grustreams.app.broker.InProcessKafkaBroker;
import io.grustreams.app.topics.NewTopics;
import io.grustreams.engine.EngineConfig;
import io.grustreams.engine.KeyProcessor;
import io.grustreams.engine.KeyStateCodec;
import io.grustreams.engine.MemoryRingBlocks;
import io.grustreams.model.GruModel;
import io.grustreams.stream.GruTopology;
import io.grustreams.stream.StoreRingBlocks;
import io.grustreams.stream.StreamSettings;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.StateRestoreListener;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gru-streams bench restore}: how long a new instance (empty state directory) takes to
 * restore the per-key stores from their changelogs, on an in-process broker in this JVM, for the
 * current state format and, in the same run, for the previous release's (format v1).
 *
 * <p>Current format: {@code --template-keys} keys are run through the engine ({@link KeyProcessor}
 * with the stream's settings and a seeded model) for {@code --template-events} events each, so
 * their anomaly estimators and rings are full; every benchmark key gets one template's state in
 * the state store's changelog and its ring blocks in the ring store's, under its own key and in
 * the partition Kafka Streams gives it. Previous format: one value of {@code --legacy-bytes}
 * random bytes per key in the state changelog (5,883 bytes is a v1 state at the previous
 * defaults, D=1, H=32, W=256; restore copies bytes into RocksDB without decoding them, so their
 * content does not matter).
 *
 * <p>A round starts an instance on an empty state directory, waits until it is RUNNING with every
 * key restored, and closes it; the restore span (first store's restore start to last store's end,
 * from a {@link StateRestoreListener}) is reported per key and per million keys.
 */
@Command(name = "restore",
        description = {"Times restoring the per-key stores from their changelogs into an empty state directory",
                "(in-process broker), for the current state format and the previous release's in one run.",
                "Reports the restore time per key and per million keys, median over the rounds."})
public final class RestoreBench implements Callable<Integer> {

    private static final Duration WAIT = Duration.ofSeconds(600);
    private static final String APP_ID = "gru-streams-bench-restore";
    private static final long STEP_MS = 300_000L;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    GruWorkload workload = new GruWorkload();

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--json", description = "One JSON object per line instead of a table.")
    boolean json;

    @Option(names = "--keys", defaultValue = "200000", description = "Keys in the changelogs (default: ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = "--template-keys", defaultValue = "16",
            description = "Keys run through the engine whose states all keys share (default: ${DEFAULT-VALUE}).")
    int templateKeys;

    @Option(names = "--template-events", defaultValue = "400",
            description = "Events per template key (default: ${DEFAULT-VALUE}).")
    int templateEvents;

    @Option(names = "--legacy-bytes", defaultValue = "5883",
            description = "Bytes of a previous-format (v1) state; 0 skips that run (default: ${DEFAULT-VALUE},"
                    + " D=1, H=32 at the previous release's defaults).")
    int legacyBytes;

    @Option(names = "--warmup", defaultValue = "1", description = "Warm-up rounds, not reported (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--rounds", defaultValue = "3", description = "Measured rounds (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--kafka", paramLabel = "KEY=VALUE",
            description = "A Kafka Streams setting for the restoring instance (repeatable).")
    Map<String, String> kafka = new LinkedHashMap<>();

    /** One format's changelog contents and its measured restore. */
    private record Outcome(String format, long stateRecords, long ringRecords, long bytes, double medianNs,
            double minNs, double maxNs) {

        double perKeyUs(int keys) {
            return medianNs / 1e3 / keys;
        }
    }

    @Override
    public Integer call() throws Exception {
        if (keys < 1 || templateKeys < 1 || templateEvents < 1 || legacyBytes < 0 || warmup < 0 || rounds < 1
                || workload.partitions < 1 || workload.threads < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "need --keys, --template-keys,"
                    + " --template-events, --partitions, --threads, --rounds >= 1, --warmup, --legacy-bytes >= 0");
        }
        StreamSettings settings = GruWorkload.settings(spec.commandLine(), workload.gruProperties(spec.commandLine()));
        Path parent = workload.newStateDir("gru-streams-bench-restore-");
        List<Outcome> outcomes = new ArrayList<>();
        try (InProcessKafkaBroker broker = InProcessKafkaBroker.builder().build()) {
            broker.start();
            String bootstrap = broker.bootstrapServers();
            workload.createTopics(bootstrap, settings);
            Templates t = templates(settings);
            List<String> formats = new ArrayList<>(List.of("current"));
            Map<String, long[]> written = new LinkedHashMap<>();
            createChangelogs(bootstrap, settings, appId("current"));
            written.put("current", fill(bootstrap, settings, appId("current"), (k, key, send) -> {
                int i = k % templateKeys;
                send.state(key, t.states[i]);
                for (Map.Entry<Long, byte[]> b : t.rings.get(i).entrySet()) {
                    send.ring(StoreRingBlocks.storeKey(key, b.getKey()).get(), b.getValue());
                }
            }));
            if (legacyBytes > 0) {
                formats.add("v1");
                createChangelogs(bootstrap, settings, appId("v1"));
                Random rnd = new Random(workload.seed);
                written.put("v1", fill(bootstrap, settings, appId("v1"), (k, key, send) -> {
                    byte[] value = new byte[legacyBytes];
                    rnd.nextBytes(value);
                    send.state(key, value);
                }));
            }
            // Rounds alternate between the formats, so drift in a shared machine's load hits both alike.
            Map<String, List<Double>> restoreNs = new LinkedHashMap<>();
            for (int round = 0; round < warmup + rounds; round++) {
                for (String format : formats) {
                    long[] w = written.get(format);
                    long ns = restoreOnce(bootstrap, settings, appId(format), parent.resolve(format + "-" + round),
                            w[0] + w[1]);
                    if (round >= warmup) {
                        restoreNs.computeIfAbsent(format, f -> new ArrayList<>()).add((double) ns);
                    }
                }
            }
            for (String format : formats) {
                long[] w = written.get(format);
                double[] m = restoreNs.get(format).stream().mapToDouble(Double::doubleValue).sorted().toArray();
                double median = m.length % 2 == 1 ? m[m.length / 2] : 0.5 * (m[m.length / 2 - 1] + m[m.length / 2]);
                outcomes.add(new Outcome(format, w[0], w[1], w[2], median, m[0], m[m.length - 1]));
            }
        } finally {
            StreamBench.deleteRecursively(parent);
        }
        report(settings, outcomes);
        return 0;
    }

    /** The template keys' encoded states and ring blocks, after {@code --template-events} events each. */
    private record Templates(byte[][] states, List<Map<Long, byte[]>> rings) {}

    private Templates templates(StreamSettings settings) {
        EngineConfig config = settings.engine();
        GruModel model = workload.model(workload.featureNames());
        KeyStateCodec codec = new KeyStateCodec(config);
        Random rnd = new Random(workload.seed);
        int d = workload.inputSize;
        byte[][] states = new byte[templateKeys][];
        List<Map<Long, byte[]>> rings = new ArrayList<>();
        double[] x = new double[d];
        for (int k = 0; k < templateKeys; k++) {
            MemoryRingBlocks blocks = new MemoryRingBlocks();
            KeyProcessor p = new KeyProcessor(config, blocks);
            KeyProcessor.Outcome out = new KeyProcessor.Outcome(d, config.horizon());
            for (int e = 0; e < templateEvents; e++) {
                for (int f = 0; f < d; f++) {
                    x[f] = 10 + 3 * Math.sin(0.05 * e + f + k) + 0.3 * rnd.nextGaussian();
                }
                p.process(model, e * STEP_MS, x, out);
            }
            states[k] = codec.encode(p.state());
            rings.add(new TreeMap<>(blocks.view()));
        }
        return new Templates(states, rings);
    }

    /** Where a benchmark key's records go. */
    private interface Sink {
        void state(byte[] key, byte[] value);

        void ring(byte[] storeKey, byte[] value);
    }

    private interface Filler {
        void fill(int k, byte[] key, Sink send);
    }

    /** Writes every key's records; returns {state records, ring records, key and value bytes}. */
    private long[] fill(String bootstrap, StreamSettings s, String appId, Filler filler) {
        Map<String, Object> c = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024,
                ProducerConfig.ACKS_CONFIG, "all");
        String stateTopic = changelog(appId, s.stateStore());
        String ringTopic = changelog(appId, s.ringStore());
        long[] n = new long[3];
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(c, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int k = 0; k < keys; k++) {
                byte[] key = ("key-" + k).getBytes(StandardCharsets.UTF_8);
                // The partition Kafka Streams gives the key's events, and so its state and ring blocks.
                int partition = Utils.toPositive(Utils.murmur2(key)) % workload.partitions;
                filler.fill(k, key, new Sink() {
                    @Override
                    public void state(byte[] storeKey, byte[] value) {
                        p.send(new ProducerRecord<>(stateTopic, partition, storeKey, value));
                        n[0]++;
                        n[2] += storeKey.length + value.length;
                    }

                    @Override
                    public void ring(byte[] storeKey, byte[] value) {
                        p.send(new ProducerRecord<>(ringTopic, partition, storeKey, value));
                        n[1]++;
                        n[2] += storeKey.length + value.length;
                    }
                });
            }
            p.flush();
        }
        return n;
    }

    /** One instance from an empty state directory to RUNNING, then closed; returns the restore span in ns. */
    private long restoreOnce(String bootstrap, StreamSettings settings, String appId, Path stateDir, long records) {
        Properties p = StreamSettings.kafkaProperties(new Properties());
        p.setProperty(StreamsConfig.APPLICATION_ID_CONFIG, appId);
        p.setProperty(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.setProperty(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.setProperty(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.toString(workload.threads));
        kafka.forEach(p::setProperty);
        Span span = new Span(Set.of(settings.stateStore(), settings.ringStore()));
        KafkaStreams streams = new KafkaStreams(GruTopology.build(settings), p);
        streams.setGlobalStateRestoreListener(span);
        try {
            streams.start();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (streams.state() != KafkaStreams.State.RUNNING || span.restored.get() < records) {
                if (System.nanoTime() > deadline || streams.state() == KafkaStreams.State.ERROR) {
                    throw new IllegalStateException("restore did not finish within " + WAIT + ": " + span.restored.get()
                            + " of " + records + " records, state " + streams.state());
                }
                StreamBench.pause();
            }
            return span.last.get() - span.first.get();
        } finally {
            streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofSeconds(30)));
        }
    }

    /** First restore start to last restore end of the per-key stores, and records restored. */
    private static final class Span implements StateRestoreListener {
        private final Set<String> stores;
        final AtomicLong first = new AtomicLong(Long.MAX_VALUE);
        final AtomicLong last = new AtomicLong(Long.MIN_VALUE);
        final AtomicLong restored = new AtomicLong();

        Span(Set<String> stores) {
            this.stores = stores;
        }

        @Override
        public void onRestoreStart(TopicPartition tp, String storeName, long startOffset, long endOffset) {
            if (stores.contains(storeName)) {
                first.accumulateAndGet(System.nanoTime(), Math::min);
            }
        }

        @Override
        public void onBatchRestored(TopicPartition tp, String storeName, long batchEndOffset, long numRestored) {
            if (stores.contains(storeName)) {
                restored.addAndGet(numRestored);
            }
        }

        @Override
        public void onRestoreEnd(TopicPartition tp, String storeName, long totalRestored) {
            if (stores.contains(storeName)) {
                last.accumulateAndGet(System.nanoTime(), Math::max);
            }
        }
    }

    private void report(StreamSettings settings, List<Outcome> outcomes) {
        PrintWriter out = spec.commandLine().getOut();
        Outcome current = outcomes.get(0);
        Double speedup = outcomes.size() > 1 ? outcomes.get(1).medianNs / current.medianNs : null;
        if (json) {
            for (Outcome o : outcomes) {
                Map<String, Object> f = BenchHarness.fields();
                f.put("bench", "restore");
                f.put("format", o.format());
                f.put("keys", keys);
                f.put("input_size", workload.inputSize);
                f.put("hidden", workload.hidden);
                f.put("ring_size", settings.ringSize());
                f.put("state_records", o.stateRecords());
                f.put("ring_records", o.ringRecords());
                f.put("changelog_mb", o.bytes() / 1e6);
                f.put("bytes_per_key", (double) o.bytes() / keys);
                f.put("partitions", workload.partitions);
                f.put("threads", workload.threads);
                f.put("warmup_rounds", warmup);
                f.put("rounds", rounds);
                f.put("median_restore_s", o.medianNs() / 1e9);
                f.put("min_restore_s", o.minNs() / 1e9);
                f.put("max_restore_s", o.maxNs() / 1e9);
                f.put("median_restore_us_per_key", o.perKeyUs(keys));
                f.put("median_restore_s_per_million_keys", o.perKeyUs(keys));
                if (speedup != null) {
                    f.put("v1_over_current_per_key", speedup);
                }
                f.put("machine", BenchHarness.machine());
                out.println(BenchHarness.jsonLine(f));
            }
        } else {
            out.printf(Locale.ROOT, "bench restore: %d keys, D=%d, H=%d, ring %d, %d partitions, %d thread(s); %s;"
                    + " %d warm-up + %d rounds%n", keys, workload.inputSize, workload.hidden, settings.ringSize(),
                    workload.partitions, workload.threads, BenchHarness.machine(), warmup, rounds);
            out.printf(Locale.ROOT, "%-8s %12s %12s %10s %12s %10s %10s %12s %14s%n", "format", "state recs",
                    "ring recs", "B/key", "median s", "min s", "max s", "us/key", "s/1M keys");
            for (Outcome o : outcomes) {
                out.printf(Locale.ROOT, "%-8s %12d %12d %10.0f %12.2f %10.2f %10.2f %12.1f %14.1f%n", o.format(),
                        o.stateRecords(), o.ringRecords(), (double) o.bytes() / keys, o.medianNs() / 1e9,
                        o.minNs() / 1e9, o.maxNs() / 1e9, o.perKeyUs(keys), o.perKeyUs(keys));
            }
            if (speedup != null) {
                out.printf(Locale.ROOT, "restore per key, v1 / current: %.2fx%n", speedup);
            }
        }
        out.flush();
    }

    private static String appId(String format) {
        return APP_ID + "-" + format;
    }

    private static String changelog(String appId, String store) {
        return appId + "-" + store + "-changelog";
    }

    /** Both stores' changelogs, compacted, with the events topic's partition count, created before the fill. */
    private void createChangelogs(String bootstrap, StreamSettings s, String appId) throws InterruptedException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<NewTopic> topics = new ArrayList<>();
            for (String store : List.of(s.stateStore(), s.ringStore())) {
                topics.add(new NewTopic(changelog(appId, store), workload.partitions, (short) 1)
                        .configs(Map.of("cleanup.policy", "compact")));
            }
            admin.createTopics(topics).all().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            NewTopics.awaitVisible(admin, topics.stream().map(NewTopic::name).toList(), WAIT);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create the bench changelogs: " + e.getMessage(), e);
        }
    }
}
