package io.grustreams.engine;

import io.grustreams.anomaly.AnomalyState;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A read-only summary of one key's stored state, for queries from outside the topology (HTTP,
 * tools): counts, the hidden state's size and norm, the pending forecast, residual statistics and
 * the alert state. Decoded from the per-key state store's value with {@link #decode}; it never
 * writes the store. Immutable.
 */
public final class KeyStateView {

    private final long eventCount;
    private final long lastTimestamp;
    private final long modelVersion;
    private final double[] hidden;
    private final Map<String, Double> forecast;
    private final int ringSize;
    private final long residualCount;
    private final Map<String, Double> residualMean;
    private final Map<String, Double> residualStd;
    private final boolean alertOpen;
    private final int cooldownRemaining;

    private KeyStateView(KeyState s, List<String> features) {
        this.eventCount = s.eventCount;
        this.lastTimestamp = s.lastTimestamp;
        this.modelVersion = s.modelVersion;
        this.hidden = Arrays.copyOf(s.hidden, s.hiddenSize);
        this.forecast = s.hasForecast ? byFeature(features, s.forecast) : Map.of();
        this.ringSize = s.ringSize();
        AnomalyState a = s.anomaly;
        this.residualCount = a == null ? 0L : a.residualCount();
        double[] mean = new double[features.size()];
        double[] std = new double[features.size()];
        if (a != null) {
            for (int f = 0; f < mean.length; f++) {
                mean[f] = a.residualMean(f);
                std[f] = a.residualStd(f);
            }
        }
        this.residualMean = a == null ? Map.of() : byFeature(features, mean);
        this.residualStd = a == null ? Map.of() : byFeature(features, std);
        this.alertOpen = a != null && a.alertOpen();
        this.cooldownRemaining = a == null ? 0 : a.cooldownRemaining();
    }

    private static Map<String, Double> byFeature(List<String> features, double[] values) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < features.size(); i++) {
            m.put(features.get(i), values[i]);
        }
        return Collections.unmodifiableMap(m);
    }

    /**
     * Decodes a value of the per-key state store of a stream with this configuration.
     *
     * @param bytes not modified
     * @throws StateFormatException naming the field that cannot be read
     */
    public static KeyStateView decode(EngineConfig config, byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        KeyState s = new KeyState(config.features().size(), config.ringSize());
        new KeyStateCodec(config).decode(bytes, s);
        return new KeyStateView(s, config.features());
    }

    /** Good events seen for the key. */
    public long eventCount() {
        return eventCount;
    }

    /** Event time of the last good event, epoch ms; 0 before the first. */
    public long lastTimestamp() {
        return lastTimestamp;
    }

    /** Version of the model that built the hidden state; -1 while no model has. */
    public long modelVersion() {
        return modelVersion;
    }

    /** The recurrent state's length (every layer's h, and c for an LSTM); 0 while no model has built one. */
    public int hiddenSize() {
        return hidden.length;
    }

    /** Euclidean norm of h_t; 0 for no hidden state. */
    public double hiddenNorm() {
        double sum = 0.0;
        for (double v : hidden) {
            sum += v * v;
        }
        return Math.sqrt(sum);
    }

    /** h_t, a copy. */
    public double[] hidden() {
        return hidden.clone();
    }

    /** The pending forecast of the key's next event by feature, original units; empty when none. */
    public Map<String, Double> forecast() {
        return forecast;
    }

    /** Events held in the ring buffer for re-warming. */
    public int ringSize() {
        return ringSize;
    }

    /** Residuals folded into the running statistics. */
    public long residualCount() {
        return residualCount;
    }

    /** Running residual mean by feature; empty before the key's first scored forecast. */
    public Map<String, Double> residualMean() {
        return residualMean;
    }

    /** Running residual standard deviation by feature; empty before the key's first scored forecast. */
    public Map<String, Double> residualStd() {
        return residualStd;
    }

    /** Whether an alert is open for the key. */
    public boolean alertOpen() {
        return alertOpen;
    }

    /** Scored events left before a new alert may open. */
    public int cooldownRemaining() {
        return cooldownRemaining;
    }
}
