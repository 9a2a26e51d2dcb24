package io.grustreams.app.it;

import io.grustreams.app.broker.InProcessKafkaBroker;
import io.grustreams.stream.StreamSettings;
import io.grustreams.testkit.KafkaCluster;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker stops in the middle of a stream and starts again on the same port and log
 * directory: {@code run} recovers by itself, nothing lost or duplicated. Its own broker, not the
 * shared fixture's.
 */
class BrokerRestartIT {

    @TempDir
    Path dir;

    @Test
    void shouldRecoverByItselfWithNothingLostOrDuplicatedWhenTheBrokerRestarts() throws Exception {
        try (InProcessKafkaBroker broker = InProcessKafkaBroker.builder().dir(dir.resolve("broker")).build()) {
            broker.start();
            KafkaCluster kafka = KafkaCluster.at(broker.bootstrapServers());
            Properties gru = Runs.gru(kafka);
            StreamSettings settings = StreamSettings.fromProperties(gru);
            String app = kafka.uniqueTopic("broker-restart-it");
            List<KeyValue<String, byte[]>> models = List.of(KeyValue.pair("it:1", Workload.modelJson(17)));
            Runs.createTopicsAndPublish(kafka, settings, 6, models);
            List<Workload.Event> first = Workload.events(40, 0, 50, 21);
            List<Workload.Event> second = Workload.events(40, 50, 80, 21);
            List<Workload.Event> all = new ArrayList<>(first);
            all.addAll(second);
            ReferenceRun reference = new ReferenceRun(gru, dir.resolve("reference"), models, all);

            try (Runs.InProcess run = new Runs.InProcess(Runs.config(dir.resolve("app.properties"),
                    broker.bootstrapServers(), app, dir.resolve("state"), gru, Map.of()))) {
                kafka.readAtLeast(settings.modelsTopic(), 1, new ByteArrayDeserializer(), new ByteArrayDeserializer(),
                        Runs.WAIT);
                run.awaitTopics(kafka, settings.eventsTopic(), settings.forecastsTopic());
                Runs.produce(kafka, settings.eventsTopic(), first);
                kafka.readAtLeast(settings.forecastsTopic(), 1, new ByteArrayDeserializer(),
                        new ByteArrayDeserializer(), Runs.WAIT);
                broker.stop();
                Thread.sleep(3000);
                broker.start();
                Runs.produce(kafka, settings.eventsTopic(), second);
                Runs.assertSameAsReference(kafka, settings, app, reference);
            }
        }
    }
}
