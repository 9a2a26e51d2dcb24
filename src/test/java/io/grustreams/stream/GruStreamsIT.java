package io.grustreams.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.grustreams.model.GruModel;
import io.grustreams.model.codec.ModelCodec;
import io.grustreams.testkit.KafkaCluster;
import io.grustreams.testkit.KafkaExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
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
import org.junit.jupiter.api.io.TempDir;

/** The topology on a real broker under exactly_once_v2: restarts, restores, the global model store. */
@ExtendWith(KafkaExtension.class)
class GruStreamsIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final long T0 = 1714564800000L;

    @TempDir(factory = TargetTempDir.class)
    Path dir;

    private final KafkaCluster kafka;
    private final Properties gru = new Properties();
    private final String applicationId;

    GruStreamsIT(KafkaCluster kafka) {
        this.kafka = kafka;
        for (String role : TopicSpec.ROLES) {
            gru.setProperty(StreamSettings.TOPIC_PREFIX + role, kafka.uniqueTopic(role));
        }
        this.applicationId = kafka.uniqueTopic("gru-app");
        StreamSettings s = StreamSettings.fromProperties(gru);
        kafka.createTopics(2, s.eventsTopic(), s.forecastsTopic(), s.alertsTopic(), s.deadLettersTopic());
        kafka.createTopics(1, s.modelsTopic());
    }

    private StreamSettings settings() {
        return StreamSettings.fromProperties(gru);
    }

    /** A running instance that leaves the group on close, so the next one is assigned at once. */
    private record Instance(KafkaStreams streams) implements AutoCloseable {
        @Override
        public void close() {
            streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofSeconds(30)));
        }
    }

    private Instance start(Path stateDir) throws IOException {
        Properties p = StreamSettings.kafkaProperties(gru);
        p.setProperty(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.setProperty(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.setProperty(StreamsConfig.STATE_DIR_CONFIG, Files.createDirectories(stateDir).toString());
        KafkaStreams streams = new KafkaStreams(GruTopology.build(settings()), p);
        streams.start();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline || streams.state() == KafkaStreams.State.ERROR) {
                streams.close(Duration.ofSeconds(10));
                throw new AssertionError("streams did not reach RUNNING: " + streams.state());
            }
            sleep(50);
        }
        return new Instance(streams);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private void publish(String key, byte[] model) {
        kafka.produce(settings().modelsTopic(), new StringSerializer(), new ByteArraySerializer(),
                List.of(KeyValue.pair(key, model)));
    }

    private void events(List<String> keys, double[][] values, int from, int to) {
        List<KeyValue<String, String>> records = new ArrayList<>();
        for (int t = from; t < to; t++) {
            for (String k : keys) {
                records.add(KeyValue.pair(k, "{\"ts\":" + (T0 + t) + ",\"value\":" + values[keys.indexOf(k)][t] + "}"));
            }
        }
        kafka.produce(settings().eventsTopic(), records);
    }

    private List<JsonNode> forecasts(int atLeast) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : kafka.readAtLeast(settings().forecastsTopic(), atLeast,
                new StringDeserializer(), new ByteArrayDeserializer(), WAIT)) {
            out.add(TopologyHarness.JSON.readTree(r.value()));
        }
        return out;
    }

    /** The product's metric {@code name}, summed over its tag values (every reason of a counter). */
    private static double metric(Instance instance, String name) {
        double sum = 0;
        boolean found = false;
        for (Map.Entry<MetricName, ? extends Metric> e : instance.streams().metrics().entrySet()) {
            if (e.getKey().group().equals(StreamMetrics.GROUP) && e.getKey().name().equals(name)) {
                sum += ((Number) e.getValue().metricValue()).doubleValue();
                found = true;
            }
        }
        if (!found) {
            throw new AssertionError("no metric " + name);
        }
        return sum;
    }

    @Test
    void shouldContinueEveryKeyExactlyAfterRestartsOnTheSameAndOnAnEmptyStateDirectory() throws IOException {
        GruModel model = TestModels.random("m", 1, List.of("value"), 8, 77);
        List<String> keys = List.of("a", "b", "c");
        Random rnd = new Random(1);
        double[][] xs = new double[keys.size()][60];
        for (double[] row : xs) {
            for (int t = 0; t < row.length; t++) {
                row[t] = 10 + 3 * Math.sin(0.3 * t) + rnd.nextGaussian();
            }
        }
        publish("m:1", ModelCodec.toJson(model));

        try (Instance first = start(dir.resolve("one"))) {
            events(keys, xs, 0, 20);
            forecasts(60);
            assertEquals(60.0, metric(first, StreamMetrics.FORECASTS));
        }
        // Same state directory: the local store and its checkpoint carry on.
        try (Instance second = start(dir.resolve("one"))) {
            events(keys, xs, 20, 40);
            forecasts(120);
            assertEquals(60.0, metric(second, StreamMetrics.FORECASTS));
        }
        // Empty state directory: the store is restored from its changelog.
        try (Instance third = start(dir.resolve("two"))) {
            events(keys, xs, 40, 60);
            List<JsonNode> all = forecasts(180);
            assertEquals(180, all.size());
            assertEquals(60.0, metric(third, StreamMetrics.FORECASTS));
            for (String k : keys) {
                double[][] seq = new double[60][1];
                for (int t = 0; t < 60; t++) {
                    seq[t][0] = xs[keys.indexOf(k)][t];
                }
                double[][] expected = TopologyHarness.direct(model, seq);
                List<JsonNode> mine = all.stream().filter(r -> r.get("key").asText().equals(k)).toList();
                assertEquals(60, mine.size(), k);
                for (int t = 0; t < 60; t++) {
                    assertArrayEquals(expected[t], new double[] {mine.get(t).get("forecast").get("value").doubleValue()},
                            k + " forecast " + t);
                }
            }
        }
    }

    @Test
    void shouldValidateTheModelsAlreadyOnTheTopicWhenStarting() throws IOException {
        GruModel v1 = TestModels.random("m", 1, List.of("value"), 6, 5);
        publish("m:1", ModelCodec.toJson(v1));
        publish("m:2", "{\"format\": \"gru-streams-model\"}".getBytes(StandardCharsets.UTF_8));

        // A new instance: the global store is filled at startup by re-running the model processor
        // over the topic, so the valid model is registered and the invalid one rejected.
        try (Instance streams = start(dir.resolve("fresh"))) {
            assertEquals(1.0, metric(streams, StreamMetrics.MODELS_ACCEPTED));
            assertEquals(1.0, metric(streams, StreamMetrics.MODELS_REJECTED));
            assertEquals(1.0, metric(streams, StreamMetrics.MODEL_NEWEST_VERSION));
            events(List.of("a"), new double[][] {{1.0, 2.0}}, 0, 2);
            List<JsonNode> out = forecasts(2);
            double[][] expected = TopologyHarness.direct(v1, new double[][] {{1.0}, {2.0}});
            for (int t = 0; t < 2; t++) {
                assertEquals(1, out.get(t).get("modelVersion").asLong());
                assertEquals(expected[t][0], out.get(t).get("forecast").get("value").doubleValue());
            }
        }
        // Restarted on its own state: the models come back from the local store as well.
        try (Instance again = start(dir.resolve("fresh"))) {
            assertEquals(1.0, metric(again, StreamMetrics.MODEL_NEWEST_VERSION));
            assertEquals(0.0, metric(again, StreamMetrics.WAITING_FOR_MODEL));
        }
    }
}
