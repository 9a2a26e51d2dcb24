package io.grustreams.app.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code run} instances, each its own JVM, share the events; one is killed with SIGKILL in the
 * middle of the stream, with a transaction open and events in flight; the survivor takes its
 * partitions over and the outputs and states are exactly an uninterrupted run's. Without standby
 * replicas the survivor restores the dead instance's states from the changelog; with one standby
 * replica it already holds them.
 */
@ExtendWith(KafkaExtension.class)
class FailoverIT {

    private static final int PARTITIONS = 6;
    private static final int KEYS = 40;
    private static final int FIRST_WAVE = 30;
    private static final int STEPS = 100;
    /** StoreChangelogReader's line when a task's store is back: changelog partition and records restored. */
    private static final Pattern RESTORED = Pattern.compile(
            "Finished restoring changelog (\\S+)-(\\d+) to store \\S+ with a total number of (\\d+) records");

    @TempDir
    Path dir;

    private final KafkaCluster kafka;

    FailoverIT(KafkaCluster kafka) {
        this.kafka = kafka;
    }

    @Test
    void shouldContinueEveryKeyExactlyWhenTheSurvivorRestoresAKilledInstancesPartitionsFromTheChangelog()
            throws Exception {
        Map<Integer, Long> restored = failover(0);
        // Every key of a taken-over partition came back from the changelog: at least one record each.
        restored.forEach((p, n) -> assertTrue(n >= keysIn(p), "partition " + p + ": restored " + n
                + " records for " + keysIn(p) + " keys"));
    }

    @Test
    void shouldContinueEveryKeyExactlyWhenTheSurvivorTakesOverFromItsStandbyReplicas() throws Exception {
        Map<Integer, Long> restored = failover(1);
        // The standby replica already held what the dead instance had committed: at most what came
        // after its last update is restored, fewer records than the partition has keys.
        restored.forEach((p, n) -> assertTrue(n < keysIn(p), "partition " + p + ": restored " + n
                + " records for " + keysIn(p) + " keys, as if there were no standby"));
    }

    /**
     * Runs the scenario with {@code num.standby.replicas} = {@code standbys}.
     *
     * @return per partition of the dead instance's state store changelog, the records the survivor
     *     restored when it took the partition over
     */
    private Map<Integer, Long> failover(int standbys) throws Exception {
        Properties gru = Runs.gru(kafka);
        StreamSettings settings = StreamSettings.fromProperties(gru);
        String app = kafka.uniqueTopic("failover-it");
        List<KeyValue<String, byte[]>> models = List.of(KeyValue.pair("it:1", Workload.modelJson(13)));
        Runs.createTopicsAndPublish(kafka, settings, PARTITIONS, models);
        List<Workload.Event> first = Workload.mixed(KEYS, 0, FIRST_WAVE, 9);
        List<Workload.Event> second = Workload.mixed(KEYS, FIRST_WAVE, STEPS, 9);
        List<Workload.Event> all = new ArrayList<>(first);
        all.addAll(second);
        ReferenceRun reference = new ReferenceRun(gru, dir.resolve("reference"), models, all);
        Map<String, String> extra = Map.of("num.standby.replicas", Integer.toString(standbys));
        Path logA = dir.resolve("a.log");
        Path logB = dir.resolve("b.log");
        String changelog = app + "-" + settings.stateStore() + "-changelog";

        try (Runs.Separate a = new Runs.Separate(Runs.config(dir.resolve("a.properties"), kafka.bootstrapServers(),
                app, dir.resolve("a"), gru, with(extra, "client.id", "a")), logA);
                Runs.Separate b = new Runs.Separate(Runs.config(dir.resolve("b.properties"),
                        kafka.bootstrapServers(), app, dir.resolve("b"), gru, with(extra, "client.id", "b")), logB)) {
            Set<Integer> partitionsOfB = awaitBothAssigned(app, settings.eventsTopic()).get("b");
            Runs.produce(kafka, settings.eventsTopic(), first);
            Runs.readCommitted(kafka, settings.forecastsTopic(), KEYS * FIRST_WAVE);
            long logOfABeforeKill;
            try (Runs.Feeder feeder = new Runs.Feeder(kafka, settings.eventsTopic(), second, KEYS,
                    Duration.ofMillis(80))) {
                awaitOpenTransaction(settings.forecastsTopic(), partitionsOfB);
                assertTrue(b.isAlive(), "instance b is alive when killed");
                logOfABeforeKill = Files.size(logA);
                assertEquals(137, b.kill(), "exit status: 128 + SIGKILL");
                assertFalse(feeder.isDone(), "events still coming when b was killed");
                feeder.await();
            }

            Runs.assertSameAsReference(kafka, settings, app, reference);
            Map<String, Set<Integer>> now = Runs.assignment(kafka, app, settings.eventsTopic());
            assertEquals(Map.of("a", Set.of(0, 1, 2, 3, 4, 5)), now, "the survivor holds every partition");
            assertTrue(a.isAlive(), "the survivor still runs");
            Runs.assertNoThreadDied(logA);

            Map<Integer, Long> restored = new TreeMap<>();
            String after = Files.readString(logA).substring((int) logOfABeforeKill);
            Matcher m = RESTORED.matcher(after);
            while (m.find()) {
                if (m.group(1).equals(changelog)) {
                    restored.merge(Integer.parseInt(m.group(2)), Long.parseLong(m.group(3)), Long::sum);
                }
            }
            assertEquals(partitionsOfB, restored.keySet(), "the survivor took over b's partitions: " + after);
            return restored;
        }
    }

    /** How many of the workload's keys the producer's partitioner puts in partition {@code p}. */
    private static int keysIn(int p) {
        int n = 0;
        for (int k = 0; k < KEYS; k++) {
            if (Utils.toPositive(Utils.murmur2(Workload.utf8("key-" + k))) % PARTITIONS == p) {
                n++;
            }
        }
        return n;
    }

    /** Returns once the forecasts topic has records of an open transaction on one of {@code partitions}. */
    private void awaitOpenTransaction(String topic, Set<Integer> partitions) throws InterruptedException {
        long deadline = System.nanoTime() + Runs.WAIT.toNanos();
        while (Runs.openTransactionRecords(kafka, topic).entrySet().stream()
                .noneMatch(e -> partitions.contains(e.getKey()) && e.getValue() > 0)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no open transaction on partitions " + partitions + " of " + topic);
            }
            Thread.sleep(10);
        }
    }

    /** Waits until instances a and b both hold partitions of the topic; returns who holds which. */
    private Map<String, Set<Integer>> awaitBothAssigned(String app, String topic) throws InterruptedException {
        long deadline = System.nanoTime() + Runs.WAIT.toNanos();
        while (true) {
            try {
                Map<String, Set<Integer>> assigned = Runs.assignment(kafka, app, topic);
                if (assigned.keySet().equals(Set.of("a", "b")) && assigned.values().stream().noneMatch(Set::isEmpty)) {
                    return assigned;
                }
            } catch (AssertionError notYet) {
                // The group does not exist until the first instance joins.
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("instances a and b did not both get partitions within " + Runs.WAIT);
            }
            Thread.sleep(200);
        }
    }

    private static Map<String, String> with(Map<String, String> settings, String key, String value) {
        Map<String, String> out = new TreeMap<>(settings);
        out.put(key, value);
        return out;
    }
}
