package io.grustreams.app.train;

import io.grustreams.model.GruModel;
import io.grustreams.model.codec.ModelCodec;
import io.grustreams.stream.ModelRegistry;
import io.grustreams.stream.StreamSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The compacted models topic through a plain consumer and producer, for the trainer and the
 * {@code model} commands: every key's latest record, which model the stream serves now (judged by
 * the stream's own {@link ModelRegistry}), and publishing a record. Records are keyed
 * {@code name@version}, so the topic keeps every version and reading it whole gives every version
 * still published (a tombstone removes one).
 */
public final class ModelsTopic {

    /** The latest record of one key. */
    public record Entry(String key, byte[] value, int partition, long offset, long timestamp) {
    }

    /**
     * Bytes a record batch of one record adds to key and value (batch header 61, record framing ≤ 21),
     * rounded up, for the check against {@code max.message.bytes}.
     */
    static final int RECORD_OVERHEAD = 128;

    private final KafkaClients clients;
    private final String topic;

    public ModelsTopic(KafkaClients clients, String topic) {
        this.clients = clients;
        this.topic = topic;
    }

    public String topic() {
        return topic;
    }

    /**
     * The topic as the stream's model registry sees it.
     *
     * @param champion the model the stream serves at the time asked for ({@link ModelRegistry#select}),
     *     after offering it every key's latest record in topic order, as the stream does when it starts
     * @param maxVersion the highest version of any valid model record, servable or not, or 0
     * @param records records read
     * @param skipped why records were not offered (not a valid model) or the registry refused them
     */
    record Current(Optional<GruModel> champion, long maxVersion, long records, List<String> skipped) {
    }

    /**
     * Reads the whole topic (read_committed) up to its end offsets at the call.
     *
     * @param settings the stream's settings: features, model name, models kept
     * @param now the event time whose serving model is the champion
     * @throws IllegalStateException if the topic does not exist
     */
    Current current(StreamSettings settings, Instant now) {
        Map<String, Entry> latest = new LinkedHashMap<>();
        long records = read(latest);
        ModelRegistry registry = ModelRegistry.forSettings(settings);
        long maxVersion = 0;
        List<String> skipped = new ArrayList<>();
        for (Entry r : latest.values()) {
            String where = "key '" + r.key() + "' at " + r.partition() + "@" + r.offset() + ": ";
            GruModel m;
            try {
                m = ModelCodec.fromJson(r.value());
            } catch (RuntimeException e) {
                skipped.add(where + e.getMessage());
                continue;
            }
            maxVersion = Math.max(maxVersion, m.version());
            registry.offer(r.key(), m).ifPresent(why -> skipped.add(where + why));
        }
        return new Current(Optional.ofNullable(registry.select(now.toEpochMilli())), maxVersion, records, skipped);
    }

    /**
     * Every key's latest record (tombstones remove their key), in the order the latest records were
     * written per partition, read with read_committed up to the end offsets at the call.
     *
     * @throws IllegalStateException if the topic does not exist or cannot be read in time
     */
    public List<Entry> readAll() {
        Map<String, Entry> latest = new LinkedHashMap<>();
        read(latest);
        return new ArrayList<>(latest.values());
    }

