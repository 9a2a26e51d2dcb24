package io.grustreams.engine;

import io.grustreams.anomaly.AnomalyConfig;
import io.grustreams.anomaly.AnomalyState;
import io.grustreams.model.KeyScale;
import io.grustreams.model.codec.BigEndianDoubles;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

/**
 * The binary value of the per-key state store, format version {@value #FORMAT_VERSION}.
 * Big-endian, doubles as IEEE 754 bits:
 * <pre>
 *   int8     version         2
 *   int32    features        D, must equal the stream's gru.features count
 *   int64    eventCount      good events seen for this key, &gt;= 0
 *   int64    lastTimestamp   event time of the last one, epoch ms
 *   int64    modelVersion    version of the model that built hidden, -1 for none
 *   int32    hiddenSize      H, 0 iff modelVersion is -1
 *   f64[H]   hidden          h_t, finite
 *   int8     hasForecast     0 or 1 (1 needs a model)
 *   f64[D]   forecast        the pending forecast of the next event, original units; only if hasForecast
 *   int64    scaleCount      events folded into the key's scale (KeyScale), &gt;= 0
 *   f64[D]   scaleLast       the last value of each feature, finite
 *   f64[D]   scaleChange     the EW mean absolute change of each feature, finite, &gt;= 0
 *   int32    anomalyBytes    length of the anomaly state, 0 for none yet
 *   byte[]   anomaly         AnomalyState's own versioned, checksummed format
 *   int32    ringCapacity    W when written
 *   int32    ringSize        n, in [0, ringCapacity]
 *   n ×      (int64 timestamp, f64[D] raw values, finite, f64[D] scale s_t, finite, &gt; 0), oldest first
 * </pre>
 * and nothing after. The ring is written oldest first, so W can change between runs: a reader
 * with a smaller W keeps the newest events.
 *
 * <p>Version 1 (no scale, ring events of D raw values only) is still read: its ring events take
 * the last event's time, and the key's scale and each ring event's s_t are rebuilt by folding the
 * ring's values in, oldest first. What a version-1 state fed a model (raw values, a hidden state,
 * the pending forecast) is read unchanged, so a key served by a model without per-key scaling or
 * time inputs continues exactly; the next write is version 2.
 *
 * <p>Holds the configuration and two scratch rows; not thread-safe (one per processor).
 */
public final class KeyStateCodec {

    public static final byte FORMAT_VERSION = 2;

    private static final int MAX_HIDDEN = 1 << 16;

    private final AnomalyConfig anomalyConfig;
    /** α of the stream's per-key scale, to rebuild the scale of a version-1 state. */
    private final double scaleAlpha;
    /** Scratch rows of D values, grown on demand, so encoding and decoding allocate only the array written. */
    private double[] rowA = new double[0];
    private double[] rowB = new double[0];

    /**
     * @param scaleHalfLife the stream's per-key scale half-life in events ({@code gru.inputs.scale-half-life})
     */
    public KeyStateCodec(AnomalyConfig anomalyConfig, double scaleHalfLife) {
        this.anomalyConfig = anomalyConfig;
        this.scaleAlpha = KeyScale.alpha(scaleHalfLife);
    }

    /** Bytes {@link #encode} writes for {@code s}. */
    public int encodedSize(KeyState s) {
        int anomaly = s.anomaly == null ? 0 : s.anomaly.serializedSize();
        return 1 + 4 + 8 + 8 + 8 + 4 + 8 * s.hiddenSize + 1 + (s.hasForecast ? 8 * s.features : 0)
                + 8 + 16 * s.features + 4 + anomaly + 4 + 4 + s.ringSize() * (8 + 16 * s.features);
    }

    /** @return a new array (a state store keeps the array it is given) */
    public byte[] encode(KeyState s) {
        return encode(s, null);
    }

