package io.grustreams.engine;

import io.grustreams.anomaly.AnomalyConfig;
import io.grustreams.model.InputSpec;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

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
 */
public record EngineConfig(List<String> features, int ringSize, InputSpec inputs, AnomalyConfig anomaly) {

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
        return new EngineConfig(features, ringSize, inputs.withHorizon(n, InputSpec.Readout.DIRECT), anomaly);
    }
}
