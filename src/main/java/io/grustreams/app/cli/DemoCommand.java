package io.grustreams.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grustreams.app.Main;
import io.grustreams.app.broker.InProcessKafkaBroker;
import io.grustreams.app.http.HttpApi;
import io.grustreams.app.http.HttpEndpoint;
import io.grustreams.app.topics.TopicApplier;
import io.grustreams.stream.GruTopology;
import io.grustreams.stream.ModelRegistry;
import io.grustreams.stream.StreamMetrics;
import io.grustreams.stream.StreamSettings;
import io.grustreams.stream.TopicSpec;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gru-streams demo}: the whole product on one machine in one process, narrated. An
 * in-process broker; the topics of {@code topics/}; the stream with its HTTP API; a history of
 * sensor readings (a daily-cycle sine plus noise) that fills the keys' ring buffers while no model
 * exists; a training run ({@code train --once}) that publishes a model, which the running stream
 * swaps in; live readings with a fault injected into one sensor, which opens an alert (and, once the
 * sensor is sane again, resolves it); then the
 * alert, that sensor's state over HTTP, and the product's metrics. Keeps serving HTTP until Ctrl-C
 * unless {@code --exit}. Deterministic data for a given {@code --seed}.
 */
@Command(name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the whole product in this process: broker, topics, stream + HTTP API, history, training,",
            "hot-swap, a fault that raises an alert. Then serves HTTP until Ctrl-C (or exits with --exit)."})
public final class DemoCommand implements Callable<Integer> {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** History readings are a minute apart; live ones 10 s, as a broker refuses timestamps over an hour ahead. */
    private static final long HISTORY_STEP_MS = 60_000L;
    private static final long LIVE_STEP_MS = 10_000L;
    /** Readings per simulated day: the sine's period in steps. */
    private static final int DAY = 96;
    /** Readings of the injected fault. */
    private static final int FAULT_LENGTH = 30;

    @Option(names = "--port", defaultValue = "8080", paramLabel = "N",
            description = "HTTP port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--topics", defaultValue = "topics", paramLabel = "DIR",
            description = "Directory of topic files (default: ${DEFAULT-VALUE}).")
    Path topicsDir;

    @Option(names = "--sensors", defaultValue = "6", paramLabel = "N", description = "Keys (default: ${DEFAULT-VALUE}).")
    int sensors;

    @Option(names = "--history", defaultValue = "480", paramLabel = "N",
            description = "Readings per sensor before the first model (default: ${DEFAULT-VALUE}).")
    int history;

    @Option(names = "--live", defaultValue = "200", paramLabel = "N",
            description = "Readings per sensor after the model is served (default: ${DEFAULT-VALUE}).")
    int live;

    @Option(names = "--seed", defaultValue = "7", description = "Seed of the data and the training (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--exit", description = "Exit when the demo is done instead of serving HTTP until Ctrl-C.")
    boolean exit;

    @Spec
    CommandSpec spec;

    private PrintWriter out;

