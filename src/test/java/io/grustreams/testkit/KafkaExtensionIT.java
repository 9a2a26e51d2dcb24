package io.grustreams.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaExtension.class)
class KafkaExtensionIT {

    private final KafkaCluster fromConstructor;

    KafkaExtensionIT(KafkaCluster fromConstructor) {
        this.fromConstructor = fromConstructor;
    }

    @Test
    void shouldShareOneBrokerPerJvm(KafkaCluster fromMethod) {
        assertSame(fromConstructor, fromMethod);
    }

    @Test
    void shouldPreferEnvironmentThenDockerThenInProcess(KafkaCluster kafka) {
        String env = System.getenv(KafkaExtension.BOOTSTRAP_ENV);
        if (env != null && !env.isBlank()) {
            assertEquals(KafkaExtension.BOOTSTRAP_ENV, kafka.source());
            assertEquals(env.strip(), kafka.bootstrapServers());
        } else if (Docker.isAvailable()) {
            assertEquals("container " + Docker.KAFKA_IMAGE, kafka.source());
        } else {
            assertEquals("in-process", kafka.source());
            assertTrue(kafka.bootstrapServers().startsWith("127.0.0.1:"), kafka.bootstrapServers());
        }
    }

    @Test
    void shouldReadBackEveryPartitionInKeyOrder(KafkaCluster kafka) {
        String topic = kafka.uniqueTopic("spread");
        kafka.createTopics(3, topic);
        List<KeyValue<String, String>> sent = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            sent.add(KeyValue.pair("key-" + (i % 7), Integer.toString(i)));
        }
        kafka.produce(topic, sent);

        List<ConsumerRecord<String, String>> read = kafka.readAll(topic, Duration.ofMillis(200));
        assertEquals(byKey(sent), byKey(asPairs(read)));
    }

    @Test
    void shouldWaitForRecordsStillToCome(KafkaCluster kafka) throws Exception {
        String topic = kafka.uniqueTopic("late");
        kafka.createTopics(1, topic);
        CompletableFuture<Void> late = CompletableFuture.runAsync(() -> kafka.produce(topic,
                List.of(KeyValue.pair("k", "1"), KeyValue.pair("k", "2"))),
                CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS));

        List<ConsumerRecord<String, String>> read = kafka.readAtLeast(topic, 2,
                new StringDeserializer(), new StringDeserializer(), Duration.ofSeconds(20));
        late.get(20, TimeUnit.SECONDS);
        assertEquals(List.of("1", "2"), read.stream().map(ConsumerRecord::value).toList());
    }

    @Test
    void shouldKeepRecordsOfAnyEventTimeOnTheTopicsItCreates(KafkaCluster kafka) throws Exception {
        String topic = kafka.uniqueTopic("forever");
        kafka.createTopics(1, topic);
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try (Admin admin = kafka.admin()) {
            Config config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
            assertEquals("-1", config.get(TopicConfig.RETENTION_MS_CONFIG).value());
        }
    }

    @Test
    void shouldFailNamingTheTopicWhenTooFewRecordsCome(KafkaCluster kafka) {
        String topic = kafka.uniqueTopic("empty");
        kafka.createTopics(1, topic);
        AssertionError e = assertThrows(AssertionError.class, () -> kafka.readAtLeast(topic, 1,
                new StringDeserializer(), new StringDeserializer(), Duration.ofMillis(500)));
        assertTrue(e.getMessage().contains(topic) && e.getMessage().contains("got 0"), e.getMessage());
    }

    @Test
    void shouldRefuseToReadATopicThatDoesNotExist(KafkaCluster kafka) {
        String topic = kafka.uniqueTopic("missing");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> kafka.readAll(topic, Duration.ofMillis(100)));
        assertTrue(e.getMessage().contains(topic), e.getMessage());
    }

    private static List<KeyValue<String, String>> asPairs(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(r -> KeyValue.pair(r.key(), r.value())).toList();
    }

    private static Map<String, List<String>> byKey(List<KeyValue<String, String>> pairs) {
        Map<String, List<String>> m = new TreeMap<>();
        for (KeyValue<String, String> p : pairs) {
            m.computeIfAbsent(p.key, k -> new ArrayList<>()).add(p.value);
        }
        return m;
    }
}
