package io.grustreams.app.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.grustreams.testkit.KafkaCluster;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker class itself; each test starts its own broker (the shared one must not be stopped). */
class InProcessKafkaBrokerIT {

    private static final Duration IDLE = Duration.ofMillis(300);

    @TempDir
    Path tmp;

    @Test
    void shouldServeProduceAndConsumeThenDeleteItsTemporaryDir() {
        InProcessKafkaBroker broker = InProcessKafkaBroker.builder().build();
        Path dir = broker.dir();
        try (broker) {
            broker.start();
            assertTrue(broker.isRunning());
            assertTrue(ExitGuard.guards(broker));
            assertEquals("127.0.0.1:" + broker.port(), broker.bootstrapServers());

            KafkaCluster kafka = KafkaCluster.at(broker.bootstrapServers());
            kafka.createTopics(2, "events");
            kafka.produce("events", List.of(KeyValue.pair("a", "1"), KeyValue.pair("b", "2"),
                    KeyValue.pair("a", "3")));

            List<ConsumerRecord<String, String>> read = kafka.readAll("events", IDLE);
            assertEquals(List.of("1", "3"), valuesOf(read, "a"));
            assertEquals(List.of("2"), valuesOf(read, "b"));
        }
        assertFalse(broker.isRunning());
        assertFalse(ExitGuard.guards(broker));
        assertFalse(Files.exists(dir));
    }

    @Test
    void shouldListenOnLoopbackOnly() throws IOException {
        InetAddress external = firstNonLoopbackIpv4();
        assumeTrue(external != null, "this host has no non-loopback IPv4 address to probe");
        try (InProcessKafkaBroker broker = InProcessKafkaBroker.builder().build()) {
            broker.start();
            try (Socket loopback = new Socket()) {
                loopback.connect(new InetSocketAddress("127.0.0.1", broker.port()), 2000);
            }
            assertThrows(IOException.class, () -> {
                try (Socket outside = new Socket()) {
                    outside.connect(new InetSocketAddress(external, broker.port()), 2000);
                }
            });
        }
    }

    @Test
    void shouldKeepRecordsAndOffsetsAcrossStopAndStartOnSamePortAndDir() throws Exception {
        try (InProcessKafkaBroker broker = InProcessKafkaBroker.builder().dir(tmp.resolve("b")).build()) {
            broker.start();
            int port = broker.port();
            KafkaCluster kafka = KafkaCluster.at(broker.bootstrapServers());
            kafka.createTopics(1, "kept");
            kafka.produce("kept", List.of(KeyValue.pair("k", "1"), KeyValue.pair("k", "2"),
                    KeyValue.pair("k", "3")));
            commitOffset(kafka, "kept", "group-a", 2);

            broker.stop();
            assertFalse(broker.isRunning());
            assertThrows(IOException.class, () -> connect(port));
            assertTrue(Files.exists(broker.dir().resolve("kraft-logs").resolve(".kafka_cleanshutdown")),
                    "stop() was not a clean Kafka shutdown");

            broker.start();
            assertEquals(port, broker.port());
            assertEquals(List.of("1", "2", "3"), valuesOf(kafka.readAll("kept", IDLE), "k"));
            assertEquals(2, committedOffset(kafka, "kept", "group-a"));
            kafka.produce("kept", List.of(KeyValue.pair("k", "4")));
            assertEquals(List.of("1", "2", "3", "4"), valuesOf(kafka.readAll("kept", IDLE), "k"));
        }
    }

    @Test
    void shouldServeAnEarlierBrokersDataFromItsDirAndFixedPort() {
        Path dir = tmp.resolve("shared");
        int port;
        try (InProcessKafkaBroker first = InProcessKafkaBroker.builder().dir(dir).build()) {
            first.start();
            port = first.port();
            KafkaCluster kafka = KafkaCluster.at(first.bootstrapServers());
            kafka.createTopics(1, "handed-over");
            kafka.produce("handed-over", List.of(KeyValue.pair("k", "v")));
        }
        assertTrue(Files.isDirectory(dir.resolve("kraft-logs")));

        try (InProcessKafkaBroker second = InProcessKafkaBroker.builder().dir(dir).port(port).build()) {
            second.start();
            assertEquals("127.0.0.1:" + port, second.bootstrapServers());
            KafkaCluster kafka = KafkaCluster.at(second.bootstrapServers());
            assertEquals(List.of("v"), valuesOf(kafka.readAll("handed-over", IDLE), "k"));
        }
    }

    @Test
    void shouldNameTheTakenPortAndStartOnceItIsFree() throws IOException {
        ServerSocket squatter = new ServerSocket();
        squatter.bind(new InetSocketAddress("127.0.0.1", 0));
        int port = squatter.getLocalPort();
        try (InProcessKafkaBroker broker = InProcessKafkaBroker.builder().port(port).build()) {
            try (squatter) {
                IllegalStateException e = assertThrows(IllegalStateException.class, broker::start);
                assertTrue(e.getMessage().contains("port " + port), e.getMessage());
                assertFalse(broker.isRunning());
                assertFalse(ExitGuard.guards(broker));
            }
            broker.start();
            assertTrue(broker.isRunning());
        }
    }

    private static List<String> valuesOf(List<ConsumerRecord<String, String>> records, String key) {
        List<String> values = new ArrayList<>();
        for (ConsumerRecord<String, String> r : records) {
            if (key.equals(r.key())) {
                values.add(r.value());
            }
        }
        return values;
    }

    private static void commitOffset(KafkaCluster kafka, String topic, String group, long offset) {
        Map<String, Object> c = kafka.clientConfig();
        c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
            consumer.commitSync(Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(offset)));
        }
    }

    private static long committedOffset(KafkaCluster kafka, String topic, String group) throws Exception {
        try (Admin admin = kafka.admin()) {
            OffsetAndMetadata committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get().get(new TopicPartition(topic, 0));
            assertNotNull(committed, "no offset committed for " + group);
            return committed.offset();
        }
    }

    private static void connect(int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        }
    }

    private static InetAddress firstNonLoopbackIpv4() throws SocketException {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                if (a instanceof Inet4Address) {
                    return a;
                }
            }
        }
        return null;
    }
}
