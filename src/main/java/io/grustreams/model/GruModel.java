package io.grustreams.model;

import java.time.Instant;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A trained GRU forecaster as it is published and served: identity (name, version), the
 * features it reads, how events become its inputs ({@link InputSpec}, with the normalization of
 * global scaling), the parameters, and where it came from. Immutable; it only describes the
 * model. Running it on a key's events is done by {@link Forecaster}.
 *
 * <p>The network reads {@code inputs().networkInputs(D)} values per event and its readout writes
 * {@code inputs().networkOutputs(D)}: a forecast of every feature for each horizon it makes.
 */
public final class GruModel {

    private final String name;
    private final long version;
    private final Instant createdAt;
    private final Instant effectiveFrom;
    private final long effectiveFromMillis;
    private final List<String> featureNames;
    private final Normalization normalization;
    private final InputSpec inputs;
    private final Parameters parameters;
    private final Map<String, Object> provenance;

    /**
     * A model effective from {@link Instant#EPOCH}, i.e. for every event; set the event time it
     * takes over from with {@link #withEffectiveFrom}.
     *
     * @param provenance free-form JSON-like map (String, Number, Boolean, List, Map values); copied
     * @throws IllegalArgumentException naming the field that is inconsistent
     */
    public GruModel(String name, long version, Instant createdAt, List<String> featureNames,
            Normalization normalization, Parameters parameters, Map<String, Object> provenance) {
        this(name, version, createdAt, Instant.EPOCH, featureNames, normalization, parameters, provenance);
    }

    /**
     * @param effectiveFrom the event time from which the stream processes events with this model
     *     (see {@link #effectiveFrom()}); not before {@link Instant#EPOCH}
     * @param provenance free-form JSON-like map (String, Number, Boolean, List, Map values); copied
     * @throws IllegalArgumentException naming the field that is inconsistent
     */
    public GruModel(String name, long version, Instant createdAt, Instant effectiveFrom, List<String> featureNames,
            Normalization normalization, Parameters parameters, Map<String, Object> provenance) {
        this(name, version, createdAt, effectiveFrom, featureNames, normalization, InputSpec.legacy(), parameters,
                provenance);
    }

    /**
     * @param inputs how events become the network's inputs and its readout forecasts
     * @param normalization used by global scaling; identity ({@link Normalization#identity}) with per-key scaling
     * @throws IllegalArgumentException naming the field that is inconsistent
     */
    public GruModel(String name, long version, Instant createdAt, Instant effectiveFrom, List<String> featureNames,
            Normalization normalization, InputSpec inputs, Parameters parameters, Map<String, Object> provenance) {
        this.name = Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        if (version < 0) {
            throw new IllegalArgumentException("version must not be negative: " + version);
        }
        this.version = version;
        this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
        this.effectiveFrom = Objects.requireNonNull(effectiveFrom, "effectiveFrom");
        if (effectiveFrom.isBefore(Instant.EPOCH)) {
            // Event times are non-negative epoch milliseconds; an earlier instant could never be compared.
            throw new IllegalArgumentException("effectiveFrom must not be before the epoch: " + effectiveFrom);
        }
        try {
            // Sub-millisecond digits are cut, as the stream cuts them from event timestamps.
            this.effectiveFromMillis = effectiveFrom.toEpochMilli();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("effectiveFrom is beyond epoch milliseconds: " + effectiveFrom, e);
        }
        this.featureNames = List.copyOf(Objects.requireNonNull(featureNames, "featureNames"));
        this.normalization = Objects.requireNonNull(normalization, "normalization");
        this.inputs = Objects.requireNonNull(inputs, "inputs");
        this.parameters = Objects.requireNonNull(parameters, "parameters");
        GruLayout layout = parameters.layout();
        int d = this.featureNames.size();
        if (d == 0) {
            throw new IllegalArgumentException("featureNames must name at least one feature");
        }
        if (new HashSet<>(this.featureNames).size() != d) {
            throw new IllegalArgumentException("featureNames has duplicates: " + this.featureNames);
        }
        if (layout.inputSize() != inputs.networkInputs(d)) {
            throw new IllegalArgumentException("inputSize is " + layout.inputSize() + " but " + d + " features and "
                    + inputs + " make " + inputs.networkInputs(d) + " inputs");
        }
        if (layout.outputSize() != inputs.networkOutputs(d)) {
            throw new IllegalArgumentException("outputSize is " + layout.outputSize() + " but " + d + " features and "
                    + inputs + " make " + inputs.networkOutputs(d) + " outputs");
        }
        if (normalization.size() != d) {
            throw new IllegalArgumentException("normalization has " + normalization.size()
                    + " features but featureNames has " + d);
        }
        for (int i = 0; i < parameters.values().length; i++) {
            if (!Double.isFinite(parameters.values()[i])) {
                throw new IllegalArgumentException("parameters are not finite at index " + i);
            }
        }
        this.provenance = Collections.unmodifiableMap(new LinkedHashMap<>(
                Objects.requireNonNull(provenance, "provenance")));
    }

