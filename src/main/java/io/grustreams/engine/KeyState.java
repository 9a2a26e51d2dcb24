package io.grustreams.engine;

import io.grustreams.anomaly.AnomalyState;
import java.util.Arrays;

/**
 * Everything the stream keeps for one key between events, as held in the per-key state store
 * (binary layout in {@link KeyStateCodec}). One instance is reused by a processor for every event:
 * decode into it, update, encode. Feature arrays are in {@code gru.features} order, raw units.
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

    private final double[] ring;
    private int ringStart;
    private int ringSize;

    /*
     * What the codec last synchronized this state's ring with: the stored array it was decoded from
     * or encoded to, the byte offset of that array's first ring event, the events there, and the
     * events appended since. The codec uses them to copy the unchanged ring bytes from that array
     * instead of writing every double again (KeyStateCodec#encode(KeyState, byte[])).
     */
    private byte[] syncedArray;
    private int syncedRingOffset;
    private int syncedRingSize;
    private int appendsSinceSync;

    public KeyState(int features, int ringCapacity) {
        if (features <= 0 || ringCapacity <= 0) {
            throw new IllegalArgumentException("features " + features + " and ringCapacity " + ringCapacity
                    + " must be positive");
        }
        this.features = features;
        this.ringCapacity = ringCapacity;
        this.forecast = new double[features];
        this.ring = new double[features * ringCapacity];
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
        ringStart = 0;
        ringSize = 0;
        syncedArray = null;
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
     * Appends one event's raw values, dropping the oldest when full.
     *
     * @param raw {@code features} values. Not modified.
     */
    void push(double[] raw) {
        System.arraycopy(raw, 0, ring, appendSlot(), features);
    }

    /**
     * Makes room for one more event, dropping the oldest when full.
     *
     * @return the offset in {@link #ringArray()} where its {@code features} values go
     */
    int appendSlot() {
        appendsSinceSync++;
        int slot;
        if (ringSize < ringCapacity) {
            slot = (ringStart + ringSize) % ringCapacity;
            ringSize++;
        } else {
            slot = ringStart;
            ringStart = (ringStart + 1) % ringCapacity;
        }
        return slot * features;
    }

    /** The ring's backing array, for the codec to fill through {@link #appendSlot()}. */
    double[] ringArray() {
        return ring;
    }

    /** Slot of the oldest buffered event in {@link #ringArray()}, in events. */
    int ringStart() {
        return ringStart;
    }

    /**
     * Declares the first {@code n} slots of {@link #ringArray()}, already filled, the buffered
     * events, oldest first: the codec's bulk read.
     */
    void ringFilled(int n) {
        if (n < 0 || n > ringCapacity) {
            throw new IllegalArgumentException("ring fill " + n + " not in [0, " + ringCapacity + "]");
        }
        ringStart = 0;
        ringSize = n;
        syncedArray = null;
    }

    /** Records that the ring's events are at byte {@code offset} of {@code array}, which the codec just read or wrote. */
    void ringSynced(byte[] array, int offset) {
        syncedArray = array;
        syncedRingOffset = offset;
        syncedRingSize = ringSize;
        appendsSinceSync = 0;
    }

    /** Whether {@code array} is the one the ring was last synchronized with (by identity). */
    boolean ringSyncedWith(byte[] array) {
        return array != null && array == syncedArray;
    }

    /** Byte offset of the first ring event in the last synchronized array. */
    int syncedRingOffset() {
        return syncedRingOffset;
    }

    /** Events of the ring in the last synchronized array. */
    int syncedRingSize() {
        return syncedRingSize;
    }

    /** Events appended since the last synchronization. */
    int appendsSinceSync() {
        return appendsSinceSync;
    }

    /** Number of events in the ring buffer, at most {@link #ringCapacity}. */
    int ringSize() {
        return ringSize;
    }

    /**
     * Copies the {@code i}-th buffered event, 0 being the oldest.
     *
     * @param out at least {@code features} long. Modified.
     */
    void ringValue(int i, double[] out) {
        if (i < 0 || i >= ringSize) {
            throw new IndexOutOfBoundsException("ring index " + i + " of " + ringSize);
        }
        System.arraycopy(ring, ((ringStart + i) % ringCapacity) * features, out, 0, features);
    }

    /** Value of feature {@code f} of the {@code i}-th buffered event, 0 being the oldest. */
    double ringValue(int i, int f) {
        return ring[((ringStart + i) % ringCapacity) * features + f];
    }
}
