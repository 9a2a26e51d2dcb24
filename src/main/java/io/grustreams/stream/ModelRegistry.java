package io.grustreams.stream;

import io.grustreams.model.GruModel;
import io.grustreams.model.InputSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
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
 * model it carried. Publishers key each record {@link #recordKey name@version}, so that compaction
 * keeps every version; a key of that form must match the model it carries. A model is servable when
 * its feature names are the stream's {@code gru.features} (in any order), if {@code gru.model.name}
 * is set its name is that one, it reads the inputs the stream computes ({@code gru.inputs.*}: scaling
 * and its half-life, time inputs and zone; a model of format 1 or 2, which predates these settings,
 * needs none of them and is served as it always was), and a direct readout forecasts at least
 * {@code gru.forecast.horizon} events ahead. A mismatch is a rejected model, never a silent change.
 *
 * <p><b>Selection</b> ({@link #select(long)}): the newest kept model (highest version; among equal
 * versions the one registered last) whose {@link GruModel#effectiveFrom()} is at or before the event
 * time; an event older than every kept model's {@code effectiveFrom} gets the kept model with the
 * earliest one. So which model processes an event depends only on the event and the model records,
 * not on when they were read, as long as a record is read before the stream reaches its
 * {@code effectiveFrom}.
 *
 * <p><b>Retention</b>: the registry keeps the {@code keep} newest models ({@code gru.model.keep});
 * an older one is dropped when a newer arrives. Only events older than every kept model's
 * {@code effectiveFrom} notice: they get the oldest kept model.
 *
 * <p><b>Rejections</b>: the model processor also notes here each record it refused and why
 * ({@link #rejections()}, the last {@value #REJECTIONS_KEPT}), so the HTTP API can show them next to
 * the models in use.
 */
public final class ModelRegistry {

    /** Separates name and version in a model record's key, as in {@code boiler@3}. */
    public static final char KEY_SEPARATOR = '@';
    /** Rejected records {@link #rejections()} remembers. */
    public static final int REJECTIONS_KEPT = 8;

    /**
     * A model record that was refused.
     *
     * @param key its record key, or null when it had none
     * @param reason why, naming the field or the limit
     * @param at when this instance read it
     */
    public record Rejection(String key, String reason, Instant at) {
    }

    private record Entry(String key, GruModel model, long sequence) {
    }

    /**
     * @param byKey every kept model by record key
     * @param newestFirst the kept models, newest first
     * @param effective {@code newestFirst[i].effectiveFromMillis()}, for an allocation-free scan
     * @param earliest the kept model with the earliest effectiveFrom (the newest among equals)
     */
    private record Snapshot(Map<String, Entry> byKey, GruModel[] newestFirst, long[] effective, GruModel earliest) {
    }

    private static final Comparator<Entry> NEWEST = Comparator.comparingLong((Entry e) -> e.model().version())
            .thenComparingLong(Entry::sequence);

    private final List<String> features;
    private final Optional<String> modelName;
    private final int keep;
    private final InputSpec inputs;
    private volatile Snapshot snapshot = new Snapshot(Map.of(), new GruModel[0], new long[0], null);
    private volatile List<Rejection> rejections = List.of();
    private long sequence;

    /**
     * A registry that keeps the 4 newest models.
     *
     * @param features the stream's {@code gru.features}
     * @param modelName the stream's {@code gru.model.name}; empty to serve any name
     */
    public ModelRegistry(List<String> features, Optional<String> modelName) {
        this(features, modelName, 4);
    }

    /**
     * @param features the stream's {@code gru.features}
     * @param modelName the stream's {@code gru.model.name}; empty to serve any name
     * @param keep models kept, at least 1 ({@code gru.model.keep})
     */
    public ModelRegistry(List<String> features, Optional<String> modelName, int keep) {
        this(features, modelName, keep, StreamSettings.defaults().inputs());
    }

    /**
     * @param features the stream's {@code gru.features}
     * @param modelName the stream's {@code gru.model.name}; empty to serve any name
     * @param keep models kept, at least 1 ({@code gru.model.keep})
     * @param inputs the inputs the stream computes and, as its horizon, the forecasts it writes per event
     */
    public ModelRegistry(List<String> features, Optional<String> modelName, int keep, InputSpec inputs) {
        this.inputs = Objects.requireNonNull(inputs, "inputs");
        this.features = List.copyOf(features);
        this.modelName = Objects.requireNonNull(modelName, "modelName");
        if (keep < 1) {
            throw new IllegalArgumentException("keep must be at least 1: " + keep);
        }
        this.keep = keep;
    }

    /** The registry for a stream's settings. */
    public static ModelRegistry forSettings(StreamSettings settings) {
        return new ModelRegistry(settings.features(), settings.modelName(), settings.modelKeep(), settings.inputs());
    }

    /** The record key a model is published under on the models topic: {@code name@version}. */
    public static String recordKey(GruModel model) {
        return model.name() + KEY_SEPARATOR + model.version();
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
        List<String> mismatch = model.inputs().isLegacy() ? List.of() : inputs.inputMismatches(model.inputs());
        if (!mismatch.isEmpty()) {
            return Optional.of("model inputs are not what the stream's gru.inputs.* compute: "
                    + String.join(", ", mismatch));
        }
        if (model.inputs().readout() == InputSpec.Readout.DIRECT && model.inputs().horizon() < inputs.horizon()) {
            return Optional.of("model forecasts " + model.inputs().horizon() + " events ahead, "
                    + StreamSettings.FORECAST_HORIZON + " is " + inputs.horizon());
        }
        return Optional.empty();
    }

    /**
     * Why a record under {@code recordKey} carrying {@code model} cannot be served, or empty if it
     * can: {@link #rejection(GruModel)}, or a key of the form {@code name@version} naming another
     * model (a copy under the wrong key would shadow or be shadowed by the real one).
     */
    public Optional<String> rejection(String recordKey, GruModel model) {
        if (recordKey.indexOf(KEY_SEPARATOR) >= 0 && !recordKey.equals(recordKey(model))) {
            return Optional.of("record key '" + recordKey + "' does not match the model it carries, '"
                    + recordKey(model) + "'");
        }
        return rejection(model);
    }

    /**
     * Registers a model under its record key, replacing what the key held. If more than
     * {@code keep} models are then held, the oldest are dropped (possibly this one).
     *
     * @return empty if registered, else why it was not (the registry is then unchanged)
     */
    public synchronized Optional<String> offer(String recordKey, GruModel model) {
        Objects.requireNonNull(recordKey, "recordKey");
        Optional<String> why = rejection(recordKey, model);
        if (why.isPresent()) {
            return why;
        }
        Map<String, Entry> next = new LinkedHashMap<>(snapshot.byKey());
        next.put(recordKey, new Entry(recordKey, model, sequence++));
        if (next.size() > keep) {
            List<Entry> oldestFirst = new ArrayList<>(next.values());
            oldestFirst.sort(NEWEST);
            for (int i = 0; i < oldestFirst.size() - keep; i++) {
                next.remove(oldestFirst.get(i).key());
            }
        }
        publish(next);
        return Optional.empty();
    }

    /**
     * Removes the model held under a record key (a tombstone on the models topic). A model dropped
     * earlier to respect {@code keep} does not come back by itself; the caller re-offers it.
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

    /** Whether a model is held under this record key. */
    public boolean holds(String recordKey) {
        return snapshot.byKey().containsKey(recordKey);
    }

    private void publish(Map<String, Entry> byKey) {
        List<Entry> entries = new ArrayList<>(byKey.values());
        entries.sort(NEWEST.reversed());
        GruModel[] newestFirst = new GruModel[entries.size()];
        long[] effective = new long[entries.size()];
        GruModel earliest = null;
        for (int i = 0; i < newestFirst.length; i++) {
            newestFirst[i] = entries.get(i).model();
            effective[i] = newestFirst[i].effectiveFromMillis();
            // Strictly earlier: among equal effective times the newest (met first) stays.
            if (earliest == null || effective[i] < earliest.effectiveFromMillis()) {
                earliest = newestFirst[i];
            }
        }
        snapshot = new Snapshot(Map.copyOf(byKey), newestFirst, effective, earliest);
    }

    /**
     * The model that processes an event with this event time (epoch ms), or null while none is
     * servable: see the class comment. Lock-free; allocates nothing.
     */
    public GruModel select(long eventTime) {
        Snapshot s = snapshot;
        long[] effective = s.effective();
        for (int i = 0; i < effective.length; i++) {
            if (effective[i] <= eventTime) {
                return s.newestFirst()[i];
            }
        }
        return s.earliest();
    }

    /** The newest kept model (highest version) whatever its effective time, or null. */
    public GruModel newest() {
        GruModel[] m = snapshot.newestFirst();
        return m.length == 0 ? null : m[0];
    }

    /** Notes a refused model record; the oldest of more than {@value #REJECTIONS_KEPT} is forgotten. */
    synchronized void rejected(Rejection r) {
        List<Rejection> next = new ArrayList<>(REJECTIONS_KEPT);
        next.add(Objects.requireNonNull(r, "rejection"));
        for (int i = 0; i < rejections.size() && next.size() < REJECTIONS_KEPT; i++) {
            next.add(rejections.get(i));
        }
        rejections = List.copyOf(next);
    }

    /** The last refused model records, newest first; at most {@value #REJECTIONS_KEPT}. */
    public List<Rejection> rejections() {
        return rejections;
    }

    /** Every kept model, oldest first (by version, then registration). */
    public List<GruModel> models() {
        List<GruModel> out = new ArrayList<>(List.of(snapshot.newestFirst()));
        Collections.reverse(out);
        return out;
    }
}
