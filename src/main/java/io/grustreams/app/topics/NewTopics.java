package io.grustreams.app.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Waiting for topics just created. The controller acknowledges a creation before the brokers have
 * applied it to their metadata, so a client started right after {@code createTopics} returns can
 * find no partitions: Kafka Streams then stops its global thread ("There are no partitions
 * available for topic ... when initializing global store"), which is how {@code run}, the
 * benchmarks and the tests that create topics and start a stream at once could fail on a busy
 * machine.
 */
public final class NewTopics {

    private static final long POLL_MS = 50;

    private NewTopics() {
    }

    /**
     * Returns once a broker describes every topic with at least one partition and a leader for
     * each.
     *
     * @param admin the caller keeps and closes it
     * @throws IllegalStateException naming the first topic not visible within {@code timeout}, or
     *     that the broker could not describe
     * @throws InterruptedException if interrupted while waiting
     */
    public static void awaitVisible(Admin admin, Collection<String> topics, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> waiting = new ArrayList<>(topics);
        while (true) {
            Map<String, KafkaFuture<TopicDescription>> described = admin.describeTopics(waiting).topicNameValues();
            List<String> still = new ArrayList<>();
            for (String topic : waiting) {
                if (!visible(described.get(topic), topic, timeout)) {
                    still.add(topic);
                }
            }
            if (still.isEmpty()) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("cannot see new topic " + still.get(0) + ": no broker has it with a"
                        + " leader for every partition after " + timeout.toMillis() + " ms");
            }
            waiting = still;
            Thread.sleep(POLL_MS);
        }
    }

    private static boolean visible(KafkaFuture<TopicDescription> future, String topic, Duration timeout)
            throws InterruptedException {
        try {
            TopicDescription d = future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return !d.partitions().isEmpty() && d.partitions().stream().allMatch(p -> p.leader() != null);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return false;
            }
            throw new IllegalStateException("cannot describe new topic " + topic + ": " + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot describe new topic " + topic + ": no answer from the broker in "
                    + timeout.toMillis() + " ms", e);
        }
    }
}
