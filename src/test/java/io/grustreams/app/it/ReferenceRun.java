package io.grustreams.app.it;

import io.grustreams.stream.GruTopology;
import io.grustreams.stream.StreamSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
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
                in.pipeInput(e.key().getBytes(StandardCharsets.UTF_8), e.json(), e.ts());
            }
            collect(driver.createOutputTopic(settings.forecastsTopic(), new ByteArrayDeserializer(),
                    new ByteArrayDeserializer()).readKeyValuesToList(), forecasts);
            collect(driver.createOutputTopic(settings.alertsTopic(), new ByteArrayDeserializer(),
                    new ByteArrayDeserializer()).readKeyValuesToList(), alerts);
            KeyValueStore<Bytes, byte[]> store = driver.getKeyValueStore(settings.stateStore());
            try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
                while (it.hasNext()) {
                    KeyValue<Bytes, byte[]> kv = it.next();
                    states.put(new String(kv.key.get(), StandardCharsets.UTF_8), kv.value);
                }
            }
        }
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
