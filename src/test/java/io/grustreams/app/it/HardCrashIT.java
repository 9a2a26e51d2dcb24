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
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gru-streams run} as its own JVM, killed with SIGKILL in the middle of a stream while a
 * transaction is open and alerts are open, and restarted: exactly_once_v2 must leave the forecasts,
 * alerts, dead letters and every key's state an uninterrupted run leaves, nothing missing, nothing
 * twice.
 */
@ExtendWith(KafkaExtension.class)
class HardCrashIT {

    private static final int KEYS = 60;
    /** Mid-spike: the workload's first spike lasts steps 37 to 42, so alerts are open here. */
    private static final int FIRST_WAVE = 40;
    private static final int STEPS = 100;

    @TempDir
    Path dir;

    private final KafkaCluster kafka;

    HardCrashIT(KafkaCluster kafka) {
        this.kafka = kafka;
    }

    @Test
    void shouldLeaveTheUninterruptedOutputsAndStatesAfterSigkillWithATransactionAndAnAlertOpen() throws Exception {
        Properties gru = Runs.gru(kafka);
        StreamSettings settings = StreamSettings.fromProperties(gru);
        String app = kafka.uniqueTopic("crash-it");
        List<KeyValue<String, byte[]>> models = List.of(KeyValue.pair("it:1", Workload.modelJson(11)));
        Runs.createTopicsAndPublish(kafka, settings, 6, models);
        List<Workload.Event> first = Workload.mixed(KEYS, 0, FIRST_WAVE, 5);
        List<Workload.Event> second = Workload.mixed(KEYS, FIRST_WAVE, STEPS, 5);
        List<Workload.Event> all = new ArrayList<>(first);
        all.addAll(second);
        ReferenceRun reference = new ReferenceRun(gru, dir.resolve("reference"), models, all);
        int forecasts = Runs.total(reference.forecasts);
        Path config = Runs.config(dir.resolve("app.properties"), kafka.bootstrapServers(), app, dir.resolve("state"),
                gru, Map.of());
        Path log = dir.resolve("run.log");

        try (Runs.Separate crashing = new Runs.Separate(config, log)) {
            crashing.awaitTopics(kafka, settings.eventsTopic(), settings.forecastsTopic());
            Runs.produce(kafka, settings.eventsTopic(), first);
            Runs.readCommitted(kafka, settings.forecastsTopic(), KEYS * FIRST_WAVE);
            assertTrue(Runs.lastCommittedField(kafka, settings.forecastsTopic(), "alertOpen").containsValue("true"),
                    "the first wave ends with alerts open");
            // The rest comes a step at a time, so the kill lands in a stream still flowing.
            try (Runs.Feeder feeder = new Runs.Feeder(kafka, settings.eventsTopic(), second, KEYS,
                    Duration.ofMillis(100))) {
                awaitOpenTransaction(settings.forecastsTopic());
                assertTrue(crashing.isAlive(), "the run is alive when killed");
                assertEquals(137, crashing.kill(), "exit status: 128 + SIGKILL");
                assertTrue(!feeder.isDone(), "events still coming when killed");

                // The killed run's transaction is still open: its records are in the log, not yet committed.
                int committed = Runs.count(kafka, settings.forecastsTopic(), IsolationLevel.READ_COMMITTED);
                int written = Runs.count(kafka, settings.forecastsTopic(), IsolationLevel.READ_UNCOMMITTED);
                assertTrue(committed < written, "a transaction open at the kill: " + committed + " committed of "
                        + written + " written forecasts");
                assertTrue(committed < forecasts, "killed mid-stream: " + committed + " of " + forecasts);
                Map<String, String> open = Runs.lastCommittedField(kafka, settings.forecastsTopic(), "alertOpen");
                assertTrue(open.containsValue("true"), "an alert open at the kill: " + open);
                feeder.await();
            }
        }

        try (Runs.Separate restarted = new Runs.Separate(config, log)) {
            Runs.assertSameAsReference(kafka, settings, app, reference);
            int written = Runs.count(kafka, settings.forecastsTopic(), IsolationLevel.READ_UNCOMMITTED);
            assertTrue(written > forecasts, "the open transaction was aborted, not committed: " + written
                    + " forecasts written, " + forecasts + " committed");
            // 143 = 128 + SIGTERM: the JVM's exit status once a signal started its shutdown.
            assertEquals(143, restarted.stop(), "exit status after SIGTERM");
            String output = Files.readString(log);
            assertTrue(output.contains("gru-streams run: bootstrap.servers=" + kafka.bootstrapServers()), "start line");
            assertTrue(output.contains("gru-streams run: stopped, Kafka Streams closed"), "closed on SIGTERM");
            Runs.assertNoThreadDied(log);
        }
    }

    /** Returns once the forecasts topic has records a read_committed reader cannot see yet. */
    private void awaitOpenTransaction(String topic) throws InterruptedException {
        long deadline = System.nanoTime() + Runs.WAIT.toNanos();
        while (Runs.openTransactionRecords(kafka, topic).values().stream().mapToLong(Long::longValue).sum() == 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no transaction with records opened on " + topic + " within " + Runs.WAIT);
            }
            Thread.sleep(10);
        }
    }
}
