package io.grustreams.app.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grustreams.app.CommandRun;
import io.grustreams.app.Main;
import io.grustreams.model.GruLayout;
import io.grustreams.model.GruModel;
import io.grustreams.model.InputSpec;
import io.grustreams.model.Normalization;
import io.grustreams.model.TestModels;
import io.grustreams.model.Variant;
import io.grustreams.model.codec.ModelCodec;
import io.grustreams.stream.GruTopology;
import io.grustreams.stream.ModelRegistry;
import io.grustreams.stream.StreamSettings;
import io.grustreams.stream.TopicSpec;
import io.grustreams.testkit.KafkaCluster;
import io.grustreams.testkit.KafkaExtension;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code gru-streams train} against a real broker with the topology running in-process: events flow,
 * the trainer runs once, its model appears on the models topic, the stream serves it, and its
 * forecasts of the following events beat persistence.
 */
@ExtendWith(KafkaExtension.class)
class TrainIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int KEYS = 12;
    private static final int HISTORY = 400;
    private static final int FOLLOWING = 60;

    private final KafkaCluster kafka;
    private final Properties gru = new Properties();
    private final Path dir;
    private final long t0 = System.currentTimeMillis() - HISTORY * 1000L;

    TrainIT(KafkaCluster kafka) throws IOException {
        this.kafka = kafka;
        for (String role : TopicSpec.ROLES) {
            gru.setProperty(StreamSettings.TOPIC_PREFIX + role, kafka.uniqueTopic(role));
        }
        gru.setProperty(StreamSettings.RING_SIZE, "64");
        // Time inputs, per-key scaling (the default) and three horizons: what the trainer must train for
        // and the stream must serve.
        gru.setProperty(StreamSettings.INPUTS_TIME, "time-of-day,day-of-week,gap");
        gru.setProperty(StreamSettings.FORECAST_HORIZON, "3");
        StreamSettings s = settings();
        kafka.createTopics(2, s.eventsTopic(), s.forecastsTopic(), s.alertsTopic(), s.deadLettersTopic());
        this.dir = Files.createTempDirectory(Files.createDirectories(Path.of("target", "test-state")), "TrainIT-");
    }

    private StreamSettings settings() {
        return StreamSettings.fromProperties(gru);
    }

    /** The compacted models topic, with the given {@code max.message.bytes}. */
    private void createModelsTopic(int maxMessageBytes) throws Exception {
        try (Admin admin = kafka.admin()) {
            admin.createTopics(List.of(new NewTopic(settings().modelsTopic(), 1, (short) 1).configs(Map.of(
                    "cleanup.policy", "compact", "max.message.bytes", Integer.toString(maxMessageBytes)))))
                    .all().get(30, TimeUnit.SECONDS);
        }
    }

    /** The configuration file {@code run} and {@code train} share. */
    private Path configFile() throws IOException {
        Properties p = new Properties();
        p.putAll(gru);
        p.setProperty("bootstrap.servers", kafka.bootstrapServers());
        p.setProperty("application.id", kafka.uniqueTopic("train-it-app"));
        Path file = dir.resolve("gru.properties");
        try (Writer w = Files.newBufferedWriter(file)) {
            p.store(w, null);
        }
        return file;
    }

    /** Per key: offset + two sines + noise; value of key k at step t. */
    private static double[][] series(int steps) {
        SplittableRandom rng = new SplittableRandom(21);
        double[][] v = new double[KEYS][steps];
        for (int k = 0; k < KEYS; k++) {
            double p1 = 12 + 18 * rng.nextDouble();
            double p2 = 40 + 40 * rng.nextDouble();
            double ph = 2 * Math.PI * rng.nextDouble();
            double offset = 20 + 10 * rng.nextDouble();
            for (int t = 0; t < steps; t++) {
                v[k][t] = offset + 3 * Math.sin(2 * Math.PI * t / p1 + ph) + Math.sin(2 * Math.PI * t / p2)
                        + 0.1 * rng.nextGaussian();
            }
        }
        return v;
    }

    private void produceEvents(double[][] v, int from, int to) {
        List<KeyValue<String, String>> records = new ArrayList<>();
        for (int t = from; t < to; t++) {
            for (int k = 0; k < KEYS; k++) {
                records.add(KeyValue.pair("dev-" + k, String.format(Locale.ROOT, "{\"ts\":%d,\"value\":%s}",
                        t0 + 1000L * t, v[k][t])));
            }
        }
        kafka.produce(settings().eventsTopic(), records);
    }


    private static CommandRun train(String... args) {
        return CommandRun.execute(Main.commandLine(), args);
    }

    private String[] trainArgs(Path config, String... more) {
        List<String> a = new ArrayList<>(List.of("train", "--config", config.toString(), "--once", "--window", "PT2H",
                "--out", dir.resolve("runs").toString(), "--hidden", "16", "--sequence-length", "48", "--k1", "16",
                "--batch", "8", "--lr", "1e-2", "--patience", "4", "--seed", "3"));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    private List<ConsumerRecord<String, byte[]>> models() {
        return kafka.readAll(settings().modelsTopic(), new StringDeserializer(), new ByteArrayDeserializer(),
                IsolationLevel.READ_COMMITTED, Duration.ofMillis(300));
    }

    private KafkaStreams startStreams(ModelRegistry registry) throws IOException {
        Properties p = StreamSettings.kafkaProperties(gru);
        p.setProperty(StreamsConfig.APPLICATION_ID_CONFIG, kafka.uniqueTopic("train-it"));
        p.setProperty(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.setProperty(StreamsConfig.STATE_DIR_CONFIG, Files.createDirectories(dir.resolve("state")).toString());
        KafkaStreams streams = new KafkaStreams(GruTopology.build(settings(), registry), p);
        streams.start();
        await(() -> streams.state() == KafkaStreams.State.RUNNING, "streams RUNNING (now " + streams.state() + ")");
        return streams;
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    @Test
    void shouldPublishAModelThatTheRunningStreamServesAndThatBeatsPersistence() throws Exception {
        createModelsTopic(16 * 1024 * 1024);
        double[][] v = series(HISTORY + FOLLOWING);
        // Step 1: history flows in, with a few records the stream sends to the dead-letter topic.
        produceEvents(v, 0, HISTORY);
        kafka.produce(settings().eventsTopic(), List.of(KeyValue.pair("dev-0", "not json"),
                KeyValue.pair("dev-1", "{\"value\": \"high\"}"), KeyValue.pair("dev-2", "{\"value\": NaN}")));
        ModelRegistry registry = ModelRegistry.forSettings(settings());
        KafkaStreams streams = startStreams(registry);
        try {
            // Step 2: the trainer runs once over the window, a readout per horizon.
            // Effective from the first following event: the stream switches exactly there.
            Instant switchAt = Instant.ofEpochMilli(t0 + 1000L * HISTORY);
            CommandRun run = train(trainArgs(configFile(), "--effective-from", switchAt.toString(), "--readout", "direct"));
            assertEquals(0, run.exit(), run.out() + run.err());
            assertTrue(run.out().contains(String.format(Locale.ROOT, "read %,d records", KEYS * HISTORY + 3)), run.out());
            // Under the default caps every good event of the window is kept.
            assertTrue(run.out().contains(String.format(Locale.ROOT, "kept %d of %d keys (at most 20,000, sampled with"
                    + " seed 3) and %,d events (at most the newest 512 per key): everything", KEYS, KEYS,
                    KEYS * HISTORY)), run.out());
            assertTrue(run.out().contains("published gru v1 to " + settings().modelsTopic() + " as gru@1"), run.out());

            // Step 3: the model is on the models topic, keyed name@version, with its provenance.
            List<ConsumerRecord<String, byte[]>> published = models();
            assertEquals(1, published.size());
            assertEquals("gru@1", published.get(0).key());
            GruModel model = ModelCodec.fromJson(published.get(0).value());
            assertEquals(1, model.version());
            assertEquals(switchAt, model.effectiveFrom());
            assertEquals(settings().inputs().time(), model.inputs().time());
            assertEquals(InputSpec.Scaling.PER_KEY, model.inputs().scaling());
            assertEquals(3, model.inputs().horizon());
            assertEquals(InputSpec.Readout.DIRECT, model.inputs().readout());
            @SuppressWarnings("unchecked")
            Map<String, Object> source = (Map<String, Object>) model.provenance().get("source");
            assertEquals("topic", source.get("kind"));
            assertEquals(3, ((Number) source.get("badRecords")).intValue());
            assertEquals(Main.version(), model.provenance().get("gruStreamsVersion"));
            try (Stream<Path> files = Files.list(dir.resolve("runs"))) {
                assertEquals(3, files.count(), "model file, report, loss curve");
            }

            // Step 4: the stream takes it up and forecasts the following events with it.
            await(() -> registry.newest() != null && registry.newest().version() == 1, "the stream to serve v1");
            produceEvents(v, HISTORY, HISTORY + FOLLOWING);
            List<ConsumerRecord<String, byte[]>> forecasts = kafka.readAtLeast(settings().forecastsTopic(),
                    KEYS * FOLLOWING, new StringDeserializer(), new ByteArrayDeserializer(), WAIT);
            assertEquals(KEYS * FOLLOWING, forecasts.size());

            // Step 5: its one-step errors are below persistence's (next = last) on the same events.
            Map<String, Double> previous = new HashMap<>();
            for (int k = 0; k < KEYS; k++) {
                previous.put("dev-" + k, v[k][HISTORY - 1]);
            }
            double gruSse = 0;
            double persistenceSse = 0;
            int scored = 0;
            Map<String, List<JsonNode>> byKey = new HashMap<>();
            for (ConsumerRecord<String, byte[]> r : forecasts) {
                JsonNode f = JSON.readTree(r.value());
                assertEquals("gru", f.get("model").asText());
                assertEquals(1, f.get("modelVersion").asLong());
                byKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(f);
                JsonNode ahead = f.get("ahead").get("value");
                assertEquals(3, ahead.size(), "three horizons per record: " + f);
                assertEquals(f.get("forecast").get("value").asDouble(), ahead.get(0).asDouble());
                double actual = f.get("actual").get("value").asDouble();
                JsonNode error = f.get("error");
                assertNotNull(error);
                // After the re-warm over the ring buffer every following event has a forecast to score.
                assertTrue(error.isObject(), "every following event is scored: " + f);
                double e = error.get("value").asDouble();
                double p = actual - previous.put(r.key(), actual);
                gruSse += e * e;
                persistenceSse += p * p;
                scored++;
            }
            double gruRmse = Math.sqrt(gruSse / scored);
            double persistenceRmse = Math.sqrt(persistenceSse / scored);
            // Measured: about a third. Below 0.6 leaves room while still saying the model learned the series.
            assertTrue(gruRmse < 0.6 * persistenceRmse, "GRU RMSE " + gruRmse + " vs persistence " + persistenceRmse);

            // Step 6: three events ahead too, against persistence three events ahead.
            double ahead3 = 0;
            double persist3 = 0;
            for (List<JsonNode> records : byKey.values()) {
                for (int i = 0; i + 3 < records.size(); i++) {
                    double actual = records.get(i + 3).get("actual").get("value").asDouble();
                    double now = records.get(i).get("actual").get("value").asDouble();
                    ahead3 += Math.pow(actual - records.get(i).get("ahead").get("value").get(2).asDouble(), 2);
                    persist3 += Math.pow(actual - now, 2);
                }
            }
            assertTrue(ahead3 < 0.6 * persist3, "3 ahead: GRU SSE " + ahead3 + " vs persistence " + persist3);
        } finally {
            streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofSeconds(30)));
        }
    }

    @Test
    void shouldRefuseAModelLargerThanTheModelsTopicAcceptsAndSaySoInOneLine() throws Exception {
        createModelsTopic(4000);
        produceEvents(series(HISTORY), 0, HISTORY);
        CommandRun run = train(trainArgs(configFile(), "--epochs", "1"));
        assertEquals(1, run.exit(), run.out());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().contains("accepts at most max.message.bytes=4000; raise the topic's max.message.bytes"),
                run.err());
        assertTrue(models().isEmpty(), "nothing published");
    }

    @Test
    void shouldPublishNothingForAnEmptyWindow() throws Exception {
        createModelsTopic(16 * 1024 * 1024);
        CommandRun run = train(trainArgs(configFile()));
        assertEquals(1, run.exit(), run.out());
        assertTrue(run.err().startsWith("error: no events in topic '" + settings().eventsTopic() + "'"), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(models().isEmpty(), "nothing published");
    }

    @Test
    void shouldSeeTheModelsTopicAsTheStreamDoes() throws Exception {
        createModelsTopic(16 * 1024 * 1024);
        String topic = settings().modelsTopic();
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        kafka.produce(topic, new StringSerializer(), new ByteArraySerializer(), List.of(
                KeyValue.pair("gru@3", ModelCodec.toJson(model("gru", 3, List.of("value"), now.minusSeconds(60)))),
                KeyValue.pair("gru@5", ModelCodec.toJson(model("gru", 5, List.of("temp", "load"), Instant.EPOCH))),
                KeyValue.pair("c", "{\"format\": \"nonsense\"}".getBytes(StandardCharsets.UTF_8)),
                KeyValue.pair("gru@4", ModelCodec.toJson(model("gru", 4, List.of("value"), Instant.EPOCH))),
                KeyValue.pair("gru@4", null),
                KeyValue.pair("gru@6", ModelCodec.toJson(model("gru", 6, List.of("value"), now.plusSeconds(60)))),
                KeyValue.pair("other@2", ModelCodec.toJson(model("other", 2, List.of("value"), Instant.EPOCH)))));
        Properties file = new Properties();
        file.setProperty("bootstrap.servers", kafka.bootstrapServers());
        ModelsTopic models = new ModelsTopic(new KafkaClients(file), topic);

        Properties named = new Properties();
        named.putAll(gru);
        named.setProperty(StreamSettings.MODEL_NAME, "gru");
        ModelsTopic.Current current = models.current(StreamSettings.fromProperties(named), now);
        // v5 reads other features, v4 was deleted by its tombstone, v6 takes over only in a minute,
        // and "other" is not gru.model.name: the stream serves v3 now.
        assertEquals(3, current.champion().orElseThrow().version());
        assertEquals(6, current.maxVersion());
        assertEquals(7, current.records());
        assertEquals(3, current.skipped().size(), current.skipped().toString());
        assertTrue(current.skipped().get(1).startsWith("key 'c'"), current.skipped().toString());

        assertEquals(6, models.current(StreamSettings.fromProperties(named), now.plusSeconds(61)).champion()
                .orElseThrow().version());
        assertEquals(16 * 1024 * 1024, models.maxMessageBytes());
    }

    private static GruModel model(String name, long version, List<String> features, Instant effectiveFrom) {
        int d = features.size();
        double[] mean = new double[d];
        double[] std = new double[d];
        Arrays.fill(std, 1.0);
        return new GruModel(name, version, Instant.EPOCH, effectiveFrom, features, new Normalization(mean, std),
                TestModels.randomParameters(GruLayout.of(Variant.CHO, d, 3, d), version, 0.5), Map.of());
    }
}
