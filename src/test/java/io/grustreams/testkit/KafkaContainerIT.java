package io.grustreams.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The container path of the fixture, forced even when {@code KAFKA_BOOTSTRAP_SERVERS} is set.
 * Without a Docker engine (CI here) it is skipped, never failed.
 */
@EnabledIf(value = "io.grustreams.testkit.Docker#isAvailable", disabledReason = "no Docker engine")
class KafkaContainerIT {

    @Test
    void shouldServeProduceAndConsumeFromTheKafkaImage() {
        try (KafkaContainer container = new KafkaContainer(Docker.KAFKA_IMAGE)) {
            container.start();
            KafkaCluster kafka = KafkaCluster.at(container.getBootstrapServers());
            String topic = kafka.uniqueTopic("container");
            kafka.createTopics(1, topic);
            kafka.produce(topic, List.of(KeyValue.pair("k", "1"), KeyValue.pair("k", "2")));

            assertEquals(List.of("1", "2"), kafka.readAll(topic, Duration.ofMillis(300)).stream()
                    .map(ConsumerRecord::value).toList());
        }
    }
}
