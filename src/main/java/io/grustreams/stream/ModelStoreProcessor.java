package io.grustreams.stream;

import io.grustreams.model.GruModel;
import io.grustreams.model.codec.ModelCodec;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the global model store and the {@link ModelRegistry} in step with the models topic.
 * A valid, servable model record is stored under its record key and registered; a tombstone
 * removes the key's model; anything else is rejected with a logged reason and a count in
 * {@link StreamMetrics#MODELS_REJECTED}, and the store and registry stay as they were.
 *
 * <p>A hostile record costs no more than its bytes: one larger than {@code gru.model.max.bytes} is
 * rejected unread, and {@link ModelCodec#fromJson} refuses nesting, strings and numbers beyond its
 * limits while parsing and sizes whose parameters the record could not hold before it allocates
 * them (nesting is bounded, so no record can overflow the stack of the recursive parts of the
 * reading). Whatever runtime exception the codec throws rejects the record rather than stopping the
 * global thread, which would stop the whole instance.
 *
 * <p>The registry keeps only the newest {@code gru.model.keep} models; the store keeps every
 * record. When a tombstone removes a kept model, the store is scanned to re-offer the models the
 * registry had dropped, so the registry holds what a fresh start from the same topic would.
 *
 * <p>Restarts: the topology adds the store with {@code Topology.addGlobalStore}, which in Kafka
 * 4.3 restores by re-running this processor over the topic ({@code reprocessOnRestore}), so every
 * record read at startup is validated like a live one. {@link #init} also registers what the
 * local store already holds, for the records below a restored checkpoint that are not replayed.
 */
final class ModelStoreProcessor implements Processor<String, byte[], Void, Void> {

    private static final Logger LOG = LoggerFactory.getLogger(ModelStoreProcessor.class);
    /** Longest reason or key logged and kept for a rejected record. */
    static final int MAX_REASON_CHARS = 1000;

    private final String storeName;
    private final ModelRegistry registry;
    private final int maxBytes;
    private ProcessorContext<Void, Void> context;
    private KeyValueStore<String, byte[]> store;
    private StreamMetrics metrics;

    /** @param maxBytes {@code gru.model.max.bytes}: larger records are rejected unread */
    ModelStoreProcessor(String storeName, ModelRegistry registry, int maxBytes) {
        this.storeName = storeName;
        this.registry = registry;
        this.maxBytes = maxBytes;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
        this.metrics = new StreamMetrics(context.metrics());
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                var kv = it.next();
                // A stored model can only fail here if the settings changed since it was stored
                // (gru.features, gru.model.name); it stays stored, so changing them back restores it.
                parse(kv.key, kv.value).ifPresent(m -> registry.offer(kv.key, m));
            }
        }
        publishGauges();
    }

    @Override
    public void process(Record<String, byte[]> record) {
        String key = record.key();
        if (key == null) {
            reject(ModelRejection.NO_KEY, null, "the record has no key (publish each model under its key name@version)");
            return;
        }
        if (record.value() == null) {
            store.delete(key);
            if (registry.remove(key)) {
                LOG.info("model under key '{}' removed by a tombstone", key);
                refill();
            }
            publishGauges();
            return;
        }
        Optional<GruModel> model = parse(key, record.value());
        if (model.isEmpty()) {
            return;
        }
        store.put(key, record.value());
        registry.offer(key, model.get());
        metrics.modelAccepted();
        LOG.info("model {} v{} effective from {} accepted under key '{}' (parameters {}){}", model.get().name(),
                model.get().version(), model.get().effectiveFrom(), key, ModelCodec.checksum(model.get().parameters()),
                registry.holds(key) ? "" : "; older than the " + registry.models().size()
                        + " models kept (gru.model.keep), so not kept");
        publishGauges();
    }

    /** Re-offers the stored models the registry does not hold (dropped to respect gru.model.keep). */
    private void refill() {
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                var kv = it.next();
                if (!registry.holds(kv.key)) {
                    parse(kv.key, kv.value).ifPresent(m -> registry.offer(kv.key, m));
                }
            }
        }
    }

    /** The model in {@code value} if it is valid and servable, else empty after rejecting it. */
    private Optional<GruModel> parse(String key, byte[] value) {
        if (value.length > maxBytes) {
            reject(ModelRejection.TOO_LARGE, key, "the record has " + value.length + " bytes, more than " + StreamSettings.MODEL_MAX_BYTES + "="
                    + maxBytes + "; not read");
            return Optional.empty();
        }
        GruModel model;
        try {
            model = ModelCodec.fromJson(value);
        } catch (RuntimeException e) {
            // ModelFormatException names the field; anything else is still a bad record, never a crash.
            reject(ModelRejection.INVALID, key, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            return Optional.empty();
        }
        Optional<String> why = registry.rejection(key, model);
        if (why.isPresent()) {
            reject(ModelRejection.NOT_SERVABLE, key, why.get());
            return Optional.empty();
        }
        return Optional.of(model);
    }

    private void reject(ModelRejection kind, String key, String reason) {
        RecordMetadata meta = context.recordMetadata().orElse(null);
        GruModel current = registry.newest();
        // A message may quote what the record holds (a value, a field name): a hostile record must not
        // make a log line or the registry's note of it as large as itself.
        String shown = clip(reason);
        String shownKey = key == null ? null : clip(key);
        LOG.warn("model record rejected (key '{}', {}): {}; still serving {}", shownKey,
                meta == null ? "local store" : meta.topic() + "-" + meta.partition() + "@" + meta.offset(), shown,
                current == null ? "no model" : current.name() + " v" + current.version());
        registry.rejected(new ModelRegistry.Rejection(shownKey, shown, Instant.ofEpochMilli(context.currentSystemTimeMs())));
        metrics.modelRejected(kind);
    }

    private static String clip(String s) {
        return s.length() <= MAX_REASON_CHARS ? s : s.substring(0, MAX_REASON_CHARS) + "... (" + s.length() + " characters)";
    }

    private void publishGauges() {
        GruModel newest = registry.newest();
        metrics.registry(newest == null ? -1L : newest.version(), registry.models().size());
    }
}
