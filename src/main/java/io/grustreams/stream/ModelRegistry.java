package io.grustreams.stream;

import io.grustreams.model.GruModel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The models this stream can serve, as read from the models topic, and the choice of the model
 * that processes an event. Filled by the global model processor (one writer thread), read by every
 * stream thread: reads are lock-free on an immutable snapshot, writes are serialized.
 *
 * <p>Models are held by their record key on the models topic, so a tombstone for a key removes the
 * model it carried. A model is servable when its feature names are the stream's {@code gru.features}
 * (in any order) and, if {@code gru.model.name} is set, its name is that one.
 *
 * <p>Selection today: the newest servable model, by highest version and, among equal versions, the
 * one registered last. {@link #select(long)} takes the event time so that per-version
 * {@code effectiveFrom} selection can be added without changing callers.
 */
public final class ModelRegistry {

    private record Entry(GruModel model, long sequence) {
    }

    private record Snapshot(Map<String, Entry> byKey, GruModel newest) {
    }

    private static final Comparator<Entry> NEWEST = Comparator.comparingLong((Entry e) -> e.model().version())
            .thenComparingLong(Entry::sequence);

    private final List<String> features;
    private final Optional<String> modelName;
    private volatile Snapshot snapshot = new Snapshot(Map.of(), null);
    private long sequence;

    /**
     * @param features the stream's {@code gru.features}
     * @param modelName the stream's {@code gru.model.name}; empty to serve any name
     */
    public ModelRegistry(List<String> features, Optional<String> modelName) {
        this.features = List.copyOf(features);
        this.modelName = Objects.requireNonNull(modelName, "modelName");
    }

    /**
     * Why this stream cannot serve {@code model}, or empty if it can.
     *
     * @param model not modified
     */
    public Optional<String> rejection(GruModel model) {
        if (modelName.isPresent() && !modelName.get().equals(model.name())) {
            return Optional.of("model name '" + model.name() + "' is not " + StreamSettings.MODEL_NAME + " '"
                    + modelName.get() + "'");
        }
        if (!new HashSet<>(model.featureNames()).equals(new HashSet<>(features))
                || model.featureNames().size() != features.size()) {
            return Optional.of("model features " + model.featureNames() + " are not the stream's "
                    + StreamSettings.FEATURES + " " + features);
        }
        return Optional.empty();
    }

    /**
     * Registers a model under its record key, replacing what the key held.
     *
     * @return empty if registered, else why it was not (the registry is then unchanged)
     */
    public synchronized Optional<String> offer(String recordKey, GruModel model) {
        Objects.requireNonNull(recordKey, "recordKey");
        Optional<String> why = rejection(model);
        if (why.isPresent()) {
            return why;
        }
        Map<String, Entry> next = new LinkedHashMap<>(snapshot.byKey());
        next.put(recordKey, new Entry(model, sequence++));
        publish(next);
        return Optional.empty();
    }

    /**
     * Removes the model held under a record key (a tombstone on the models topic).
     *
     * @return true if the key held a model
     */
    public synchronized boolean remove(String recordKey) {
        if (!snapshot.byKey().containsKey(recordKey)) {
            return false;
        }
        Map<String, Entry> next = new LinkedHashMap<>(snapshot.byKey());
        next.remove(recordKey);
        publish(next);
        return true;
    }

    private void publish(Map<String, Entry> byKey) {
        GruModel newest = byKey.values().stream().max(NEWEST).map(Entry::model).orElse(null);
        snapshot = new Snapshot(Map.copyOf(byKey), newest);
    }

    /**
     * The model that processes an event with this event time, or null while none is servable.
     * Lock-free; allocates nothing.
     */
    public GruModel select(long eventTime) {
        return snapshot.newest();
    }

    /** The newest servable model, or null. */
    public GruModel newest() {
        return snapshot.newest();
    }

    /** Every registered model, oldest first (by version, then registration). */
    public List<GruModel> models() {
        List<Entry> entries = new ArrayList<>(snapshot.byKey().values());
        entries.sort(NEWEST);
        return entries.stream().map(Entry::model).toList();
    }
}