    /**
     * As {@link #encode(KeyState)}; the anomaly section copies its unchanged ring bytes from
     * {@code synced} where that gives the same result ({@link AnomalyState#writeTo(ByteBuffer, byte[])}).
     *
     * @param s not modified, except in what its anomaly state remembers of the array written
     * @param synced the array {@code s} was last decoded from or encoded to, or null. Not modified.
     * @return a new array
     */
    public byte[] encode(KeyState s, byte[] synced) {
        byte[] bytes = new byte[encodedSize(s)];
        ByteBuffer out = ByteBuffer.wrap(bytes);
        out.put(FORMAT_VERSION).putInt(s.features).putLong(s.eventCount).putLong(s.lastTimestamp)
                .putLong(s.modelVersion).putInt(s.hiddenSize);
        BigEndianDoubles.put(out, s.hidden, 0, s.hiddenSize);
        out.put(s.hasForecast ? (byte) 1 : (byte) 0);
        if (s.hasForecast) {
            BigEndianDoubles.put(out, s.forecast, 0, s.features);
        }
        out.putLong(s.scale.count());
        for (int j = 0; j < s.features; j++) {
            out.putDouble(s.scale.last(j));
        }
        for (int j = 0; j < s.features; j++) {
            out.putDouble(s.scale.meanChange(j));
        }
        if (s.anomaly == null) {
            out.putInt(0);
        } else {
            out.putInt(s.anomaly.serializedSize());
            s.anomaly.writeTo(out, synced);
        }
        out.putInt(s.ringCapacity).putInt(s.ringSize());
        double[] row = rows(s.features);
        for (int i = 0; i < s.ringSize(); i++) {
            out.putLong(s.ringTimestamp(i));
            s.ringValue(i, row);
            BigEndianDoubles.put(out, row, 0, s.features);
            s.ringScale(i, row);
            BigEndianDoubles.put(out, row, 0, s.features);
        }
        return bytes;
    }

