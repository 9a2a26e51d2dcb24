package io.grustreams.app.train;

import io.grustreams.model.EventOrder;
import io.grustreams.model.Provenance;
import io.grustreams.stream.EventDecoder;
import io.grustreams.train.HistorySampler;
import io.grustreams.train.SampleLimits;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Training events from the events topic over a time window, read with a plain group-less consumer:
 * for every partition from the first offset whose record time is at or after the window's start
 * ({@code offsetsForTimes}) up to the end offset at the window's end (the last stable offset: records
 * of aborted transactions are skipped). A key's events are in one partition, so its sequence is in
 * partition (offset) order. Records are parsed by the stream's own {@link EventDecoder}; a record the
 * stream would send to the dead-letter topic is skipped and counted by the same reason code. The
 * event time is the event's {@code ts}, else the record's timestamp, as in the stream.
 *
 * <p>Records are handed one by one to a {@link HistorySampler}, so what the run holds is bounded by
 * the sample's caps and the consumer's fetch buffers, not by the window.
 */
final class EventsTopicSource {

    private final KafkaClients clients;
    private final String topic;
    private final List<String> features;
    private final int maxBytes;

    /**
     * @param features the stream's {@code gru.features}
     * @param maxBytes the stream's {@code gru.event.max.bytes}
     */
    EventsTopicSource(KafkaClients clients, String topic, List<String> features, int maxBytes) {
        this.clients = clients;
        this.topic = topic;
        this.features = List.copyOf(features);
        this.maxBytes = maxBytes;
    }

    /**
     * Reads the records of {@code [end − window, end]} as described in the class comment.
     *
     * @param seed chooses the sampled keys
     * @throws IllegalStateException if the topic does not exist or cannot be read in time
     */
    SourceData read(Duration window, Instant end, SampleLimits limits, long seed) {
        Instant start = end.minus(window);
        EventDecoder decoder = new EventDecoder(features, maxBytes);
        HistorySampler sample = new HistorySampler(features.size(), limits, seed);
        Map<String, Long> bad = new LinkedHashMap<>();
        Map<String, Object> offsets = new LinkedHashMap<>();
        long records = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(clients.consumer("gru-streams-train-events"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = ModelsTopic.partitions(consumer, topic);
            // Assigned before the offset queries: under read_committed their answers carry the last
            // stable offset, which the consumer logs a warning per partition for if it is not assigned.
            consumer.assign(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, KafkaClients.TIMEOUT);
            Map<TopicPartition, Long> query = new HashMap<>();
            for (TopicPartition tp : partitions) {
                query.put(tp, start.toEpochMilli());
            }
            Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(query, KafkaClients.TIMEOUT);
            List<TopicPartition> open = new ArrayList<>();
            for (TopicPartition tp : partitions) {
                OffsetAndTimestamp first = starts.get(tp);
                // No record at or after the start: the partition has nothing in the window.
                long from = first == null ? ends.get(tp) : Math.min(first.offset(), ends.get(tp));
                offsets.put(Integer.toString(tp.partition()), List.of(from, ends.get(tp)));
                consumer.seek(tp, from);
                if (from < ends.get(tp)) {
                    open.add(tp);
                }
            }
            consumer.pause(partitions);
            consumer.resume(open);
            long deadline = System.nanoTime() + KafkaClients.TIMEOUT.toNanos();
            while (!open.isEmpty()) {
                boolean progress = false;
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() >= ends.get(tp)) {
                        continue;
                    }
                    progress = true;
                    records++;
                    if (decoder.decode(r.key(), r.value())) {
                        long ts = decoder.hasTimestamp() ? decoder.timestamp() : r.timestamp();
                        EventOrder order = sample.add(decoder.key(), ts, decoder.values());
                        if (order != EventOrder.NEXT) {
                            // The stream dead-letters it: the model is not trained on it either.
                            bad.merge(order.code(), 1L, Long::sum);
                        }
                    } else {
                        bad.merge(decoder.reason().code(), 1L, Long::sum);
                    }
                }
                List<TopicPartition> done = new ArrayList<>();
                for (TopicPartition tp : open) {
                    if (consumer.position(tp, KafkaClients.TIMEOUT) >= ends.get(tp)) {
                        done.add(tp);
                    }
                }
                if (!done.isEmpty()) {
                    // Stop fetching a partition at its end: records written since the start are not read.
                    consumer.pause(done);
                    open.removeAll(done);
                }
                if (progress || !done.isEmpty()) {
                    deadline = System.nanoTime() + KafkaClients.TIMEOUT.toNanos();
                } else if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading the events topic '" + topic + "' made no progress for "
                            + KafkaClients.TIMEOUT + " (partitions left: " + open + ")");
                }
            }
        }
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put(Provenance.SOURCE_KIND, "topic");
        provenance.put(Provenance.SOURCE_TOPIC, topic);
        provenance.put("window", window.toString());
        provenance.put("from", start.toString());
        provenance.put("to", end.toString());
        provenance.put("offsets", offsets);
        provenance.put("records", records);
        provenance.put("badRecords", bad.values().stream().mapToLong(Long::longValue).sum());
        return new SourceData(sample.build(), records, bad, sample.summary(), provenance);
    }
}
