package io.grustreams.engine;

import io.grustreams.anomaly.AnomalyState;
import io.grustreams.model.KeyScale;
import java.util.Arrays;

/**
 * Everything the stream keeps for one key between events, as held in the per-key state store
 * (binary layout in {@link KeyStateCodec}). One instance is reused by a processor for every event:
 * decode into it, update, encode. Feature arrays are in {@code gru.features} order, raw units.
 * Public accessors serve queries and tests; the engine's classes change it.
 */
public final class KeyState {

    /** {@link #modelVersion} of a state no model has touched yet. */
    public static final long NO_MODEL = -1L;

    /** D: features per event. */
    final int features;
    /** W: capacity of the ring buffer, in events. */
    final int ringCapacity;

    long eventCount;
    /** Event time of the last good event, epoch ms. */
    long lastTimestamp;
    /** Version of the model that built {@link #hidden}, or {@link #NO_MODEL}. */
    long modelVersion = NO_MODEL;
    /** H of that model; 0 without one. */
    int hiddenSize;
    /** h_t, of length {@link #hiddenSize}. */
    double[] hidden = new double[0];
    /** Whether {@link #forecast} holds a forecast for the next event. */
    boolean hasForecast;
    /** The pending forecast y_t of x_{t+1}, original units. */
    final double[] forecast;
    /** Residual statistics and alert state; null until the key's first forecast is scored. */
    AnomalyState anomaly;
    /**
     * The last anomaly state {@link #clear} let go of, for {@link KeyStateCodec#decode} to read the
     * next key's into instead of allocating one per event; never read as state.
     */
    AnomalyState spareAnomaly;

    /** The key's running scale (per-key scaling), updated with every good event. */
    final KeyScale scale;

    /*
     * The last W events, oldest first from ringStart: per event its time, its raw values and the
     * scale s_t the stream computed for it (what a per-key model's inputs and forecasts used), so
     * that a re-warm replays exactly the inputs the key was served.
     */
    private final long[] ringTimestamps;
    private final double[] ringValues;
    private final double[] ringScales;
    private int ringStart;
    private int ringSize;

    public KeyState(int features, int ringCapacity) {
        if (features <= 0 || ringCapacity <= 0) {
            throw new IllegalArgumentException("features " + features + " and ringCapacity " + ringCapacity
                    + " must be positive");
        }
        this.features = features;
        this.ringCapacity = ringCapacity;
        this.forecast = new double[features];
        this.scale = new KeyScale(features);
        this.ringTimestamps = new long[ringCapacity];
        this.ringValues = new double[features * ringCapacity];
        this.ringScales = new double[features * ringCapacity];
    }

    /** Good events seen for this key. */
    public long eventCount() {
        return eventCount;
    }

    /** Version of the model that built the hidden state, or {@link #NO_MODEL}. */
    public long modelVersion() {
        return modelVersion;
    }

    /** A copy of the pending forecast, original units (zeros without one). */
    public double[] forecastCopy() {
        return forecast.clone();
    }

    /** A copy of h_t (empty without a model). */
    public double[] hiddenCopy() {
        return Arrays.copyOf(hidden, hiddenSize);
    }

    /** Back to the state of a key never seen. */
    public void clear() {
        if (anomaly != null) {
            spareAnomaly = anomaly;
        }
        anomaly = null;
        eventCount = 0L;
        lastTimestamp = 0L;
        clearModelState();
        scale.clear();
        ringStart = 0;
        ringSize = 0;
    }

    /** Forgets the hidden state and the pending forecast (the ring buffer and counts stay). */
    void clearModelState() {
        modelVersion = NO_MODEL;
        hiddenSize = 0;
        hasForecast = false;
        Arrays.fill(forecast, 0.0);
    }

    /** Makes {@code hidden} h zeros (allocates only when H differs from the last one). */
    void resetHidden(int h) {
        if (hidden.length != h) {
            hidden = new double[h];
        } else {
            Arrays.fill(hidden, 0.0);
        }
        hiddenSize = h;
    }

    /**
     * Appends one event, dropping the oldest when full.
     *
     * @param raw {@code features} values. Not modified.
     * @param scales s_t of each feature. Not modified.
     */
    void push(long timestamp, double[] raw, double[] scales) {
        int slot;
        if (ringSize < ringCapacity) {
            slot = (ringStart + ringSize) % ringCapacity;
            ringSize++;
        } else {
            slot = ringStart;
            ringStart = (ringStart + 1) % ringCapacity;
        }
        ringTimestamps[slot] = timestamp;
        System.arraycopy(raw, 0, ringValues, slot * features, features);
        System.arraycopy(scales, 0, ringScales, slot * features, features);
    }

    /** Empties the ring (the codec then refills it with {@link #push}). */
    void clearRing() {
        ringStart = 0;
        ringSize = 0;
    }

    /** Number of events in the ring buffer, at most {@link #ringCapacity}. */
    int ringSize() {
        return ringSize;
    }

    private int slot(int i) {
        if (i < 0 || i >= ringSize) {
            throw new IndexOutOfBoundsException("ring index " + i + " of " + ringSize);
        }
        return (ringStart + i) % ringCapacity;
    }

    /** Time of the {@code i}-th buffered event, 0 being the oldest. */
    long ringTimestamp(int i) {
        return ringTimestamps[slot(i)];
    }

    /**
     * Copies the raw values of the {@code i}-th buffered event, 0 being the oldest.
     *
     * @param out at least {@code features} long. Modified.
     */
    void ringValue(int i, double[] out) {
        System.arraycopy(ringValues, slot(i) * features, out, 0, features);
    }

    /** Value of feature {@code f} of the {@code i}-th buffered event, 0 being the oldest. */
    double ringValue(int i, int f) {
        return ringValues[slot(i) * features + f];
    }

    /**
     * Copies the scales s_t the stream used for the {@code i}-th buffered event.
     *
     * @param out at least {@code features} long. Modified.
     */
    void ringScale(int i, double[] out) {
        System.arraycopy(ringScales, slot(i) * features, out, 0, features);
    }
}