    /**
     * Reads a stored state into {@code into}, replacing all it held. If the anomaly section alone
     * cannot be used (damaged, or written under other anomaly windows), it is dropped and the rest
     * kept: the detector re-learns, the hidden state survives.
     *
     * @param bytes not modified
     * @param into cleared, then filled. Modified.
     * @return true if everything was read, false if the anomaly section was dropped
     * @throws StateFormatException naming the field that is truncated, out of range, or not finite;
     *     {@link StateFormatException#isNewerFormat()} for an unknown version
     */
    public boolean decode(byte[] bytes, KeyState into) {
        into.clear();
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            byte version = in.get();
            if (version != FORMAT_VERSION && version != 1) {
                throw new StateFormatException("state version " + version + " is not supported (this build reads 1 to "
                        + FORMAT_VERSION + ")", version > FORMAT_VERSION);
            }
            int features = in.getInt();
            if (features != into.features) {
                throw bad("features", features + ", but the stream has " + into.features + " (gru.features changed)");
            }
            into.eventCount = in.getLong();
            if (into.eventCount < 0) {
                throw bad("eventCount", "negative: " + into.eventCount);
            }
            into.lastTimestamp = in.getLong();
            into.modelVersion = in.getLong();
            if (into.modelVersion < KeyState.NO_MODEL) {
                throw bad("modelVersion", "below -1: " + into.modelVersion);
            }
            int h = in.getInt();
            if (h < 0 || h > MAX_HIDDEN || (h == 0) != (into.modelVersion == KeyState.NO_MODEL)) {
                throw bad("hiddenSize", h + " with modelVersion " + into.modelVersion);
            }
            into.resetHidden(h);
            readFinite(in, into.hidden, h, "hidden");
            byte hasForecast = in.get();
            if (hasForecast != 0 && hasForecast != 1 || hasForecast == 1 && h == 0) {
                throw bad("hasForecast", hasForecast + " with hiddenSize " + h);
            }
            into.hasForecast = hasForecast == 1;
            if (into.hasForecast) {
                readFinite(in, into.forecast, into.features, "forecast");
            }
            if (version >= 2) {
                readScale(in, into);
            }
            boolean anomalyKept = readAnomaly(in, into);
            if (version >= 2) {
                readRing(in, into);
            } else {
                readRingV1(in, into);
            }
            if (in.hasRemaining()) {
                throw bad("ring", in.remaining() + " bytes after the end of the state");
            }
            return anomalyKept;
        } catch (BufferUnderflowException e) {
            throw bad("length", "the state ends early (" + bytes.length + " bytes)");
        }
    }

    private void readScale(ByteBuffer in, KeyState into) {
        int d = into.features;
        long count = in.getLong();
        double[] last = rows(d);
        double[] change = rowB;
        BigEndianDoubles.get(in, last, 0, d);
        BigEndianDoubles.get(in, change, 0, d);
        try {
            into.scale.restore(count, last, change);
        } catch (IllegalArgumentException e) {
            throw bad("scale", e.getMessage());
        }
    }

    private boolean readAnomaly(ByteBuffer in, KeyState into) {
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw bad("anomalyBytes", length + " with " + in.remaining() + " bytes left");
        }
        if (length == 0) {
            return true;
        }
        ByteBuffer section = in.slice(in.position(), length);
        in.position(in.position() + length);
        try {
            AnomalyState a = AnomalyState.readFrom(section, anomalyConfig, into.spareAnomaly);
            if (a.features() != into.features || section.hasRemaining()) {
                return false;
            }
            into.anomaly = a;
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private void readRing(ByteBuffer in, KeyState into) {
        int capacity = in.getInt();
        int n = in.getInt();
        int d = into.features;
        checkRing(capacity, n);
        if ((long) n * (8 + 16L * d) > in.remaining()) {
            throw bad("ring", n + " events of " + d + " features need more than the " + in.remaining()
                    + " bytes left");
        }
        // A smaller W now: skip the oldest events that no longer fit.
        int skip = Math.max(0, n - into.ringCapacity);
        in.position(in.position() + skip * (8 + 16 * d));
        double[] raw = rows(d);
        double[] scales = rowB;
        into.clearRing();
        for (int i = skip; i < n; i++) {
            long ts = in.getLong();
            readFinite(in, raw, d, "ring[" + i + "].values");
            readFinite(in, scales, d, "ring[" + i + "].scale");
            for (int j = 0; j < d; j++) {
                if (!(scales[j] > 0)) {
                    throw bad("ring[" + i + "].scale", "feature " + j + " is not positive: " + scales[j]);
                }
            }
            into.push(ts, raw, scales);
        }
    }

    /** Version 1: D raw values per event; times and scales rebuilt (see the class comment). */
    private void readRingV1(ByteBuffer in, KeyState into) {
        int capacity = in.getInt();
        int n = in.getInt();
        int d = into.features;
        checkRing(capacity, n);
        if ((long) n * d * 8 > in.remaining()) {
            throw bad("ring", n + " events of " + d + " features need more than the " + in.remaining()
                    + " bytes left");
        }
        int skip = Math.max(0, n - into.ringCapacity);
        in.position(in.position() + skip * d * 8);
        double[] raw = rows(d);
        into.clearRing();
        for (int i = skip; i < n; i++) {
            readFinite(in, raw, d, "ring[" + i + "]");
            into.scale.observe(raw, scaleAlpha);
            into.push(into.lastTimestamp, raw, into.scale.scales());
        }
    }

    /** The scratch rows, at least {@code d} long; returns the first. */
    private double[] rows(int d) {
        if (rowA.length < d) {
            rowA = new double[d];
            rowB = new double[d];
        }
        return rowA;
    }

    private static void checkRing(int capacity, int n) {
        if (capacity <= 0) {
            throw bad("ringCapacity", "not positive: " + capacity);
        }
        if (n < 0 || n > capacity) {
            throw bad("ringSize", n + " not in [0, ringCapacity=" + capacity + "]");
        }
    }

    private static void readFinite(ByteBuffer in, double[] out, int n, String field) {
        BigEndianDoubles.get(in, out, 0, n);
        int bad = BigEndianDoubles.firstNonFinite(out, 0, n);
        if (bad >= 0) {
            throw bad(field, "value " + bad + " is not finite: " + out[bad]);
        }
    }

    private static StateFormatException bad(String field, String detail) {
        return new StateFormatException("state field " + field + ": " + detail, false);
    }
}