    @Override
    public Integer call() throws Exception {
        if (sensors < 2 || history < 2 * DAY || live < 120) {
            throw new IllegalArgumentException("need --sensors >= 2, --history >= " + 2 * DAY + ", --live >= 120");
        }
        if (!Files.isDirectory(topicsDir)) {
            throw new IllegalArgumentException("no topics directory " + topicsDir
                    + "; run from the repository root or pass --topics DIR");
        }
        out = spec.commandLine().getOut();
        Path work = Files.createTempDirectory("gru-streams-demo-");
        try (InProcessKafkaBroker broker = InProcessKafkaBroker.builder().build()) {
            say("1. Kafka: starting a single-node broker in this process");
            broker.start();
            String bootstrap = broker.bootstrapServers();
            Path config = writeConfig(work, bootstrap);
            Properties props = load(config);
            StreamSettings settings = StreamSettings.fromProperties(props);

            say("2. Topics from " + topicsDir + "/ (topics apply)");
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                for (TopicApplier.Outcome o : new TopicApplier(admin, 30_000).apply(TopicSpec.loadDirectory(topicsDir))) {
                    out.println("   " + o);
                }
            }

            HttpEndpoint endpoint = HttpEndpoint.from(props);
            Properties kafka = StreamSettings.kafkaProperties(props);
            kafka.setProperty("application.server", endpoint.applicationServer());
            ModelRegistry registry = ModelRegistry.forSettings(settings);
            KafkaStreams streams = new KafkaStreams(GruTopology.build(settings, registry), kafka);
            try (HttpApi api = new HttpApi(streams, settings, registry, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                    endpoint.bind(), endpoint.advertised())) {
                say("3. The stream, with its HTTP API on http://" + endpoint.applicationServer());
                api.start();
                streams.start();
                awaitRunning(streams);

                Instant historyStart = Instant.now().minus(Duration.ofMinutes(history + 5L));
                say(String.format(Locale.ROOT, "4. History: %d sensors x %d readings, one a minute; no model yet,"
                        + " so the stream only keeps each key's last %d readings", sensors, history, settings.ringSize()));
                produce(bootstrap, settings, historyStart.toEpochMilli(), HISTORY_STEP_MS, 0, history, -1);
                awaitMetric(streams, StreamMetrics.EVENTS_WITHOUT_MODEL, (double) sensors * history);

                say("5. Training on the history (train --once), publishing to the models topic");
                Writer trainLog = new StringWriter();
                CommandLine train = Main.commandLine();
                train.setOut(new PrintWriter(trainLog));
                train.setErr(new PrintWriter(trainLog));
                int trained = train.execute("train", "--config", config.toString(), "--once", "--window", "P2D",
                        "--hidden", "16", "--epochs", "20", "--patience", "4", "--sequence-length", "96", "--lead", "1s",
                        "--seed", Long.toString(seed), "--out", work.resolve("train-runs").toString());
                for (String line : trainLog.toString().split("\\R")) {
                    if (line.startsWith("published") || line.contains("validation") && line.contains("MSE")) {
                        out.println("   " + line.trim());
                    }
                }
                if (trained != 0) {
                    throw new IllegalStateException("training failed: " + trainLog.toString().trim());
                }
                awaitModel(registry);
                say("   served: " + registry.newest().name() + " v" + registry.newest().version() + ", effective from "
                        + registry.newest().effectiveFrom());

                String faulty = "sensor-" + (sensors - 1);
                int faultAt = live - 70;
                long liveStart = Math.max(registry.newest().effectiveFromMillis(), System.currentTimeMillis()) + 1000;
                say(String.format(Locale.ROOT, "6. Live: %d more readings per sensor, every 10 s; the model takes over (each key"
                        + " re-warms from its ring buffer) and %s turns erratic (±4) for %d readings from reading %d", live, faulty,
                        FAULT_LENGTH, faultAt));
                produce(bootstrap, settings, liveStart, LIVE_STEP_MS, history, live, faultAt);
                awaitMetric(streams, StreamMetrics.FORECASTS, (double) sensors * live);

                say("7. Results");
                for (ConsumerRecord<String, String> r : alerts(streams, bootstrap, settings)) {
                    JsonNode a = JSON.readTree(r.value());
                    out.printf(Locale.ROOT, "   alert %-8s %s at %s: actual %.2f, expected %.2f, likelihood %.6f%n",
                            a.get("state").asText(), a.get("key").asText(), a.get("ts").asText(),
                            a.at("/actual/value").asDouble(), a.at("/expected/value").asDouble(),
                            a.get("likelihood").asDouble());
                }
                String base = "http://" + endpoint.applicationServer();
                out.println("   GET " + base + "/keys/" + faulty);
                out.println("   " + get(base + "/keys/" + faulty).replaceAll("\"values\":\\[[^]]*]", "\"values\":[...]"));
                for (String line : get(base + "/metrics").split("\n")) {
                    if (line.startsWith("gru_forecasts_total") || line.startsWith("gru_alerts_total")
                            || line.startsWith("gru_rewarms_total") || line.startsWith("gru_model_version ")) {
                        out.println("   " + line);
                    }
                }
                if (!exit) {
                    say("Serving " + base + "/keys/{key}, /models, /metrics, /ready. Ctrl-C to stop.");
                    Thread.currentThread().join();
                }
            } finally {
                streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                        .withTimeout(Duration.ofSeconds(30)));
            }
        } finally {
            deleteRecursively(work);
        }
        return 0;
    }

    private void say(String line) {
        out.println(line);
        out.flush();
    }

    private Path writeConfig(Path work, String bootstrap) throws IOException {
        String text = String.join("\n",
                "bootstrap.servers=" + bootstrap,
                "application.id=gru-streams-demo",
                "state.dir=" + work.resolve("state"),
                "commit.interval.ms=200",
                StreamSettings.HTTP_HOST + "=127.0.0.1",
                StreamSettings.HTTP_PORT + "=" + port,
                // A demo's keys are young: learn the score distribution over 40 events, not the default 100,
                // and open at likelihood 0.999, not 0.99999: the reference distribution of a few hundred
                // events is wide, and a 30-reading fault must show within the demo's 200 live readings.
                "gru.anomaly.residual-warmup=10",
                "gru.anomaly.learning-period=40",
                "gru.anomaly.open-threshold=0.999",
                "");
        return Files.writeString(work.resolve("demo.properties"), text, StandardCharsets.UTF_8);
    }

    private static Properties load(Path file) throws IOException {
        Properties p = new Properties();
        try (var r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return p;
    }

    /**
     * Readings {@code from..from+n-1} of every sensor: 20 + 5·sin(2π t / DAY + phase) + N(0, 0.3²),
     * {@code stepMs} apart from {@code startMs}; for {@value #FAULT_LENGTH} readings from {@code faultAt}, the
     * last sensor turns erratic: ±4 on alternate readings.
     */
    private void produce(String bootstrap, StreamSettings s, long startMs, long stepMs, int from, int n, int faultAt) {
        Map<String, Object> c = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG,
                "all", ProducerConfig.LINGER_MS_CONFIG, 5);
        Random rnd = new Random(seed + from);
        try (KafkaProducer<String, String> p = new KafkaProducer<>(c, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < n; i++) {
                long ts = startMs + i * stepMs;
                for (int k = 0; k < sensors; k++) {
                    int t = from + i;
                    double v = 20 + 5 * Math.sin(2 * Math.PI * t / DAY + k) + 0.3 * rnd.nextGaussian();
                    if (k == sensors - 1 && faultAt >= 0 && i >= faultAt && i < faultAt + FAULT_LENGTH) {
                        v += i % 2 == 0 ? 4 : -4;
                    }
                    p.send(new ProducerRecord<>(s.eventsTopic(), null, ts, "sensor-" + k,
                            "{\"ts\":" + ts + ",\"value\":" + v + "}"));
                }
            }
            p.flush();
        }
    }

    private static void awaitRunning(KafkaStreams streams) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline || streams.state() == KafkaStreams.State.ERROR) {
                throw new IllegalStateException("the stream did not start: " + streams.state());
            }
            Thread.sleep(50);
        }
    }

    private static void awaitMetric(KafkaStreams streams, String name, double target) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (metric(streams, name) < target) {
            if (System.nanoTime() > deadline || streams.state() == KafkaStreams.State.ERROR) {
                throw new IllegalStateException("the stream processed " + (long) metric(streams, name) + " of "
                        + (long) target + " events (" + name + ") within " + WAIT);
            }
            Thread.sleep(50);
        }
    }

    private static double metric(KafkaStreams streams, String name) {
        for (Map.Entry<MetricName, ? extends Metric> e : streams.metrics().entrySet()) {
            if (e.getKey().group().equals(StreamMetrics.GROUP) && e.getKey().name().equals(name)) {
                return ((Number) e.getValue().metricValue()).doubleValue();
            }
        }
        return 0.0;
    }

    private static void awaitModel(ModelRegistry registry) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (registry.newest() == null) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the published model did not reach the stream within " + WAIT);
            }
            Thread.sleep(50);
        }
    }

    /** The alert records, once the ones the stream counted are committed (exactly-once: at the next commit). */
    private static List<ConsumerRecord<String, String>> alerts(KafkaStreams streams, String bootstrap, StreamSettings s)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            double counted = 0;
            for (Map.Entry<MetricName, ? extends Metric> e : streams.metrics().entrySet()) {
                if (e.getKey().group().equals(StreamMetrics.GROUP) && e.getKey().name().equals(StreamMetrics.ALERTS)) {
                    counted += ((Number) e.getValue().metricValue()).doubleValue();
                }
            }
            List<ConsumerRecord<String, String>> got = readAll(bootstrap, s.alertsTopic());
            if (got.size() >= counted || System.nanoTime() > deadline) {
                return got;
            }
            Thread.sleep(100);
        }
    }

    private static List<ConsumerRecord<String, String>> readAll(String bootstrap, String topic) {
        Map<String, Object> c = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(),
                new StringDeserializer())) {
            var partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<org.apache.kafka.common.TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
                    && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        records.sort(Comparator.comparingLong(ConsumerRecord::timestamp));
        return records;
    }

    private static String get(String uri) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newHttpClient();
        return client.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
