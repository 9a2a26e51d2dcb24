package io.grustreams.testkit;

import io.grustreams.app.topics.NewTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;

/**
 * A broker address for a test, with the few client chores tests repeat: unique topic names,
 * creating topics, producing, and reading a topic back.
 *
 * <p>Each helper opens its own short-lived client and closes it before returning; nothing here
 * holds a connection between calls. Failures (broker unreachable, topic missing) surface as
 * {@link IllegalStateException} or {@link AssertionError} with the topic named.
 */
public final class KafkaCluster {

    /** Longest wait of any helper for the broker. */
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** Per JVM: distinguishes this run's topics on a broker that outlives it (an external one). */
    private static final String RUN_ID = UUID.randomUUID().toString().substring(0, 8);
    private static final AtomicInteger TOPIC_COUNTER = new AtomicInteger();

    private final String bootstrapServers;
    private final String source;

    KafkaCluster(String bootstrapServers, String source) {
        this.bootstrapServers = bootstrapServers;
        this.source = source;
    }

    /** Helpers for a broker the test started itself (e.g. one it stops and restarts). */
    public static KafkaCluster at(String bootstrapServers) {
        return new KafkaCluster(bootstrapServers, "given");
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Where the broker comes from: the environment variable, a container, in-process, given. */
    public String source() {
        return source;
    }

    /** A topic name no other test of any run uses: {@code prefix-run-n}. */
    public String uniqueTopic(String prefix) {
        return prefix + "-" + RUN_ID + "-" + TOPIC_COUNTER.incrementAndGet();
    }

    /** {@code bootstrap.servers} only; the base for any client a test builds. */
    public Map<String, Object> clientConfig() {
        Map<String, Object> c = new HashMap<>();
        c.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return c;
    }

    /** A new admin client; the caller closes it. */
    public Admin admin() {
        return Admin.create(clientConfig());
    }

    /**
     * Creates the topics (replication 1, kept forever) and returns once the broker has them.
     *
     * <p>Kept forever ({@code retention.ms=-1}): tests stamp records with fixed event times (2024), and a
     * broker's time-based retention deletes records by their timestamps, not their age on the broker, at
     * its retention checks (30 s after it starts, then every 5 minutes). A check that came mid-test took
     * one forecast from under a reader.
     */
    public void createTopics(int partitions, String... topics) {
        List<NewTopic> newTopics = new ArrayList<>();
        for (String t : topics) {
            newTopics.add(new NewTopic(t, partitions, (short) 1)
                    .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1")));
        }
        try (Admin admin = admin()) {
            admin.createTopics(newTopics).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            NewTopics.awaitVisible(admin, List.of(topics), TIMEOUT);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create topics " + List.of(topics)
                    + " on " + bootstrapServers + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted creating topics " + List.of(topics), e);
        }
    }

    /** Produces string records in order (idempotent producer, acks=all) and waits for all acks. */
    public void produce(String topic, List<KeyValue<String, String>> records) {
        produce(topic, new StringSerializer(), new StringSerializer(), records);
    }

    /** Produces records in order (idempotent producer, acks=all) and waits for all acks. */
    public <K, V> void produce(String topic, Serializer<K> keySerializer,
            Serializer<V> valueSerializer, List<KeyValue<K, V>> records) {
        Map<String, Object> c = clientConfig();
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaProducer<K, V> producer = new KafkaProducer<>(c, keySerializer, valueSerializer)) {
            for (KeyValue<K, V> r : records) {
                producer.send(new ProducerRecord<>(topic, r.key, r.value));
            }
            producer.flush();
        }
    }

    /** {@link #readAll(String, Deserializer, Deserializer, IsolationLevel, Duration)} for strings,
     * {@code read_committed}. */
    public List<ConsumerRecord<String, String>> readAll(String topic, Duration idle) {
        return readAll(topic, new StringDeserializer(), new StringDeserializer(),
                IsolationLevel.READ_COMMITTED, idle);
    }

    /**
     * Reads every partition of the topic from the beginning, without a consumer group, until
     * the reader has reached the end of every partition and no record has come for
     * {@code idle}. Under {@code read_committed} the end is the last stable offset: records of
     * aborted transactions are skipped, and open transactions are waited on for {@code idle}.
     *
     * @return the records in the order fetched (offset order within each partition)
     * @throws AssertionError if the end is not reached within 30 s
     */
    public <K, V> List<ConsumerRecord<K, V>> readAll(String topic, Deserializer<K> keyDeserializer,
            Deserializer<V> valueDeserializer, IsolationLevel isolation, Duration idle) {
        List<ConsumerRecord<K, V>> out = new ArrayList<>();
        try (KafkaConsumer<K, V> consumer = reader(isolation, keyDeserializer, valueDeserializer)) {
            List<TopicPartition> partitions = assignAll(consumer, topic);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            long lastRecord = System.nanoTime();
            while (true) {
                for (ConsumerRecord<K, V> r : consumer.poll(Duration.ofMillis(100))) {
                    out.add(r);
                    lastRecord = System.nanoTime();
                }
                if (System.nanoTime() - lastRecord >= idle.toNanos() && atEnd(consumer, partitions)) {
                    return out;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("topic " + topic + " did not go idle for " + idle
                            + " within " + TIMEOUT + "; read " + out.size() + " records");
                }
            }
        }
    }

    /**
     * Reads the topic from the beginning ({@code read_committed}) until at least {@code count}
     * records have come; for outputs a running application is still writing.
     *
     * @return every record read, at least {@code count}
     * @throws AssertionError naming the topic and how many came if {@code timeout} passes first
     */
    public <K, V> List<ConsumerRecord<K, V>> readAtLeast(String topic, int count,
            Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer, Duration timeout) {
        List<ConsumerRecord<K, V>> out = new ArrayList<>();
        try (KafkaConsumer<K, V> consumer =
                reader(IsolationLevel.READ_COMMITTED, keyDeserializer, valueDeserializer)) {
            assignAll(consumer, topic);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (out.size() < count) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("expected at least " + count + " records on " + topic
                            + " within " + timeout + ", got " + out.size());
                }
                consumer.poll(Duration.ofMillis(100)).forEach(out::add);
            }
            return out;
        }
    }

    private <K, V> KafkaConsumer<K, V> reader(IsolationLevel isolation,
            Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer) {
        Map<String, Object> c = clientConfig();
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.toString().toLowerCase(Locale.ROOT));
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(c, keyDeserializer, valueDeserializer);
    }

    private static List<TopicPartition> assignAll(KafkaConsumer<?, ?> consumer, String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, TIMEOUT);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " does not exist");
        }
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo p : infos) {
            partitions.add(new TopicPartition(topic, p.partition()));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return partitions;
    }

    /** Whether the reader's position has reached the end offset (the LSO under read_committed). */
    private static boolean atEnd(KafkaConsumer<?, ?> consumer, List<TopicPartition> partitions) {
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, TIMEOUT);
        for (TopicPartition tp : partitions) {
            if (consumer.position(tp, TIMEOUT) < ends.get(tp)) {
                return false;
            }
        }
        return true;
    }
}
