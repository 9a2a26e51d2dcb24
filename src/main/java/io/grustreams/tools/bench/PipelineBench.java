package io.grustreams.tools.bench;

import io.grustreams.app.broker.InProcessKafkaBroker;
import io.grustreams.app.topics.NewTopics;
import io.grustreams.stream.GruTopology;
import io.grustreams.stream.StreamMetrics;
import io.grustreams.stream.StreamSettings;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gru-streams bench pipeline}: what the GRU costs on top of Kafka Streams itself. On an
 * in-process broker it pre-produces {@code --events} events over {@code --keys} keys once, then
 * drains that same topic, from the start, with two topologies under exactly_once_v2:
 * <ul>
 *   <li>(b) the full GRU topology ({@link GruTopology}), a model published first;</li>
 *   <li>(a) a passthrough baseline with the same serdes (bytes in, bytes out) and the same kind of
 *       store (persistent, cached, changelogged, {@code Bytes}/{@code byte[]}), doing one get and one
 *       put per record of a value as large as the GRU's mean per-key state at the end of (b), then
 *       forwarding the record unchanged.</li>
 * </ul>
 * It prints records/s of each and, last, the ratio b/a. With {@code --rounds R} both run R times,
 * in alternating order, and the round with the median ratio is reported (each round's figures
 * too): on a shared machine one drain can be slowed by a neighbour, and a ratio measured within
 * one round, of two drains a few seconds apart, is what survives that. A rate is timed from the first record the
 * topology processed to the last, so group join and store restore are not counted; the producer is
 * idle during the timing. Built on {@link StreamBench}'s model, payloads and helpers.
 *
 * <p>It also prints what the GRU topology wrote per event: the key and value bytes its processor
 * put into the state and ring stores ({@link io.grustreams.stream.StreamMetrics#STORE_BYTES}) and
 * the bytes the producer sent to their changelogs, read after a commit interval so the record
 * cache has flushed. What the cache absorbed (a key written twice between commits) is in the first
 * figure and not the second.
 */
@Command(name = "pipeline",
        description = {"Records/s of a passthrough topology (same serdes, one state get+put per record) and of the",
                "GRU topology over the same pre-produced events on an in-process broker, both exactly_once_v2;",
                "the last line is the ratio GRU / passthrough. Also the bytes the GRU topology wrote per event",
                "to its stores and to their changelogs."})
public final class PipelineBench implements Callable<Integer> {

    private static final Duration WAIT = Duration.ofMinutes(30);
    private static final String PASSTHROUGH_STORE = "passthrough-state";
    private static final long POLL_MS = 5;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Mixin
    GruWorkload workload;

    @Option(names = "--json", description = "One JSON object with both rates and the ratio.")
    boolean json;

    @Option(names = "--events", defaultValue = "1000000", description = "Events N (default: ${DEFAULT-VALUE}).")
    int events;

    @Option(names = "--keys", defaultValue = "1000", description = "Distinct keys K (default: ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = "--rounds", defaultValue = "1",
            description = "Rounds of both topologies, in alternating order; the ratio reported is the median of the"
                    + " rounds' ratios (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--kafka", paramLabel = "KEY=VALUE",
            description = "A Kafka Streams setting for both topologies, such as commit.interval.ms=1000 (repeatable).")
    Map<String, String> kafka = new java.util.LinkedHashMap<>();

    /**
     * What one topology did: records, seconds from its first to its last record, its mean state
     * size, and (the GRU's) bytes written per event: put into the state and ring stores, and sent
     * to their changelog topics.
     */
    record Run(long records, double seconds, double meanStateBytes, Writes writes) {
        double recordsPerSecond() {
            return records / seconds;
        }
    }

    /** Bytes per event: put into the state store, into the ring store, and produced to both changelogs. */
    record Writes(double state, double ring, double changelog) {
        static final Writes NONE = new Writes(Double.NaN, Double.NaN, Double.NaN);
    }

    @Override
    public Integer call() throws Exception {
        if (events < 1 || keys < 1 || workload.inputSize < 1 || workload.hidden < 1 || workload.partitions < 1
                || workload.threads < 1 || rounds < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "need --events, --keys, --input-size, --hidden, --partitions, --threads, --rounds >= 1");
        }
        List<String> names = workload.featureNames();
        Properties gru = workload.gruProperties(spec.commandLine());
        StreamSettings settings = GruWorkload.settings(spec.commandLine(), gru);
        String passthroughOut = settings.forecastsTopic() + "-passthrough";
        Path stateDir = workload.newStateDir("gru-streams-pipeline-");
        try (InProcessKafkaBroker broker = InProcessKafkaBroker.builder().build()) {
            broker.start();
            String bootstrap = broker.bootstrapServers();
            workload.createTopics(bootstrap, settings);
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                admin.createTopics(List.of(new NewTopic(passthroughOut, workload.partitions, (short) 1))).all()
                        .get(2, TimeUnit.MINUTES);
                NewTopics.awaitVisible(admin, List.of(passthroughOut), Duration.ofMinutes(2));
            }
            StreamBench.publishModel(bootstrap, settings, workload.model(names));
            preProduce(bootstrap, settings.eventsTopic(), workload.payloads(names));

            List<Run> gruRuns = new java.util.ArrayList<>();
            List<Run> passRuns = new java.util.ArrayList<>();
            // The GRU first in round 0 (the passthrough's value size is the GRU's state size), then the
            // order alternates so that a drift of the machine's load does not favour one topology.
            gruRuns.add(runGru(bootstrap, gru, settings, stateDir, 0));
            int stateBytes = (int) Math.round(gruRuns.get(0).meanStateBytes());
            passRuns.add(runPassthrough(bootstrap, gru, settings, passthroughOut, stateBytes, stateDir, 0));
            for (int r = 1; r < rounds; r++) {
                if (r % 2 == 1) {
                    passRuns.add(runPassthrough(bootstrap, gru, settings, passthroughOut, stateBytes, stateDir, r));
                    gruRuns.add(runGru(bootstrap, gru, settings, stateDir, r));
                } else {
                    gruRuns.add(runGru(bootstrap, gru, settings, stateDir, r));
                    passRuns.add(runPassthrough(bootstrap, gru, settings, passthroughOut, stateBytes, stateDir, r));
                }
            }
            report(passRuns, gruRuns);
        } finally {
            StreamBench.deleteRecursively(stateDir);
        }
        return 0;
    }

    /** One drain of the events topic by the GRU topology, under a new application id. */
    private Run runGru(String bootstrap, Properties gru, StreamSettings settings, Path stateDir, int round)
            throws java.io.IOException {
        String applicationId = "gru-streams-pipeline-gru-" + round;
        try (KafkaStreams streams = start(bootstrap, gru, applicationId, GruTopology.build(settings),
                stateDir.resolve("gru-" + round))) {
            Run run = drain(streams, forecastCounter(streams));
            // Past the next commit, so the record cache has flushed what the last events put.
            sleep(Long.parseLong(startProperties(gru).getProperty(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)) + 1000);
            Writes writes = writes(streams, settings, applicationId, run.records());
            run = new Run(run.records(), run.seconds(), meanValueBytes(streams, settings.stateStore()), writes);
            close(streams);
            return run;
        }
    }

    /** One drain of the events topic by the passthrough, under a new application id. */
    private Run runPassthrough(String bootstrap, Properties gru, StreamSettings settings, String out, int stateBytes,
            Path stateDir, int round) throws java.io.IOException {
        AtomicLong processed = new AtomicLong();
        try (KafkaStreams streams = start(bootstrap, gru, "gru-streams-pipeline-passthrough-" + round,
                passthrough(settings.eventsTopic(), out, stateBytes, processed), stateDir.resolve("passthrough-" + round))) {
            Run run = drain(streams, processed::get);
            run = new Run(run.records(), run.seconds(), meanValueBytes(streams, PASSTHROUGH_STORE), Writes.NONE);
            close(streams);
            return run;
        }
    }

    private void preProduce(String bootstrap, String topic, byte[][] payloads) {
        byte[][] keyBytes = new byte[keys][];
        for (int k = 0; k < keys; k++) {
            keyBytes[k] = ("key-" + k).getBytes(StandardCharsets.UTF_8);
        }
        try (KafkaProducer<byte[], byte[]> producer = StreamBench.producer(bootstrap)) {
            for (int i = 0; i < events; i++) {
                producer.send(new ProducerRecord<>(topic, keyBytes[i % keys], payloads[(i / keys) % payloads.length]));
            }
            producer.flush();
        }
    }

    /**
     * The baseline: bytes in, one get and one put of a {@code stateBytes} value per record (a new
     * array each time, as the GRU's state codec writes one), the record forwarded unchanged.
     */
    static Topology passthrough(String in, String out, int stateBytes, AtomicLong processed) {
        StoreBuilder<KeyValueStore<Bytes, byte[]>> store = Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(PASSTHROUGH_STORE), Serdes.Bytes(), Serdes.ByteArray())
                .withCachingEnabled();
        Topology t = new Topology();
        t.addSource("source", new ByteArrayDeserializer(), new ByteArrayDeserializer(), in);
        t.addProcessor("passthrough", new ProcessorSupplier<byte[], byte[], byte[], byte[]>() {
            @Override
            public Processor<byte[], byte[], byte[], byte[]> get() {
                return new PassthroughProcessor(stateBytes, processed);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(store);
            }
        }, "source");
        t.addSink("sink", out, new ByteArraySerializer(), new ByteArraySerializer(), "passthrough");
        return t;
    }

    /** Reads the previous value, writes a new one with a per-key counter in its first 8 bytes. */
    static final class PassthroughProcessor implements Processor<byte[], byte[], byte[], byte[]> {
        private final int stateBytes;
        private final AtomicLong processed;
        private ProcessorContext<byte[], byte[]> context;
        private KeyValueStore<Bytes, byte[]> store;

        PassthroughProcessor(int stateBytes, AtomicLong processed) {
            this.stateBytes = Math.max(8, stateBytes);
            this.processed = processed;
        }

        @Override
        public void init(ProcessorContext<byte[], byte[]> context) {
            this.context = context;
            this.store = context.getStateStore(PASSTHROUGH_STORE);
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            Bytes key = Bytes.wrap(record.key());
            byte[] previous = store.get(key);
            byte[] next = previous == null ? new byte[stateBytes] : Arrays.copyOf(previous, stateBytes);
            long count = java.nio.ByteBuffer.wrap(next).getLong(0) + 1;
            java.nio.ByteBuffer.wrap(next).putLong(0, count);
            store.put(key, next);
            context.forward(record);
            processed.incrementAndGet();
        }
    }

    /** The Kafka Streams properties both topologies run with, before their application id and state dir. */
    private Properties startProperties(Properties gru) {
        Properties p = StreamSettings.kafkaProperties(gru);
        kafka.forEach(p::setProperty);
        return p;
    }

    private KafkaStreams start(String bootstrap, Properties gru, String applicationId, Topology topology, Path dir)
            throws java.io.IOException {
        Properties p = startProperties(gru);
        p.setProperty(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.setProperty(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.setProperty(StreamsConfig.STATE_DIR_CONFIG, Files.createDirectories(dir).toString());
        p.setProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.setProperty(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.toString(workload.threads));
        KafkaStreams streams = new KafkaStreams(topology, p);
        streams.start();
        return streams;
    }

    /** Waits for the first record, then times until all {@link #events} are processed. */
    private Run drain(KafkaStreams streams, LongSupplier processed) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (processed.getAsLong() == 0) {
            check(streams, deadline, processed);
            sleep();
        }
        long t0 = System.nanoTime();
        while (processed.getAsLong() < events) {
            check(streams, deadline, processed);
            sleep();
        }
        return new Run(processed.getAsLong(), (System.nanoTime() - t0) / 1e9, 0, Writes.NONE);
    }

    /**
     * Bytes per event from the instance's metrics: the processor's count of what it put into each
     * store ({@link StreamMetrics#STORE_BYTES}), and the producer's bytes sent to the two changelog
     * topics (after the record cache folded a key's puts within a commit, batch overhead included).
     */
    private static Writes writes(KafkaStreams streams, StreamSettings settings, String applicationId, long events) {
        double state = 0;
        double ring = 0;
        double changelog = 0;
        Set<String> changelogs = Set.of(applicationId + "-" + settings.stateStore() + "-changelog",
                applicationId + "-" + settings.ringStore() + "-changelog");
        for (Map.Entry<MetricName, ? extends Metric> e : streams.metrics().entrySet()) {
            MetricName n = e.getKey();
            if (n.group().equals(StreamMetrics.GROUP) && n.name().equals(StreamMetrics.STORE_BYTES)) {
                double v = ((Number) e.getValue().metricValue()).doubleValue();
                if ("state".equals(n.tags().get("store"))) {
                    state += v;
                } else {
                    ring += v;
                }
            } else if (n.group().equals("producer-topic-metrics") && n.name().equals("byte-total")
                    && changelogs.contains(n.tags().get("topic"))) {
                changelog += ((Number) e.getValue().metricValue()).doubleValue();
            }
        }
        return new Writes(state / events, ring / events, changelog / events);
    }

    private void check(KafkaStreams streams, long deadline, LongSupplier processed) {
        if (System.nanoTime() > deadline || streams.state() == KafkaStreams.State.ERROR) {
            throw new IllegalStateException("only " + processed.getAsLong() + " of " + events
                    + " records processed within " + WAIT + " (state " + streams.state() + ")");
        }
    }

    private static void sleep() {
        sleep(POLL_MS);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * The GRU topology's forecast count. The metric is looked up once and then read directly:
     * {@link KafkaStreams#metrics()} copies every metric of the instance, which polled every few
     * milliseconds would take CPU from the topology being timed.
     */
    private static LongSupplier forecastCounter(KafkaStreams streams) {
        Metric[] found = new Metric[1];
        return () -> {
            if (found[0] == null) {
                for (Map.Entry<MetricName, ? extends Metric> e : streams.metrics().entrySet()) {
                    if (e.getKey().group().equals(StreamMetrics.GROUP)
                            && e.getKey().name().equals(StreamMetrics.FORECASTS)) {
                        found[0] = e.getValue();
                    }
                }
                if (found[0] == null) {
                    return 0L;
                }
            }
            return ((Number) found[0].metricValue()).longValue();
        };
    }

    private static double meanValueBytes(KafkaStreams streams, String storeName) {
        ReadOnlyKeyValueStore<Bytes, byte[]> store = streams.store(StoreQueryParameters.fromNameAndType(storeName,
                QueryableStoreTypes.<Bytes, byte[]>keyValueStore()));
        long n = 0;
        long bytes = 0;
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> kv = it.next();
                n++;
                bytes += kv.value.length;
            }
        }
        return n == 0 ? 0 : (double) bytes / n;
    }

    private static void close(KafkaStreams streams) {
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
    }

    private void report(List<Run> passRuns, List<Run> gruRuns) {
        PrintWriter out = spec.commandLine().getOut();
        double[] ratios = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            ratios[r] = gruRuns.get(r).recordsPerSecond() / passRuns.get(r).recordsPerSecond();
        }
        int median = medianIndex(ratios);
        Run passthrough = passRuns.get(median);
        Run gru = gruRuns.get(median);
        double ratio = ratios[median];
        if (json) {
            Map<String, Object> f = BenchHarness.fields();
            f.put("bench", "pipeline");
            f.put("guarantee", StreamsConfig.EXACTLY_ONCE_V2);
            f.put("events", events);
            f.put("keys", keys);
            f.put("input_size", workload.inputSize);
            f.put("hidden_size", workload.hidden);
            f.put("partitions", workload.partitions);
            f.put("threads", workload.threads);
            f.put("rounds", rounds);
            f.put("settings", workload.set.toString());
            f.put("kafka", kafka.toString());
            f.put("state_bytes", Math.round(gruRuns.get(0).meanStateBytes()));
            Writes w = gru.writes();
            f.put("state_store_bytes_per_event", w.state());
            f.put("ring_store_bytes_per_event", w.ring());
            f.put("store_bytes_per_event", w.state() + w.ring());
            f.put("changelog_bytes_per_event", w.changelog());
            f.put("passthrough_records_per_s", passthrough.recordsPerSecond());
            f.put("gru_records_per_s", gru.recordsPerSecond());
            f.put("ratio", ratio);
            f.put("min_ratio", Arrays.stream(ratios).min().orElseThrow());
            f.put("max_ratio", Arrays.stream(ratios).max().orElseThrow());
            f.put("machine", BenchHarness.machine());
            out.println(BenchHarness.jsonLine(f));
        } else {
            out.printf(Locale.ROOT, "bench pipeline: exactly_once_v2, %d events x %d keys, D %d, H %d, %d partitions,"
                    + " %d thread(s), %d round(s), settings %s, kafka %s, state %.0f bytes per key; %s%n", events, keys,
                    workload.inputSize, workload.hidden, workload.partitions, workload.threads, rounds, workload.set,
                    kafka, gruRuns.get(0).meanStateBytes(), BenchHarness.machine());
            if (rounds > 1) {
                for (int r = 0; r < rounds; r++) {
                    out.printf(Locale.ROOT, "round %d: passthrough %.0f, gru %.0f records/s, ratio %.3f%n", r + 1,
                            passRuns.get(r).recordsPerSecond(), gruRuns.get(r).recordsPerSecond(), ratios[r]);
                }
                out.printf(Locale.ROOT, "median round %d:%n", median + 1);
            }
            out.printf(Locale.ROOT, "passthrough: %.0f records/s (%.2f s)%n", passthrough.recordsPerSecond(),
                    passthrough.seconds());
            out.printf(Locale.ROOT, "gru:         %.0f records/s (%.2f s)%n", gru.recordsPerSecond(), gru.seconds());
            Writes w = gru.writes();
            out.printf(Locale.ROOT, "gru writes per event: %.0f bytes put into stores (state %.0f, ring %.0f),"
                    + " %.0f bytes to their changelogs%n", w.state() + w.ring(), w.state(), w.ring(), w.changelog());
            out.printf(Locale.ROOT, "ratio gru/passthrough: %.3f%n", ratio);
        }
        out.flush();
    }

    /** The index of the median value (the lower middle one for an even count). */
    static int medianIndex(double[] values) {
        Integer[] order = new Integer[values.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(values[a], values[b]));
        return order[(values.length - 1) / 2];
    }
}
