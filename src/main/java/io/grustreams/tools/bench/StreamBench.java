package io.grustreams.tools.bench;

import io.grustreams.app.broker.InProcessKafkaBroker;
import io.grustreams.model.GruModel;
import io.grustreams.model.codec.ModelCodec;
import io.grustreams.stream.GruTopology;
import io.grustreams.stream.ModelRegistry;
import io.grustreams.stream.StreamMetrics;
import io.grustreams.stream.StreamSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gru-streams bench stream}: events per second through the whole topology (parse, state
 * get, GRU step, anomaly score, forecast JSON, state put, changelog and output writes) on an
 * in-process broker in this JVM. A round sends {@code --events} events over {@code --keys} keys
 * and ends when the instance has processed all of them ({@value StreamMetrics#FORECASTS} grew by
 * that many); the producer, the broker and Kafka Streams share the machine's cores, so the figure
 * is the whole system's on this machine, not the processor's alone.
 */
@Command(name = "stream",
        description = {"Times events through the GRU topology on an in-process broker (producer, broker and",
                "Kafka Streams in this JVM). Reports median and spread (min, max) over the measured rounds."})
public final class StreamBench implements Callable<Integer> {

    private static final Duration WAIT = Duration.ofSeconds(120);

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Mixin
    GruWorkload workload;

    @Option(names = "--json", description = "One JSON object per line instead of a table.")
    boolean json;

    @Option(names = "--events", defaultValue = "50000", description = "Events per round (default: ${DEFAULT-VALUE}).")
    int events;

    @Option(names = "--keys", defaultValue = "1000", description = "Distinct keys (default: ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = "--guarantee", defaultValue = StreamsConfig.EXACTLY_ONCE_V2,
            description = "processing.guarantee: exactly_once_v2 or at_least_once (default: ${DEFAULT-VALUE}).")
    String guarantee;



    @Option(names = "--warmup", defaultValue = "2", description = "Warm-up rounds, not reported (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--rounds", defaultValue = "5", description = "Measured rounds (default: ${DEFAULT-VALUE}).")
    int rounds;




    @Override
    public Integer call() throws Exception {
        if (events < 1 || keys < 1 || workload.inputSize < 1 || workload.hidden < 1 || workload.partitions < 1 || workload.threads < 1 || warmup < 0
                || rounds < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "need --events, --keys, --input-size, --hidden, --partitions, --threads, --rounds >= 1, --warmup >= 0");
        }
        if (!guarantee.equals(StreamsConfig.EXACTLY_ONCE_V2) && !guarantee.equals(StreamsConfig.AT_LEAST_ONCE)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--guarantee must be "
                    + StreamsConfig.EXACTLY_ONCE_V2 + " or " + StreamsConfig.AT_LEAST_ONCE + ", got " + guarantee);
        }
        List<String> names = workload.featureNames();
        Properties gru = workload.gruProperties(spec.commandLine());
        StreamSettings settings = GruWorkload.settings(spec.commandLine(), gru);
        Path stateDir = workload.newStateDir("gru-streams-bench-state-");
        try (InProcessKafkaBroker broker = InProcessKafkaBroker.builder().build()) {
            broker.start();
            workload.createTopics(broker.bootstrapServers(), settings);
            publishModel(broker.bootstrapServers(), settings, workload.model(names));
            byte[][] keyBytes = new byte[keys][];
            for (int k = 0; k < keys; k++) {
                keyBytes[k] = ("key-" + k).getBytes(StandardCharsets.UTF_8);
            }
            byte[][] payloads = workload.payloads(names);
            try (KafkaStreams streams = start(broker.bootstrapServers(), gru, settings, stateDir);
                    KafkaProducer<byte[], byte[]> producer = producer(broker.bootstrapServers())) {
                long[] sent = {0};
                BenchHarness.Result r = new BenchHarness(warmup, rounds).measure(() -> {
                    double before = forecasts(streams);
                    for (int i = 0; i < events; i++) {
                        long n = sent[0]++;
                        producer.send(new ProducerRecord<>(settings.eventsTopic(), keyBytes[(int) (n % keys)],
                                payloads[(int) (n % payloads.length)]));
                    }
                    producer.flush();
                    awaitForecasts(streams, before + events);
                    return events;
                });
                report(r);
                streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                        .withTimeout(Duration.ofSeconds(30)));
            }
        } finally {
            deleteRecursively(stateDir);
        }
        return 0;
    }

    private void report(BenchHarness.Result r) {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> f = BenchHarness.fields();
            f.put("bench", "stream");
            f.put("guarantee", guarantee);
            f.put("events_per_round", events);
            f.put("keys", keys);
            f.put("features", workload.inputSize);
            f.put("hidden_size", workload.hidden);
            f.put("partitions", workload.partitions);
            f.put("threads", workload.threads);
            f.put("settings", workload.set.toString());
            f.put("warmup_rounds", warmup);
            f.put("rounds", r.rounds());
            f.put("median_events_per_s", r.medianOpsPerSecond());
            f.put("min_events_per_s", r.minOpsPerSecond());
            f.put("max_events_per_s", r.maxOpsPerSecond());
            f.put("median_us_per_event", r.medianNsPerOp() / 1000);
            f.put("machine", BenchHarness.machine());
            out.println(BenchHarness.jsonLine(f));
        } else {
            out.printf("bench stream: %s, %d events x %d keys, D %d, H %d, %d partitions, %d thread(s), settings %s;"
                    + " %s; %d warm-up + %d rounds%n", guarantee, events, keys, workload.inputSize, workload.hidden, workload.partitions,
                    workload.threads, workload.set, BenchHarness.machine(), warmup, r.rounds());
            out.printf(Locale.ROOT, "%14s %14s %14s %14s%n", "median ev/s", "min ev/s", "max ev/s", "median us/ev");
            out.printf(Locale.ROOT, "%14.0f %14.0f %14.0f %14.2f%n", r.medianOpsPerSecond(), r.minOpsPerSecond(),
                    r.maxOpsPerSecond(), r.medianNsPerOp() / 1000);
        }
        out.flush();
    }

    /** Publishes {@code m} under its record key, name@version, as {@code model publish} does. */
    static void publishModel(String bootstrap, StreamSettings s, GruModel m) throws Exception {
        Map<String, Object> c = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 << 20);
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(c, new StringSerializer(), new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(s.modelsTopic(), ModelRegistry.recordKey(m), ModelCodec.toJson(m)))
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Map<String, Object> c = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        return new KafkaProducer<>(c, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private KafkaStreams start(String bootstrap, Properties gru, StreamSettings s, Path stateDir) {
        Properties p = StreamSettings.kafkaProperties(gru);
        p.setProperty(StreamsConfig.APPLICATION_ID_CONFIG, "gru-streams-bench");
        p.setProperty(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.setProperty(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.setProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
        p.setProperty(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.toString(workload.threads));
        KafkaStreams streams = new KafkaStreams(GruTopology.build(s), p);
        streams.start();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline || streams.state() == KafkaStreams.State.ERROR) {
                streams.close(Duration.ofSeconds(10));
                throw new IllegalStateException("Kafka Streams did not reach RUNNING: " + streams.state());
            }
            pause();
        }
        return streams;
    }

    static double forecasts(KafkaStreams streams) {
        for (Map.Entry<MetricName, ? extends Metric> e : streams.metrics().entrySet()) {
            if (e.getKey().group().equals(StreamMetrics.GROUP) && e.getKey().name().equals(StreamMetrics.FORECASTS)) {
                return ((Number) e.getValue().metricValue()).doubleValue();
            }
        }
        return 0.0;
    }

    private static void awaitForecasts(KafkaStreams streams, double target) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (forecasts(streams) < target) {
            if (System.nanoTime() > deadline || streams.state() == KafkaStreams.State.ERROR) {
                throw new IllegalStateException("only " + (long) forecasts(streams) + " of " + (long) target
                        + " events processed within " + WAIT + " (state " + streams.state() + ")");
            }
            pause();
        }
    }

    static void pause() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static void deleteRecursively(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
