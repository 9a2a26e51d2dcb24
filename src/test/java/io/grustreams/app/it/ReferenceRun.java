package io.grustreams.app.it;

import io.grustreams.stream.DeadLetters;
import io.grustreams.stream.GruTopology;
import io.grustreams.stream.StreamSettings;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The uninterrupted run the broker runs are compared with: the same topology in a
 * TopologyTestDriver over the same input. Outputs are kept as the exact UTF-8 of each record, per
 * key in order, so equality of two runs is equality to the bit of every number in them.
 */
final class ReferenceRun {

    /** Each key's forecast values, in order. */
    final Map<String, List<String>> forecasts = new TreeMap<>();
    /** Each key's alert values, in order. */
    final Map<String, List<String>> alerts = new TreeMap<>();
    /**
     * Each key's dead letters, in order, as {@link #deadLetter} describes them (the record key
     * shown by {@link #show}); the source partition and offset, which differ between a one-partition
     * driver and a broker, are checked apart.
     */
    final Map<String, List<String>> deadLetters = new TreeMap<>();
    /** Each key's final per-key state, as the store holds it. */
    final Map<String, byte[]> states = new TreeMap<>();

    /**
     * @param gru the gru.* settings of the runs compared with
     * @param models model records (key, model file) published before the events
     */
    ReferenceRun(Properties gru, Path stateDir, List<KeyValue<String, byte[]>> models, List<Workload.Event> events) {
        StreamSettings settings = StreamSettings.fromProperties(gru);
        Properties kafka = StreamSettings.kafkaProperties(gru);
        kafka.setProperty(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        kafka.setProperty(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        try (TopologyTestDriver driver = new TopologyTestDriver(GruTopology.build(settings), kafka)) {
            ByteArraySerializer bytes = new ByteArraySerializer();
            TestInputTopic<String, byte[]> modelTopic = driver.createInputTopic(settings.modelsTopic(),
                    new StringSerializer(), bytes);
            for (KeyValue<String, byte[]> m : models) {
                modelTopic.pipeInput(m.key, m.value);
            }
            TestInputTopic<byte[], byte[]> in = driver.createInputTopic(settings.eventsTopic(), bytes, bytes);
            for (Workload.Event e : events) {
                RecordHeaders headers = new RecordHeaders();
                e.headers().forEach(h -> headers.add(h.getKey(), Workload.utf8(h.getValue())));
                in.pipeInput(new TestRecord<>(e.key(), e.value(), headers, e.ts()));
            }
            collect(driver.createOutputTopic(settings.forecastsTopic(), new ByteArrayDeserializer(),
                    new ByteArrayDeserializer()).readKeyValuesToList(), forecasts);
            collect(driver.createOutputTopic(settings.alertsTopic(), new ByteArrayDeserializer(),
                    new ByteArrayDeserializer()).readKeyValuesToList(), alerts);
            for (TestRecord<byte[], byte[]> r : driver.createOutputTopic(settings.deadLettersTopic(),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer()).readRecordsToList()) {
                deadLetters.computeIfAbsent(show(r.key()), k -> new ArrayList<>())
                        .add(deadLetter(r.value(), r.timestamp(), r.headers()));
            }
            KeyValueStore<Bytes, byte[]> store = driver.getKeyValueStore(settings.stateStore());
            try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
                while (it.hasNext()) {
                    KeyValue<Bytes, byte[]> kv = it.next();
                    states.put(new String(kv.key.get(), StandardCharsets.UTF_8), kv.value);
                }
            }
        }
    }

    /** The reasons of the dead letters, each once. */
    Set<String> deadLetterReasons() {
        Set<String> out = new TreeSet<>();
        String marker = " | " + DeadLetters.REASON + "=";
        for (List<String> letters : deadLetters.values()) {
            for (String letter : letters) {
                int at = letter.indexOf(marker) + marker.length();
                out.add(letter.substring(at, letter.indexOf(" | ", at)));
            }
        }
        return out;
    }

    /** Groups records by key, keeping their order; values as text. */
    static Map<String, List<String>> byKey(List<KeyValue<byte[], byte[]>> records) {
        Map<String, List<String>> out = new TreeMap<>();
        collect(records, out);
        return out;
    }

    private static void collect(List<KeyValue<byte[], byte[]>> records, Map<String, List<String>> into) {
        for (KeyValue<byte[], byte[]> r : records) {
            into.computeIfAbsent(new String(r.key, StandardCharsets.UTF_8), k -> new ArrayList<>())
                    .add(new String(r.value, StandardCharsets.UTF_8));
        }
    }

    /**
     * A dead letter as text: its value ({@link #show}), timestamp and every header but the source
     * partition and offset, in order.
     */
    static String deadLetter(byte[] value, long timestamp, Headers headers) {
        StringBuilder b = new StringBuilder().append(show(value)).append(" @").append(timestamp);
        for (Header h : headers) {
            if (!h.key().equals(DeadLetters.SOURCE_PARTITION) && !h.key().equals(DeadLetters.SOURCE_OFFSET)) {
                b.append(" | ").append(h.key()).append('=').append(show(h.value()));
            }
        }
        return b.toString();
    }

    /** Bytes as text: "(null)", the string if it is short valid UTF-8, else the length and a digest. */
    static String show(byte[] bytes) {
        if (bytes == null) {
            return "(null)";
        }
        if (bytes.length <= 200) {
            try {
                return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                // Not text: shown by its digest below.
            }
        }
        try {
            return bytes.length + " bytes, sha-256 " + HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The last value of each key of a changelog (null values delete). */
    static Map<String, byte[]> lastValues(List<KeyValue<byte[], byte[]>> changelog) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (KeyValue<byte[], byte[]> r : changelog) {
            String key = new String(r.key, StandardCharsets.UTF_8);
            if (r.value == null) {
                out.remove(key);
            } else {
                out.put(key, r.value);
            }
        }
        return new TreeMap<>(out);
    }
}
