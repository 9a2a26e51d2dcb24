package io.grustreams.engine;

import io.grustreams.anomaly.AnomalyState;
import io.grustreams.model.Cell;
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
    /** W: events kept to re-warm the key, the last ones. */
    final int ringCapacity;

    long eventCount;
    /** Event time of the last good event, epoch ms. */
    long lastTimestamp;
    /** Version of the model that built {@link #hidden}, or {@link #NO_MODEL}. */
    long modelVersion = NO_MODEL;
    /**
     * The cell and layer count of the model that built {@link #hidden} (null and 0 without one): a
     * model of the same version but another architecture re-warms the key rather than read a state
     * laid out for another network.
     */
    Cell cell;
    int layers;
    /**
     * The model's recurrent state size ({@code GruLayout.stateSize()}: every layer's h, and c for an
     * LSTM); 0 without one.
     */
    int hiddenSize;
    /** The recurrent state after the last event, of length {@link #hiddenSize}. */
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
     * The ring: the key's last events, kept to re-warm it under a new model. Sealed blocks of B
     * events live in a store of their own (RingBlocks: a changelogged state store in the stream),
     * written once when full and read only at a re-warm; the events since the last seal, the open
     * block, live here. Each block starts with the key's scale before its first event, so a
     * re-warm recomputes every event's s_t exactly by folding the events in again.
     */
    /** B, events per sealed block. */
    final int blockCapacity;
    /** Index of the block the open events will be sealed as. */
    long nextBlock;
    /** Lowest block index that may still be stored; those below were deleted. */
    long oldestBlock;
    /** The key's scale before the first open event. */
    final KeyScale openScale;
    int openSize;
    /** Times and raw values of the open events, oldest first; longer than B only after a legacy ring was read. */
    long[] openTimestamps;
    double[] openValues;

    /**
     * @param features D
     * @param ringCapacity W, the events a re-warm replays
     */
    public KeyState(int features, int ringCapacity) {
        if (features <= 0 || ringCapacity <= 0) {
            throw new IllegalArgumentException("features " + features + " and ringCapacity " + ringCapacity
                    + " must be positive");
        }
        this.features = features;
        this.ringCapacity = ringCapacity;
        this.forecast = new double[features];
        this.scale = new KeyScale(features);
        this.blockCapacity = blockCapacity(features);
        this.openScale = new KeyScale(features);
        this.openTimestamps = new long[blockCapacity];
        this.openValues = new double[blockCapacity * features];
    }

    /**
     * B for D features: as many events as fit in 256 bytes of entries (8 + 8D each), at least one.
     * Small enough that the open block, rewritten with every event, stays a few hundred bytes;
     * large enough that a sealed block's write and its delete are rare (once per B events).
     */
    public static int blockCapacity(int features) {
        return Math.max(1, 256 / (8 + 8 * features));
    }

    /** R: sealed blocks kept, the fewest whose B events each cover W whatever the open block holds. */
    int blocksKept() {
        return (ringCapacity + blockCapacity - 1) / blockCapacity;
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

    /** Events a re-warm would replay: at most W, the open ones and those of the sealed blocks kept. */
    public int ringSize() {
        long stored = (nextBlock - oldestBlock) * blockCapacity + openSize;
        return (int) Math.min(ringCapacity, stored);
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
        clearRing();
    }

    /** Forgets the hidden state and the pending forecast (the ring and counts stay). */
    void clearModelState() {
        modelVersion = NO_MODEL;
        cell = null;
        layers = 0;
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

    /** No events in the ring, no blocks. */
    void clearRing() {
        nextBlock = 0;
        oldestBlock = 0;
        openScale.clear();
        openSize = 0;
    }

    /**
     * Appends an event to the open block (the caller seals it when it holds B).
     *
     * @param raw {@code features} values. Not modified.
     */
    void pushOpen(long timestamp, double[] raw) {
        if (openSize == openTimestamps.length) {
            openTimestamps = Arrays.copyOf(openTimestamps, 2 * openSize);
            openValues = Arrays.copyOf(openValues, 2 * openSize * features);
        }
        openTimestamps[openSize] = timestamp;
        System.arraycopy(raw, 0, openValues, openSize * features, features);
        openSize++;
    }
}
