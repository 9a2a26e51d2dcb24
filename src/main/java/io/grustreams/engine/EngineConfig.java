package io.grustreams.engine;

import io.grustreams.anomaly.AnomalyConfig;
import io.grustreams.anomaly.FeatureRange;
import io.grustreams.model.InputSpec;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What the per-key engine computes for every key, the same in the stream, the backtest and NAB.
 *
 * @param features the stream's feature names, in event order ({@code gru.features})
 * @param ringSize W, the events kept per key to re-warm it under a new model ({@code gru.ring.size})
 * @param inputs the inputs the stream computes (scaling, scale half-life, time inputs, zone) and, as
 *     its horizon, the forecasts it writes per event ({@code gru.inputs.*}, {@code gru.forecast.horizon});
 *     a model must read the same inputs (models of format 1 and 2, which predate these settings, are
 *     served as they always were)
 * @param anomaly the detector's configuration
 * @param ranges the declared range of some features, by feature name ({@code gru.feature.<name>.min}
 *     and {@code .max}); the detector judges those features against it from a key's first event
 */
public record EngineConfig(List<String> features, int ringSize, InputSpec inputs, AnomalyConfig anomaly,
        Map<String, FeatureRange> ranges) {

    /** No declared ranges. */
    public EngineConfig(List<String> features, int ringSize, InputSpec inputs, AnomalyConfig anomaly) {
        this(features, ringSize, inputs, anomaly, Map.of());
    }

    /** @throws IllegalArgumentException on repeated features, a ring below 1 or a range of an unknown feature */
    public EngineConfig {
        features = List.copyOf(features);
        if (features.isEmpty() || new HashSet<>(features).size() != features.size()) {
            throw new IllegalArgumentException("features must name distinct features: " + features);
        }
        if (ringSize < 1) {
            throw new IllegalArgumentException("ringSize must be positive: " + ringSize);
        }
        Objects.requireNonNull(inputs, "inputs");
        Objects.requireNonNull(anomaly, "anomaly");
        ranges = Map.copyOf(ranges);
        for (String name : ranges.keySet()) {
            if (!features.contains(name)) {
                throw new IllegalArgumentException("range declared for '" + name + "', not a feature of " + features);
            }
        }
    }

    /** The declared ranges by feature index, for the detector. */
    public Map<Integer, FeatureRange> rangesByIndex() {
        Map<Integer, FeatureRange> byIndex = new HashMap<>();
        ranges.forEach((name, range) -> byIndex.put(features.indexOf(name), range));
        return byIndex;
    }

    /** N: forecasts per event. */
    public int horizon() {
        return inputs.horizon();
    }

    /** The half-life of every key's scale, in events (kept by the stream whatever the scaling; 1 for global). */
    public double scaleHalfLife() {
        return inputs.keyScaleHalfLife();
    }

    /** The same with another horizon. */
    public EngineConfig withHorizon(int n) {
        return new EngineConfig(features, ringSize, inputs.withHorizon(n, InputSpec.Readout.DIRECT), anomaly, ranges);
    }

    /** The same with other inputs (and their horizon). */
    public EngineConfig withInputs(InputSpec other) {
        return new EngineConfig(features, ringSize, other, anomaly, ranges);
    }

    /** The same with another detector configuration. */
    public EngineConfig withAnomaly(AnomalyConfig other) {
        return new EngineConfig(features, ringSize, inputs, other, ranges);
    }

    /** The same with another ring size. */
    public EngineConfig withRingSize(int w) {
        return new EngineConfig(features, w, inputs, anomaly, ranges);
    }

    /** The same with these declared ranges instead (none: empty). */
    public EngineConfig withRanges(Map<String, FeatureRange> declared) {
        return new EngineConfig(features, ringSize, inputs, anomaly, new TreeMap<>(declared));
    }
}
