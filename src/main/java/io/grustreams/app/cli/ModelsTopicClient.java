package io.grustreams.app.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The models topic through a plain consumer and producer: what each record key holds now, and
 * publishing one record. Records are keyed {@code name@version}, so the compacted topic keeps every
 * version and reading it whole gives every version still published (a tombstone removes one).
 */
final class ModelsTopicClient {

    static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** The latest record of one key. */
    record Entry(String key, byte[] value, int partition, long offset, long timestamp) {
    }

    private final Properties clientConfig;
    private final String topic;

    /**
     * @param config Kafka client settings (bootstrap.servers, security.*, ...); other keys are ignored
     * @param topic the models topic
     */
    ModelsTopicClient(Properties config, String topic) {
        this.clientConfig = config;
        this.topic = topic;
    }

    String topic() {
        return topic;
    }

    private Properties filtered(Set<String> known) {
        Properties p = new Properties();
        for (String k : clientConfig.stringPropertyNames()) {
            if (known.contains(k)) {
                p.setProperty(k, clientConfig.getProperty(k));
            }
        }
        return p;
    }

    /**
     * Every key's latest record (tombstones remove their key), in the order the latest records were
     * written per partition, read with read_committed up to the end offsets at the call.
     *
     * @throws IllegalStateException if the topic does not exist or cannot be read in time
     */
    List<Entry> readAll() {
        Properties p = filtered(ConsumerConfig.configNames());
        p.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        p.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.setProperty(ConsumerConfig.CLIENT_ID_CONFIG, "gru-streams-model-cli");
        Map<String, Entry> latest = new LinkedHashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, TIMEOUT);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("the models topic '" + topic + "' does not exist; create it from "
                        + "topics/models.properties");
            }
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : infos) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            // Assigned first: under read_committed the answer carries the last stable offset, and the
            // consumer warns per partition that is not assigned.
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!reached(consumer, partitions, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading the models topic '" + topic + "' took longer than "
                            + TIMEOUT);
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.key() == null) {
                        continue;
                    }
                    latest.remove(r.key());
                    if (r.value() != null) {
                        latest.put(r.key(), new Entry(r.key(), r.value(), r.partition(), r.offset(), r.timestamp()));
                    }
                }
            }
        }
        return new ArrayList<>(latest.values());
    }

    private static boolean reached(KafkaConsumer<?, ?> consumer, List<TopicPartition> partitions,
            Map<TopicPartition, Long> end) {
        for (TopicPartition tp : partitions) {
            if (consumer.position(tp, TIMEOUT) < end.get(tp)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Publishes one record and waits for the broker's acknowledgement (acks=all, idempotent).
     *
     * @throws IllegalStateException if the broker refuses or does not acknowledge in time
     */
    RecordMetadata publish(String key, byte[] value) {
        Properties p = filtered(ProducerConfig.configNames());
        p.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        p.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.setProperty(ProducerConfig.CLIENT_ID_CONFIG, "gru-streams-model-cli");
        // A model file is larger than most records; the topic's max.message.bytes still applies.
        p.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(Math.max(1 << 20, 2 * value.length)));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(),
                new ByteArraySerializer())) {
            return producer.send(new ProducerRecord<>(topic, key, value)).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("publishing to the models topic '" + topic + "' failed: "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the models topic '" + topic + "' did not acknowledge within " + TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing", e);
        }
    }
}