    /**
     * Reads the whole topic into {@code latest}, key to latest record, in the order of the latest
     * records (a keyless record is skipped: the stream rejects it).
     *
     * @return records read, keyless records and tombstones included
     */
    private long read(Map<String, Entry> latest) {
        long records = 0;
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(clients.consumer("gru-streams-models"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions;
            try {
                partitions = partitions(consumer, topic);
            } catch (IllegalStateException e) {
                throw new IllegalStateException("the models topic '" + topic + "' does not exist; create it from "
                        + "topics/models.properties", e);
            }
            // Assigned first: under read_committed the answer carries the last stable offset, and the
            // consumer warns per partition that is not assigned.
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, KafkaClients.TIMEOUT);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + KafkaClients.TIMEOUT.toNanos();
            while (!reached(consumer, partitions, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading the models topic '" + topic + "' took longer than "
                            + KafkaClients.TIMEOUT);
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
                        continue;
                    }
                    records++;
                    if (r.key() == null) {
                        continue;
                    }
                    // Removed and re-inserted: the map's order is the order of the latest records.
                    latest.remove(r.key());
                    if (r.value() != null) {
                        latest.put(r.key(), new Entry(r.key(), r.value(), r.partition(), r.offset(), r.timestamp()));
                    }
                }
            }
        }
        return records;
    }

    /** Where a published record went. */
    public record Published(int partition, long offset) {
    }

    /**
     * Checks that a model file fits the topic's {@code max.message.bytes} as a record under {@code key}.
     *
     * @throws IllegalStateException if it does not, naming the setting to raise, or if the topic does
     *     not exist
     */
    void requireFits(String key, byte[] model) {
        int recordBytes = recordBytes(key, model);
        long limit = maxMessageBytes();
        if (recordBytes > limit) {
            throw new IllegalStateException("the model is " + model.length + " bytes (" + recordBytes
                    + " as a record) but the models topic '" + topic + "' accepts at most max.message.bytes="
                    + limit + "; raise the topic's max.message.bytes (e.g. kafka-configs --alter --entity-type topics"
                    + " --entity-name " + topic + " --add-config max.message.bytes=" + nextPowerOfTwo(recordBytes)
                    + ") or train a smaller model (--hidden); nothing was published");
        }
    }

    /**
     * Publishes one record and waits for the broker's acknowledgement (acks=all, idempotent).
     *
     * @throws IllegalStateException if the broker refuses or does not acknowledge in time
     */
    public Published publish(String key, byte[] value) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                clients.producer("gru-streams-models-publisher", recordBytes(key, value)), new StringSerializer(),
                new ByteArraySerializer())) {
            RecordMetadata meta = producer.send(new ProducerRecord<>(topic, key, value))
                    .get(KafkaClients.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return new Published(meta.partition(), meta.offset());
        } catch (ExecutionException e) {
            throw new IllegalStateException("publishing to the models topic '" + topic + "' failed: "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the models topic '" + topic + "' did not acknowledge within "
                    + KafkaClients.TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing", e);
        }
    }

    private static int recordBytes(String key, byte[] value) {
        return key.getBytes(StandardCharsets.UTF_8).length + (value == null ? 0 : value.length) + RECORD_OVERHEAD;
    }

    /** The topic's effective {@code max.message.bytes} (its own setting or the broker's default). */
    long maxMessageBytes() {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try (Admin admin = Admin.create(clients.admin("gru-streams-train-admin"))) {
            Config config = admin.describeConfigs(List.of(resource)).all()
                    .get(KafkaClients.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(resource);
            ConfigEntry entry = config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            if (entry == null || entry.value() == null) {
                throw new IllegalStateException("the broker did not report max.message.bytes of topic '" + topic + "'");
            }
            return Long.parseLong(entry.value());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new IllegalStateException("the models topic '" + topic + "' does not exist; create it from "
                        + "topics/models.properties", e.getCause());
            }
            throw new IllegalStateException("cannot read the configuration of the models topic '" + topic + "': "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the broker did not describe the models topic '" + topic + "' within "
                    + KafkaClients.TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the models topic's configuration", e);
        }
    }

    private static long nextPowerOfTwo(long n) {
        return Long.highestOneBit(n - 1) << 1;
    }

    /** The topic's partitions. @throws IllegalStateException if it does not exist */
    static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, KafkaClients.TIMEOUT);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic '" + topic + "' does not exist");
        }
        List<TopicPartition> out = new ArrayList<>();
        for (PartitionInfo p : infos) {
            out.add(new TopicPartition(topic, p.partition()));
        }
        out.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
        return out;
    }

    /** Whether every partition's position has reached its end offset. */
    static boolean reached(KafkaConsumer<?, ?> consumer, List<TopicPartition> partitions,
            Map<TopicPartition, Long> end) {
        for (TopicPartition tp : partitions) {
            if (consumer.position(tp, KafkaClients.TIMEOUT) < end.get(tp)) {
                return false;
            }
        }
        return true;
    }
}
