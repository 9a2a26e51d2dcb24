package io.grustreams.app.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.grustreams.stream.BadInput;
import io.grustreams.stream.StreamSettings;
import io.grustreams.testkit.KafkaCluster;
import io.grustreams.testkit.KafkaExtension;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gru-streams run} end to end on a real broker, compared with the TopologyTestDriver: forecasts,
 * alerts, every kind of bad input on the dead-letter topic, and the final states.
 */
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
        List<Workload.Event> events = Workload.mixed(40, 0, 60, 3);
        ReferenceRun reference = new ReferenceRun(gru, dir.resolve("reference"), models, events);
        assertFalse(reference.alerts.isEmpty(), "the workload must open alerts");
        // Every kind of bad input; the workload's model forecasts every event, so none is non-finite.
        assertEquals(EnumSet.complementOf(EnumSet.of(BadInput.NON_FINITE_FORECAST)).stream()
                .map(BadInput::code).collect(Collectors.toCollection(TreeSet::new)),
                reference.deadLetterReasons(), "every kind of bad input");

        Path config = Runs.config(dir.resolve("app.properties"), kafka.bootstrapServers(), app,
                dir.resolve("state"), gru, Map.of());
        try (Runs.InProcess run = new Runs.InProcess(config)) {
            run.awaitTopics(kafka, settings.eventsTopic(), settings.forecastsTopic(), settings.alertsTopic(),
                    settings.deadLettersTopic());
            Runs.produce(kafka, settings.eventsTopic(), events);
            Runs.assertSameAsReference(kafka, settings, app, reference);
        }
    }
}
