package io.grustreams.app.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.grustreams.stream.DeadLetters;
import io.grustreams.stream.StreamSettings;
import io.grustreams.testkit.KafkaCluster;
import io.grustreams.testkit.KafkaExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code gru-streams run} end to end on a real broker, compared with the TopologyTestDriver. */
@ExtendWith(KafkaExtension.class)
class RunCommandIT {

    @TempDir
    Path dir;

    private final KafkaCluster kafka;

    RunCommandIT(KafkaCluster kafka) {
        this.kafka = kafka;
    }

    @Test
    void shouldForecastAndAlertLikeTheTopologyTestDriverAndSendBadInputToDeadLetters() throws Exception {
        Properties gru = Runs.gru(kafka);
        StreamSettings settings = StreamSettings.fromProperties(gru);
        String app = kafka.uniqueTopic("run-it");
        List<KeyValue<String, byte[]>> models = List.of(KeyValue.pair("it:1", Workload.modelJson(7)));
        // The model topic exists and holds the model before the app starts, so the global store has
        // it before the first event; the other topics are created by run from topics/*.properties.
        kafka.createTopics(1, settings.modelsTopic());
        kafka.createTopics(6, settings.eventsTopic(), settings.forecastsTopic(), settings.alertsTopic());
        Runs.publishModel(kafka, settings.modelsTopic(), models);
        List<Workload.Event> events = Workload.events(40, 0, 60, 3);
        ReferenceRun reference = new ReferenceRun(gru, dir.resolve("reference"), models, events);
        assertFalse(reference.alerts.isEmpty(), "the workload must open alerts");

        Path config = Runs.config(dir.resolve("app.properties"), kafka.bootstrapServers(), app,
                dir.resolve("state"), gru, Map.of());
        try (Runs.InProcess run = new Runs.InProcess(config)) {
            run.awaitTopics(kafka, settings.eventsTopic(), settings.forecastsTopic(), settings.alertsTopic(),
                    settings.deadLettersTopic());
            Runs.produce(kafka, settings.eventsTopic(), events);
            List<KeyValue<byte[], byte[]>> bad = List.of(
                    KeyValue.pair(utf8("bad-1"), utf8("not json")),
                    KeyValue.pair(utf8("bad-2"), utf8("{\"ts\":1,\"other\":2.0}")),
                    KeyValue.pair(null, utf8("{\"ts\":1,\"value\":2.0}")));
            kafka.produce(settings.eventsTopic(), new ByteArraySerializer(), new ByteArraySerializer(), bad);

            Runs.assertSameAsReference(kafka, settings, app, reference, events.size());
            int alertCount = reference.alerts.values().stream().mapToInt(List::size).sum();
            assertEquals(reference.alerts, ReferenceRun.byKey(Runs.readCommitted(kafka, settings.alertsTopic(),
                    alertCount)));

            kafka.readAtLeast(settings.deadLettersTopic(), bad.size(), new ByteArrayDeserializer(),
                    new ByteArrayDeserializer(), Runs.WAIT);
            List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>(kafka.readAll(settings.deadLettersTopic(),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer(), IsolationLevel.READ_COMMITTED,
                    Duration.ofSeconds(1)));
            assertEquals(bad.size(), dead.size());
            for (KeyValue<byte[], byte[]> sent : bad) {
                ConsumerRecord<byte[], byte[]> r = dead.stream().filter(d -> java.util.Arrays.equals(d.value(),
                        sent.value)).findFirst().orElseThrow(() -> new AssertionError("no dead letter for "
                        + new String(sent.value, StandardCharsets.UTF_8)));
                assertArrayEquals(sent.key, r.key());
                assertNotNull(header(r, DeadLetters.REASON), "reason header");
                assertEquals(settings.eventsTopic(), header(r, DeadLetters.SOURCE_TOPIC));
                assertNotNull(header(r, DeadLetters.SOURCE_OFFSET), "offset header");
            }
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
