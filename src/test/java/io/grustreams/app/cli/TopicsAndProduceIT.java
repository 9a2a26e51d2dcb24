package io.grustreams.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grustreams.app.CommandRun;
import io.grustreams.app.Main;
import io.grustreams.testkit.KafkaCluster;
import io.grustreams.testkit.KafkaExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code topics apply} and {@code produce} through the command line against a real broker. */
@ExtendWith(KafkaExtension.class)
class TopicsAndProduceIT {

    private final KafkaCluster kafka;

    @TempDir
    Path dir;

    TopicsAndProduceIT(KafkaCluster kafka) {
        this.kafka = kafka;
    }


    private static CommandRun run(String... args) {
        return CommandRun.execute(Main.commandLine(), args);
    }

    private void topicFile(String role, String name, int partitions, String... configs) throws IOException {
        StringBuilder s = new StringBuilder("format.version=1\nrole=" + role + "\nname=" + name + "\npartitions="
                + partitions + "\nreplication.factor=1\n");
        for (String c : configs) {
            s.append("config.").append(c).append('\n');
        }
        Files.writeString(dir.resolve("topics").resolve(role + ".properties"), s.toString());
    }

    private TopicDescription describe(Admin admin, String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).topicNameValues().get(topic).get(30, TimeUnit.SECONDS);
    }

    private String config(Admin admin, String topic, String key) throws Exception {
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config c = admin.describeConfigs(List.of(r)).values().get(r).get(30, TimeUnit.SECONDS);
        return c.get(key).value();
    }

    @Test
    void shouldCreateThenLeaveThenUpdateTopicsWithoutEverShrinkingThem() throws Exception {
        Files.createDirectories(dir.resolve("topics"));
        String events = kafka.uniqueTopic("events");
        String models = kafka.uniqueTopic("models");
        topicFile("events", events, 2, "retention.ms=604800000");
        topicFile("models", models, 1, "cleanup.policy=compact");
        String[] apply = {"topics", "apply", "--bootstrap-servers", kafka.bootstrapServers(), "--dir",
                dir.resolve("topics").toString()};

        CommandRun first = run(apply);
        assertEquals(0, first.exit(), first.err());
        assertTrue(first.out().contains(events + ": created"), first.out());
        assertTrue(first.out().contains(models + ": created"), first.out());

        CommandRun again = run(apply);
        assertEquals(0, again.exit(), again.err());
        assertEquals(events + ": unchanged\n" + models + ": unchanged\n", again.out().replace("\r\n", "\n"));

        // Declared more partitions and another retention: both applied; the compacted topic is untouched.
        topicFile("events", events, 4, "retention.ms=86400000");
        CommandRun grown = run(apply);
        assertEquals(0, grown.exit(), grown.err());
        assertTrue(grown.out().contains(events + ": updated (partitions 2 -> 4; retention.ms 604800000 -> 86400000)"),
                grown.out());
        assertTrue(grown.out().contains(models + ": unchanged"), grown.out());

        // Fewer partitions declared: reported, never removed.
        topicFile("events", events, 1, "retention.ms=86400000");
        CommandRun shrunk = run(apply);
        assertEquals(0, shrunk.exit(), shrunk.err());
        assertTrue(shrunk.out().contains("has 4 partitions, more than the 1 declared"), shrunk.out());

        try (Admin admin = kafka.admin()) {
            assertEquals(4, describe(admin, events).partitions().size());
            assertEquals("86400000", config(admin, events, "retention.ms"));
            assertEquals("compact", config(admin, models, "cleanup.policy"));
        }
    }

    @Test
    void shouldRenameTopicsFromTheAppConfig() throws Exception {
        Files.createDirectories(dir.resolve("topics"));
        topicFile("alerts", "alerts-never-used", 1);
        String renamed = kafka.uniqueTopic("alerts");
        Path config = Files.writeString(dir.resolve("app.properties"),
                "gru.topic.alerts=" + renamed + "\nbootstrap.servers=" + kafka.bootstrapServers()
                        + "\napplication.id=ignored-by-the-admin-client\n");
        CommandRun r = run("topics", "apply", "--config", config.toString(), "--dir", dir.resolve("topics").toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals(renamed + ": created (1 partitions, replication 1)\n", r.out().replace("\r\n", "\n"));
    }

    @Test
    void shouldReplayACsvFileAsEventsInFileOrder() throws Exception {
        String topic = kafka.uniqueTopic("events");
        kafka.createTopics(1, topic);
        Path csv = Files.writeString(dir.resolve("nab.csv"),
                "timestamp,value\n2014-04-01 00:00:00,20.5\n2014-04-01 00:05:00,21\n\n2014-04-01 00:10:00,-3e2\n",
                StandardCharsets.UTF_8);
        CommandRun r = run("produce", "--bootstrap-servers", kafka.bootstrapServers(), "--topic", topic, "--input",
                csv.toString(), "--key", "machine-1", "--rate", "200");
        assertEquals(0, r.exit(), r.err());
        assertEquals("produced 3 records to " + topic + "\n", r.out().replace("\r\n", "\n"));
        List<ConsumerRecord<String, String>> got = kafka.readAll(topic, Duration.ofMillis(500));
        assertEquals(List.of(
                Map.entry("machine-1", "{\"ts\":\"2014-04-01T00:00:00Z\",\"value\":20.5}"),
                Map.entry("machine-1", "{\"ts\":\"2014-04-01T00:05:00Z\",\"value\":21.0}"),
                Map.entry("machine-1", "{\"ts\":\"2014-04-01T00:10:00Z\",\"value\":-300.0}")),
                got.stream().map(c -> Map.entry(c.key(), c.value())).toList());
    }

    @Test
    void shouldFailInOneLineThatNamesTheLineOfABadValue() throws Exception {
        String topic = kafka.uniqueTopic("events");
        kafka.createTopics(1, topic);
        Path csv = Files.writeString(dir.resolve("bad.csv"), "key,timestamp,value\na,1000,1\na,2000,oops\n");
        CommandRun r = run("produce", "--bootstrap-servers", kafka.bootstrapServers(), "--topic", topic, "--input",
                csv.toString());
        assertEquals(1, r.exit());
        assertEquals("error: " + csv + " line 3 column 'value': 'oops' is not a finite number\n",
                r.err().replace("\r\n", "\n"));
    }
}
