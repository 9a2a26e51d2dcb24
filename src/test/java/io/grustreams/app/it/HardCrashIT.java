package io.grustreams.app.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grustreams.stream.StreamSettings;
import io.grustreams.testkit.KafkaCluster;
import io.grustreams.testkit.KafkaExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gru-streams run} as its own JVM, killed with SIGKILL in the middle of a stream and
 * restarted: exactly_once_v2 must leave exactly one forecast per event and every key's state as an
 * uninterrupted run leaves it.
 */
@ExtendWith(KafkaExtension.class)
class HardCrashIT {

    private static final int KEYS = 60;
    private static final int FIRST_WAVE = 80;
    private static final int STEPS = 100;

    @TempDir
    Path dir;

    private final KafkaCluster kafka;

    HardCrashIT(KafkaCluster kafka) {
        this.kafka = kafka;
    }

    @Test
    void shouldLeaveExactlyOneForecastPerEventAndTheUninterruptedStatesAfterSigkill() throws Exception {
        Properties gru = Runs.gru(kafka);
        StreamSettings settings = StreamSettings.fromProperties(gru);
        String app = kafka.uniqueTopic("crash-it");
        List<KeyValue<String, byte[]>> models = List.of(KeyValue.pair("it:1", Workload.modelJson(11)));
        Runs.createTopicsAndPublish(kafka, settings, 6, models);
        List<Workload.Event> first = Workload.events(KEYS, 0, FIRST_WAVE, 5);
        List<Workload.Event> second = Workload.events(KEYS, FIRST_WAVE, STEPS, 5);
        List<Workload.Event> all = new ArrayList<>(first);
        all.addAll(second);
        ReferenceRun reference = new ReferenceRun(gru, dir.resolve("reference"), models, all);
        Path config = Runs.config(dir.resolve("app.properties"), kafka.bootstrapServers(), app, dir.resolve("state"),
                gru, Map.of());
        Path log = dir.resolve("run.log");

        try (Runs.Separate crashing = new Runs.Separate(config, log)) {
            crashing.awaitTopics(kafka, settings.eventsTopic(), settings.forecastsTopic());
            Runs.produce(kafka, settings.eventsTopic(), first);
            // Kill as soon as the first transaction has committed: the first wave is far from done.
            kafka.readAtLeast(settings.forecastsTopic(), 1, new ByteArrayDeserializer(), new ByteArrayDeserializer(),
                    Runs.WAIT);
            crashing.kill();
        }
        int committedAtKill = kafka.readAll(settings.forecastsTopic(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer(), IsolationLevel.READ_COMMITTED, Duration.ofSeconds(1)).size();
        assertTrue(committedAtKill > 0 && committedAtKill < first.size(),
                "killed mid-stream: " + committedAtKill + " of " + first.size() + " forecasts committed");

        Runs.produce(kafka, settings.eventsTopic(), second);
        try (Runs.Separate restarted = new Runs.Separate(config, log)) {
            Runs.assertSameAsReference(kafka, settings, app, reference, all.size());
            // 143 = 128 + SIGTERM: the JVM's exit status once a signal started its shutdown.
            assertEquals(143, restarted.stop(), "exit status after SIGTERM");
            String output = Files.readString(log);
            assertTrue(output.contains("gru-streams run: bootstrap.servers=" + kafka.bootstrapServers()), "start line");
            assertTrue(output.contains("gru-streams run: stopped, Kafka Streams closed"), "closed on SIGTERM");
        }
    }
}