    public String name() {
        return name;
    }

    public long version() {
        return version;
    }

    public Instant createdAt() {
        return createdAt;
    }

    /**
     * The event time from which this model serves: the stream processes an event with the newest
     * model (highest version) whose {@code effectiveFrom} is at or before the event's timestamp, so
     * outputs depend on the events and the model records only, not on when an instance read the
     * record. {@link Instant#EPOCH} (the default, and what a format-1 file reads as) means every event.
     */
    public Instant effectiveFrom() {
        return effectiveFrom;
    }

    /** {@link #effectiveFrom()} in epoch milliseconds, as event timestamps are compared. */
    public long effectiveFromMillis() {
        return effectiveFromMillis;
    }

    public List<String> featureNames() {
        return featureNames;
    }

    public Normalization normalization() {
        return normalization;
    }

    /** How events become this model's inputs and its readout forecasts. */
    public InputSpec inputs() {
        return inputs;
    }

    /** The parameters; their vector must not be modified. */
    public Parameters parameters() {
        return parameters;
    }

    public GruLayout layout() {
        return parameters.layout();
    }

    public Variant variant() {
        return parameters.layout().variant();
    }

    public Map<String, Object> provenance() {
        return provenance;
    }

    /** This model with another version (the trainer and the rollback command re-version models). */
    public GruModel withVersion(long newVersion) {
        return new GruModel(name, newVersion, createdAt, effectiveFrom, featureNames, normalization, inputs, parameters,
                provenance);
    }

    /**
     * This model effective from another event time: what a publisher sets, typically publish time
     * plus a lead so that every instance has read the record before the stream reaches it.
     */
    public GruModel withEffectiveFrom(Instant newEffectiveFrom) {
        return new GruModel(name, version, createdAt, newEffectiveFrom, featureNames, normalization, inputs, parameters,
                provenance);
    }

    /** This model with another provenance (the rollback command notes what it re-published). */
    public GruModel withProvenance(Map<String, Object> newProvenance) {
        return new GruModel(name, version, createdAt, effectiveFrom, featureNames, normalization, inputs, parameters,
                newProvenance);
    }

    /** Total parameter count, cell and readout. */
    public int parameterCount() {
        return parameters.layout().size();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GruModel m && m.name.equals(name) && m.version == version
                && m.createdAt.equals(createdAt) && m.effectiveFrom.equals(effectiveFrom)
                && m.featureNames.equals(featureNames)
                && m.normalization.equals(normalization) && m.inputs.equals(inputs) && m.parameters.equals(parameters)
                && m.provenance.equals(provenance);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, version, createdAt, effectiveFrom, featureNames, normalization, inputs, parameters,
                provenance);
    }

    @Override
    public String toString() {
        return "GruModel[" + name + " v" + version + ", effective from " + effectiveFrom + ", " + parameters.layout()
                + ", features " + featureNames + ", " + inputs + "]";
    }
}
