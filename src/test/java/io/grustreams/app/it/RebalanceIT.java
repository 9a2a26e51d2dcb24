package io.grustreams.app.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grustreams.stream.StreamSettings;
import io.grustreams.testkit.KafkaCluster;
import io.grustreams.testkit.KafkaExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code run} instances share the events; one stops; the other takes its partitions over,
 * restoring their states from the changelog, and continues every key exactly.
 */
@ExtendWith(KafkaExtension.class)
class RebalanceIT {

    private static final int PARTITIONS = 6;

    @TempDir
    Path dir;

    private final KafkaCluster kafka;

    RebalanceIT(KafkaCluster kafka) {
        this.kafka = kafka;
    }

    @Test
    void shouldContinueEveryKeyExactlyWhenTheSurvivorTakesOverTheStoppedInstancesPartitions() throws Exception {
        Properties gru = Runs.gru(kafka);
        StreamSettings settings = StreamSettings.fromProperties(gru);
        String app = kafka.uniqueTopic("rebalance-it");
        List<KeyValue<String, byte[]>> models = List.of(KeyValue.pair("it:1", Workload.modelJson(13)));
        Runs.createTopicsAndPublish(kafka, settings, PARTITIONS, models);
        List<Workload.Event> first = Workload.events(40, 0, 40, 9);
        List<Workload.Event> second = Workload.events(40, 40, 70, 9);
        List<Workload.Event> all = new ArrayList<>(first);
        all.addAll(second);
        ReferenceRun reference = new ReferenceRun(gru, dir.resolve("reference"), models, all);

        Path stateA = dir.resolve("a");
        Path stateB = dir.resolve("b");
        try (Runs.InProcess a = new Runs.InProcess(Runs.config(dir.resolve("a.properties"), kafka.bootstrapServers(),
                app, stateA, gru, Map.of()))) {
            Set<String> tasksOfB;
            try (Runs.InProcess b = new Runs.InProcess(Runs.config(dir.resolve("b.properties"),
                    kafka.bootstrapServers(), app, stateB, gru, Map.of()))) {
                // Both hold tasks before the first event, so each processes part of the first wave.
                a.awaitTopics(kafka, settings.eventsTopic(), settings.forecastsTopic());
                b.awaitTopics(kafka, settings.eventsTopic(), settings.forecastsTopic());
                awaitTasks(stateA, app, 1);
                awaitTasks(stateB, app, 1);
                Runs.produce(kafka, settings.eventsTopic(), first);
                Runs.readCommitted(kafka, settings.forecastsTopic(), first.size());
                tasksOfB = tasks(stateB, app);
            }
            Runs.produce(kafka, settings.eventsTopic(), second);
            Runs.assertSameAsReference(kafka, settings, app, reference, all.size());
            Set<String> tasksOfA = tasks(stateA, app);
            assertEquals(PARTITIONS, tasksOfA.size(), "the survivor holds every task: " + tasksOfA);
            assertEquals(true, tasksOfA.containsAll(tasksOfB) && !tasksOfB.isEmpty(), "took over " + tasksOfB);
        }
    }

    /** Task directories (such as 0_3) an instance has under its state dir. */
    private static Set<String> tasks(Path stateDir, String app) throws IOException {
        Path appDir = stateDir.resolve(app);
        Set<String> out = new TreeSet<>();
        if (!Files.isDirectory(appDir)) {
            return out;
        }
        try (Stream<Path> s = Files.list(appDir)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d+_\\d+")).forEach(out::add);
        }
        return out;
    }

    private static void awaitTasks(Path stateDir, String app, int atLeast) throws Exception {
        long deadline = System.nanoTime() + Runs.WAIT.toNanos();
        while (tasks(stateDir, app).size() < atLeast) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(stateDir + " got no task within " + Runs.WAIT);
            }
            Thread.sleep(100);
        }
    }
}
