package io.grustreams.app.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grustreams.testkit.KafkaCluster;
import io.grustreams.testkit.KafkaExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaExtension.class)
class NewTopicsIT {

    private final KafkaCluster kafka;

    NewTopicsIT(KafkaCluster kafka) {
        this.kafka = kafka;
    }

    @Test
    void shouldReturnOnceEveryNewTopicHasALeaderForEachPartition() throws Exception {
        String a = "visible-a-" + UUID.randomUUID();
        String b = "visible-b-" + UUID.randomUUID();
        try (Admin admin = kafka.admin()) {
            admin.createTopics(List.of(new NewTopic(a, 3, (short) 1), new NewTopic(b, 1, (short) 1))).all()
                    .get(30, TimeUnit.SECONDS);
            NewTopics.awaitVisible(admin, List.of(a, b), Duration.ofSeconds(30));
            Map<String, TopicDescription> d = admin.describeTopics(List.of(a, b)).allTopicNames()
                    .get(30, TimeUnit.SECONDS);
            assertEquals(3, d.get(a).partitions().size());
            assertEquals(1, d.get(b).partitions().size());
            assertTrue(d.get(a).partitions().stream().allMatch(p -> p.leader() != null));
        }
    }

    @Test
    void shouldFailNamingATopicThatNeverAppears() throws Exception {
        String missing = "never-created-" + UUID.randomUUID();
        try (Admin admin = kafka.admin()) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> NewTopics.awaitVisible(admin, List.of(missing), Duration.ofMillis(300)));
            assertTrue(e.getMessage().contains(missing), e.getMessage());
        }
    }
}
