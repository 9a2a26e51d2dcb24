package io.grustreams.stream;

import java.util.Set;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The gru-streams topology:
 * <pre>
 *   events ──► GRU processor ──► forecasts
 *                 │  (per-key state store)  ──► alerts
 *                 │                          ──► dead-letters
 *                 └── reads ModelRegistry ◄── model processor ◄── models (global store)
 * </pre>
 * Events and models are consumed as bytes and parsed in the processors, so no record can fail
 * in a deserializer. Build it with {@link #build(StreamSettings)}; run it with
 * {@link StreamSettings#kafkaProperties}.
 */
public final class GruTopology {

    /** Node names, stable so that a topology description and tests can refer to them. */
    public static final String EVENTS_SOURCE = "events-source";
    public static final String GRU_PROCESSOR = "gru-processor";
    public static final String FORECASTS_SINK = "forecasts-sink";
    public static final String ALERTS_SINK = "alerts-sink";
    public static final String DEAD_LETTERS_SINK = "dead-letters-sink";
    public static final String MODELS_SOURCE = "models-source";
    public static final String MODELS_PROCESSOR = "models-processor";

    private GruTopology() {
    }

    /** The topology with a registry of its own. */
    public static Topology build(StreamSettings settings) {
        return build(settings, ModelRegistry.forSettings(settings));
    }

    /**
     * The topology, filling and reading {@code registry} (which the caller may keep, to show which
     * models are served). One registry per running instance.
     *
     * @param registry must have been made for {@code settings}' features and model name
     */
    public static Topology build(StreamSettings settings, ModelRegistry registry) {
        Topology t = new Topology();

        // Step 1: events in, as bytes.
        t.addSource(EVENTS_SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), settings.eventsTopic());

        // Step 2: the GRU processor with its persistent, changelogged stores. The per-key state is
        // written after every event; cached, a key's several puts within a commit interval reach
        // RocksDB and the changelog once. The ring blocks are written once per B events and read
        // only at a re-warm: nothing to absorb, so no cache.
        StoreBuilder<KeyValueStore<Bytes, byte[]>> stateStore = Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(settings.stateStore()), Serdes.Bytes(), Serdes.ByteArray())
                .withCachingEnabled();
        StoreBuilder<KeyValueStore<Bytes, byte[]>> ringStore = Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(settings.ringStore()), Serdes.Bytes(), Serdes.ByteArray())
                .withCachingDisabled();
        t.addProcessor(GRU_PROCESSOR, new ProcessorSupplier<byte[], byte[], byte[], byte[]>() {
            @Override
            public Processor<byte[], byte[], byte[], byte[]> get() {
                return new GruProcessor(settings, registry);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(stateStore, ringStore);
            }
        }, EVENTS_SOURCE);

        // Step 3: the three outputs, bytes as the processor wrote them.
        t.addSink(FORECASTS_SINK, settings.forecastsTopic(), new ByteArraySerializer(), new ByteArraySerializer(),
                GRU_PROCESSOR);
        t.addSink(ALERTS_SINK, settings.alertsTopic(), new ByteArraySerializer(), new ByteArraySerializer(),
                GRU_PROCESSOR);
        t.addSink(DEAD_LETTERS_SINK, settings.deadLettersTopic(), new ByteArraySerializer(),
                new ByteArraySerializer(), GRU_PROCESSOR);

        // Step 4: models, into a global store every instance holds whole. Its topic is its
        // changelog (logging must be off), and restore re-runs the processor over it.
        t.addGlobalStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(settings.modelStore()),
                        Serdes.String(), Serdes.ByteArray()).withLoggingDisabled(),
                MODELS_SOURCE, new StringDeserializer(), new ByteArrayDeserializer(), settings.modelsTopic(),
                MODELS_PROCESSOR, () -> new ModelStoreProcessor(settings.modelStore(), registry,
                        settings.modelMaxBytes()));
        return t;
    }
}
