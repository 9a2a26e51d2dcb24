package io.grustreams.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grustreams.app.CommandRun;
import io.grustreams.model.GruLayout;
import io.grustreams.model.GruModel;
import io.grustreams.model.Normalization;
import io.grustreams.model.Parameters;
import io.grustreams.model.RecurrentStepper;
import io.grustreams.model.Variant;
import io.grustreams.model.codec.ModelCodec;
import io.grustreams.stream.GruTopology;
import io.grustreams.stream.ModelRegistry;
import io.grustreams.stream.StreamMetrics;
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
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model hot-swap on a real broker: a running stream, models published and rolled back with the
 * {@code model} commands, outputs switching version at each model's effectiveFrom, no restart.
 */
@ExtendWith(KafkaExtension.class)
class ModelHotSwapIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final long T0 = 1714564800000L;
    private static final int RING = 16;
    private static final List<String> KEYS = List.of("a", "b");

    @TempDir
    Path dir;

    private final KafkaCluster kafka;
    private final Properties config = new Properties();

    ModelHotSwapIT(KafkaCluster kafka) {
        this.kafka = kafka;
        for (String role : TopicSpec.ROLES) {
            config.setProperty(StreamSettings.TOPIC_PREFIX + role, kafka.uniqueTopic(role));
        }
        config.setProperty(StreamSettings.RING_SIZE, String.valueOf(RING));
        config.setProperty("bootstrap.servers", kafka.bootstrapServers());
        StreamSettings s = StreamSettings.fromProperties(config);
        kafka.createTopics(2, s.eventsTopic(), s.forecastsTopic(), s.alertsTopic(), s.deadLettersTopic());
        kafka.createTopics(1, s.modelsTopic());
    }


    private static CommandRun model(String... args) {
        return CommandRun.execute(new ModelCommand(), args);
    }

    private static GruModel randomModel(long version, long seed) {
        Random rnd = new Random(seed);
        GruLayout layout = GruLayout.of(Variant.CHO, 1, 6, 1);
        double[] w = new double[layout.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = 0.4 * rnd.nextGaussian();
        }
        return new GruModel("m", version, Instant.parse("2024-05-01T00:00:00Z"), List.of("value"),
                new Normalization(new double[] {10.0}, new double[] {2.0}), new Parameters(layout, w),
                Map.of("seed", seed));
    }

    private static double[][] series(int n) {
        Random rnd = new Random(3);
        double[][] x = new double[KEYS.size()][n];
        for (int k = 0; k < KEYS.size(); k++) {
            for (int t = 0; t < n; t++) {
                x[k][t] = 10 + k + 3 * Math.sin(0.1 * t + k) + 0.3 * rnd.nextGaussian();
            }
        }
        return x;
    }

    private void events(double[][] xs, int from, int to) {
        List<KeyValue<String, String>> records = new ArrayList<>();
        for (int t = from; t < to; t++) {
            for (int k = 0; k < KEYS.size(); k++) {
                records.add(KeyValue.pair(KEYS.get(k), "{\"ts\":" + (T0 + 1000L * t) + ",\"value\":" + xs[k][t] + "}"));
            }
        }
        kafka.produce(StreamSettings.fromProperties(config).eventsTopic(), records);
    }

    /** The forecasts of the first {@code count / KEYS.size()} events of every key, failing with what is missing. */
    private List<JsonNode> forecasts(int count) throws IOException {
        StreamSettings s = StreamSettings.fromProperties(config);
        List<ConsumerRecord<String, byte[]>> records;
        try {
            records = kafka.readAtLeast(s.forecastsTopic(), count, new StringDeserializer(),
                    new ByteArrayDeserializer(), WAIT);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; " + missing(count / KEYS.size()), e);
        }
        List<JsonNode> out = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            out.add(JSON.readTree(r.value()));
        }
        return out;
    }

    /** Which (key, event time) of the first {@code perKey} events of every key have no forecast, and the dead letters. */
    private String missing(int perKey) throws IOException {
        StreamSettings s = StreamSettings.fromProperties(config);
        List<String> absent = new ArrayList<>();
        for (String key : KEYS) {
            for (int t = 0; t < perKey; t++) {
                absent.add(key + "@" + iso(T0 + 1000L * t));
            }
        }
        for (ConsumerRecord<String, String> r : kafka.readAll(s.forecastsTopic(), Duration.ofSeconds(1))) {
            JsonNode f = JSON.readTree(r.value());
            absent.remove(f.get("key").asText() + "@" + f.get("ts").asText());
        }
        List<String> deadLetters = new ArrayList<>();
        for (ConsumerRecord<String, String> r : kafka.readAll(s.deadLettersTopic(), Duration.ofSeconds(1))) {
            deadLetters.add(r.value());
        }
        return "no forecast for " + absent + "; dead letters " + deadLetters;
    }

    private static double metric(KafkaStreams streams, String name) {
        for (Map.Entry<MetricName, ? extends Metric> e : streams.metrics().entrySet()) {
            if (e.getKey().group().equals(StreamMetrics.GROUP) && e.getKey().name().equals(name)) {
                return ((Number) e.getValue().metricValue()).doubleValue();
            }
        }
        throw new AssertionError("no metric " + name);
    }

    /** Waits until every instance has read a model of this version (the precondition for determinism). */
    private static void awaitRegistered(ModelRegistry registry, long version) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (registry.newest() == null || registry.newest().version() != version) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("model v" + version + " was not registered within " + WAIT);
            }
            sleep(20);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static String iso(long epochMs) {
        return Instant.ofEpochMilli(epochMs).toString();
    }

    /** The forecasts of one key under {@code m} after a re-warm from the RING inputs before {@code from}. */
    private static double[] rewarmed(GruModel m, double[] xs, int from, int to) {
        RecurrentStepper stepper = RecurrentStepper.forModel(m);
        double[] h = new double[m.layout().hiddenSize()];
        double[] y = new double[1];
        double[] out = new double[to - from];
        for (int t = from - RING; t < to; t++) {
            stepper.observe(h, new double[] {xs[t]}, y);
            if (t >= from) {
                out[t - from] = y[0];
            }
        }
        return out;
    }

    @Test
    void shouldSwitchVersionAtTheEffectiveTimeInALiveStreamAndRollBack() throws IOException {
        Path cfg = dir.resolve("stream.properties");
        try (Writer w = Files.newBufferedWriter(cfg, StandardCharsets.UTF_8)) {
            config.store(w, null);
        }
        GruModel v1 = randomModel(1, 1);
        GruModel v2 = randomModel(2, 2);
        Path v1File = dir.resolve("v1.json");
        Path v2File = dir.resolve("v2.json");
        ModelCodec.write(v1, v1File);
        ModelCodec.write(v2, v2File);
        double[][] xs = series(240);

        StreamSettings settings = StreamSettings.fromProperties(config);
        ModelRegistry registry = ModelRegistry.forSettings(settings);
        Properties p = StreamSettings.kafkaProperties(config);
        p.setProperty(StreamsConfig.APPLICATION_ID_CONFIG, kafka.uniqueTopic("swap-app"));
        p.setProperty(StreamsConfig.STATE_DIR_CONFIG, Files.createDirectories(dir.resolve("state")).toString());
        p.setProperty(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
        KafkaStreams streams = new KafkaStreams(GruTopology.build(settings, registry), p);
        try {
            streams.start();
            CommandRun published = model("publish", v1File.toString(), "-c", cfg.toString(), "--effective-from", iso(T0));
            assertEquals(0, published.exit(), published.err());
            assertTrue(published.out().startsWith("published m@1 to "), published.out());
            awaitRegistered(registry, 1);
            events(xs, 0, 80);
            forecasts(160);

            // v2, effective at event time T0 + 100 s, published while the stream runs.
            CommandRun second = model("publish", v2File.toString(), "-c", cfg.toString(), "--effective-from",
                    iso(T0 + 100_000L));
            assertEquals(0, second.exit(), second.err());
            awaitRegistered(registry, 2);
            events(xs, 80, 160);
            // Roll back to v1's weights as v3, effective at T0 + 200 s.
            CommandRun rollback = model("rollback", "--to", "1", "-c", cfg.toString(), "--effective-from",
                    iso(T0 + 200_000L));
            assertEquals(0, rollback.exit(), rollback.err());
            assertTrue(rollback.out().startsWith("published m@3 to "), rollback.out());
            awaitRegistered(registry, 3);
            events(xs, 160, 240);
            List<JsonNode> out = forecasts(2 * 240);

            for (int k = 0; k < KEYS.size(); k++) {
                String key = KEYS.get(k);
                List<JsonNode> mine = out.stream().filter(r -> r.get("key").asText().equals(key)).toList();
                assertEquals(240, mine.size());
                double[] underV2 = rewarmed(v2, xs[k], 100, 200);
                double[] underV3 = rewarmed(v1, xs[k], 200, 240);
                for (int t = 0; t < 240; t++) {
                    JsonNode r = mine.get(t);
                    assertEquals(iso(T0 + 1000L * t), r.get("ts").asText());
                    long expected = t < 100 ? 1 : t < 200 ? 2 : 3;
                    assertEquals(expected, r.get("modelVersion").asLong(), key + " " + t);
                    double f = r.get("forecast").get("value").doubleValue();
                    if (t >= 100 && t < 200) {
                        assertEquals(underV2[t - 100], f, key + " " + t);
                    } else if (t >= 200) {
                        assertEquals(underV3[t - 200], f, key + " " + t);
                    }
                }
            }
            assertTrue(metric(streams, StreamMetrics.MODEL_SWAPS) >= 2);
            assertTrue(metric(streams, StreamMetrics.REWARMS) >= 2 * KEYS.size());
            assertEquals(3.0, metric(streams, StreamMetrics.MODEL_NEWEST_VERSION));
        } finally {
            streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofSeconds(30)));
        }

        // Every version stays on the topic; v3 (effective in the past) serves now.
        CommandRun list = model("list", "-c", cfg.toString());
        assertEquals(0, list.exit(), list.err());
        String[] lines = list.out().split("\n");
        assertTrue(Arrays.stream(lines).anyMatch(l -> l.startsWith("m@1 ") && l.contains(" KEPT ")), list.out());
        assertTrue(Arrays.stream(lines).anyMatch(l -> l.startsWith("m@2 ") && l.contains(" KEPT ")), list.out());
        assertTrue(Arrays.stream(lines).anyMatch(l -> l.startsWith("m@3 ") && l.contains(" SERVING ")
                && l.contains(iso(T0 + 200_000L)) && l.contains("rolledBackFrom=1")), list.out());

        // Refused before publishing: an old version again, a model of other features.
        CommandRun again = model("publish", v2File.toString(), "-c", cfg.toString());
        assertEquals(1, again.exit());
        assertTrue(again.err().contains("version 2 of 'm' is not above the highest on the topic, 3"), again.err());
        Path other = dir.resolve("other.json");
        GruModel otherFeatures = new GruModel("m", 9, Instant.EPOCH, List.of("temp"),
                Normalization.identity(1), Parameters.zeros(GruLayout.of(Variant.CHO, 1, 2, 1)), Map.of());
        ModelCodec.write(otherFeatures, other);
        CommandRun wrong = model("publish", other.toString(), "-c", cfg.toString());
        assertEquals(1, wrong.exit());
        assertTrue(wrong.err().contains("model features [temp] are not the stream's gru.features [value]"),
                wrong.err());
        CommandRun missing = model("rollback", "--to", "7", "-c", cfg.toString());
        assertEquals(1, missing.exit());
        assertTrue(missing.err().contains("no servable version 7 of 'm'"), missing.err());
        assertEquals(3, kafka.readAll(settings.modelsTopic(), Duration.ofMillis(200)).size());
    }
}
