package io.grustreams.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopicSpecTest {

    private static TopicSpec parse(String text) throws IOException {
        return TopicSpec.parse("test.properties", new StringReader(text));
    }

    @Test
    void shouldReadTheGoldenVersion1File() throws IOException {
        TopicSpec spec = TopicSpec.load(Path.of("src/test/resources/golden/topic-spec-v1.properties"));
        assertEquals(new TopicSpec("models", "acme.models-v1", OptionalInt.of(3), Optional.of((short) 2),
                Map.of("cleanup.policy", "compact", "min.insync.replicas", "2")), spec);
    }

    @Test
    void shouldDeclareOneTopicPerRoleInTheRepository() throws IOException {
        List<TopicSpec> specs = TopicSpec.loadDirectory(Path.of("topics"));
        assertEquals(TopicSpec.ROLES, specs.stream().map(TopicSpec::role).collect(Collectors.toSet()));
        StreamSettings defaults = StreamSettings.defaults();
        for (TopicSpec s : specs) {
            assertEquals(defaults.topic(s.role()), s.name(), "default name of role " + s.role());
        }
        TopicSpec models = specs.stream().filter(s -> s.role().equals("models")).findFirst().orElseThrow();
        assertEquals("compact", models.configs().get("cleanup.policy"));
    }

    @Test
    void shouldLetTheDeadLetterTopicHoldTheLargestInputPlusHeaders() throws IOException {
        TopicSpec dlq = TopicSpec.load(Path.of("topics/dead-letters.properties"));
        long limit = Long.parseLong(dlq.configs().get("max.message.bytes"));
        assertTrue(limit >= StreamSettings.DEFAULT_MAX_REQUEST_BYTES, "max.message.bytes " + limit);
    }

    @Test
    void shouldTreatDefaultAsTheBrokersDefault() throws IOException {
        TopicSpec spec = parse("format.version=1\nrole=events\nname=e\npartitions=default\nreplication.factor=default\n");
        assertEquals(OptionalInt.empty(), spec.partitions());
        assertEquals(Optional.empty(), spec.replicationFactor());
        NewTopic nt = spec.toNewTopic();
        assertEquals(-1, nt.numPartitions());
        assertEquals(-1, nt.replicationFactor());
    }

    @Test
    void shouldBuildTheAdminRequestWithConfigsAndAnOverriddenName() throws IOException {
        TopicSpec spec = parse("format.version=1\nrole=models\nname=models\npartitions=1\nreplication.factor=3\n"
                + "config.cleanup.policy=compact\n").withName("prod.models");
        NewTopic nt = spec.toNewTopic();
        assertEquals("prod.models", nt.name());
        assertEquals(1, nt.numPartitions());
        assertEquals(3, nt.replicationFactor());
        assertEquals(Map.of("cleanup.policy", "compact"), nt.configs());
    }

    @Test
    void shouldRejectAnUnsupportedFormatVersionNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parse("format.version=2\nrole=events\nname=e\npartitions=1\nreplication.factor=1\n"));
        assertTrue(e.getMessage().contains("test.properties") && e.getMessage().contains("format.version 2"),
                e.getMessage());
    }

    @Test
    void shouldRejectMissingFieldsNamingThem() {
        for (String field : List.of("format.version", "role", "name", "partitions", "replication.factor")) {
            StringBuilder sb = new StringBuilder();
            for (String line : List.of("format.version=1", "role=events", "name=e", "partitions=1",
                    "replication.factor=1")) {
                if (!line.startsWith(field + "=")) {
                    sb.append(line).append('\n');
                }
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(sb.toString()));
            assertTrue(e.getMessage().contains("missing " + field), e.getMessage());
        }
    }

    @Test
    void shouldRejectUnknownKeysAndBadValuesNamingThem() {
        String base = "format.version=1\nrole=events\nname=e\npartitions=1\nreplication.factor=1\n";
        Map<String, String> cases = Map.of(
                base + "partitons=3\n", "unknown key 'partitons'",
                base.replace("partitions=1", "partitions=0"), "partitions must be positive",
                base.replace("partitions=1", "partitions=many"), "partitions is not an integer",
                base.replace("replication.factor=1", "replication.factor=-1"), "replication.factor must be positive",
                base.replace("name=e", "name=bad name"), "name 'bad name' is not a legal topic name",
                base.replace("role=events", "role=inputs"), "role 'inputs'");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(c.getKey()));
            assertTrue(e.getMessage().contains(c.getValue()), e.getMessage());
        }
    }

    @Test
    void shouldRejectTwoFilesForOneRole(@TempDir Path dir) throws IOException {
        String text = "format.version=1\nrole=alerts\nname=%s\npartitions=1\nreplication.factor=1\n";
        Files.writeString(dir.resolve("a.properties"), text.formatted("a"));
        Files.writeString(dir.resolve("b.properties"), text.formatted("b"));
        Files.writeString(dir.resolve("README.md"), "not a topic");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TopicSpec.loadDirectory(dir));
        assertTrue(e.getMessage().contains("role 'alerts' is also declared"), e.getMessage());
        assertEquals(Set.of("alerts"), Set.of(TopicSpec.load(dir.resolve("a.properties")).role()));
    }
}
