package io.grustreams.engine;

import io.grustreams.anomaly.AnomalyConfig;
import io.grustreams.anomaly.AnomalyState;
import io.grustreams.model.codec.BigEndianDoubles;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

/**
 * The binary value of the per-key state store, format version {@value #FORMAT_VERSION}.
 * Big-endian, doubles as IEEE 754 bits:
 * <pre>
 *   int8     version         1
 *   int32    features        D, must equal the stream's gru.features count
 *   int64    eventCount      good events seen for this key, &gt;= 0
 *   int64    lastTimestamp   event time of the last one, epoch ms
 *   int64    modelVersion    version of the model that built hidden, -1 for none
 *   int32    hiddenSize      H, 0 iff modelVersion is -1
 *   f64[H]   hidden          h_t, finite
 *   int8     hasForecast     0 or 1 (1 needs a model)
 *   f64[D]   forecast        the pending forecast of the next event, original units; only if hasForecast
 *   int32    anomalyBytes    length of the anomaly state, 0 for none yet
 *   byte[]   anomaly         AnomalyState's own versioned, checksummed format
 *   int32    ringCapacity    W when written
 *   int32    ringSize        n, in [0, ringCapacity]
 *   f64[n·D] ring            the last n raw events, oldest first, finite
 * </pre>
 * and nothing after. The ring is written oldest first, so W can change between runs: a reader
 * with a smaller W keeps the newest events.
 *
 * <p>Stateless apart from the configuration; thread-safe.
 */
public final class KeyStateCodec {

    public static final byte FORMAT_VERSION = 1;

    private static final int MAX_HIDDEN = 1 << 16;

    private final AnomalyConfig anomalyConfig;

    public KeyStateCodec(AnomalyConfig anomalyConfig) {
        this.anomalyConfig = anomalyConfig;
    }

    /** Bytes {@link #encode} writes for {@code s}. */
    public int encodedSize(KeyState s) {
        int anomaly = s.anomaly == null ? 0 : s.anomaly.serializedSize();
        return 1 + 4 + 8 + 8 + 8 + 4 + 8 * s.hiddenSize + 1 + (s.hasForecast ? 8 * s.features : 0)
                + 4 + anomaly + 4 + 4 + 8 * s.ringSize() * s.features;
    }

    /**
     * @param s modified only in what it remembers of the array written (for a later
     *     {@link #encode(KeyState, byte[])})
     * @return a new array (a state store keeps the array it is given)
     */
    public byte[] encode(KeyState s) {
        return encode(s, null);
    }

    /**
     * As {@link #encode(KeyState)}, copying the ring's unchanged bytes from {@code synced} where
     * that gives the same result: the ring is written oldest first, so after one event appended
     * the new ring is the old one (less its oldest event when full) plus that event, a single
     * {@code arraycopy}, where writing W·D doubles one by one made most of the cost of storing a
     * state with a long ring or many features.
     *
     * @param s modified only in what it remembers of the array written
     * @param synced the array {@code s} was last decoded from or encoded to, or null. Not modified.
     *     Any other array is ignored (checked by identity), so the bytes never depend on it.
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
        if (s.anomaly == null) {
            out.putInt(0);
        } else {
            out.putInt(s.anomaly.serializedSize());
            s.anomaly.writeTo(out, synced);
        }
        out.putInt(s.ringCapacity).putInt(s.ringSize());
        int ringAt = out.position();
        int eventBytes = 8 * s.features;
        int n = s.ringSize();
        if (s.ringSyncedWith(synced) && s.appendsSinceSync() == 1) {
            // One event appended: the old ring less its oldest event if that one was dropped (the
            // ring was full), then the new one.
            int kept = n - 1;
            int dropped = s.syncedRingSize() - kept;
            System.arraycopy(synced, s.syncedRingOffset() + dropped * eventBytes, bytes, ringAt, kept * eventBytes);
            out.position(ringAt + kept * eventBytes);
            writeRing(out, s, kept, n);
        } else {
            writeRing(out, s, 0, n);
        }
        s.ringSynced(bytes, ringAt);
        return bytes;
    }

    /** Writes the ring's events {@code [from, to)}, 0 the oldest, at {@code out}'s position. */
    private static void writeRing(ByteBuffer out, KeyState s, int from, int to) {
        double[] ring = s.ringArray();
        // Physical slots: the events from the oldest one to the array's end, then the wrapped ones.
        int start = (s.ringStart() + from) % s.ringCapacity;
        int count = to - from;
        int first = Math.min(count, s.ringCapacity - start);
        BigEndianDoubles.put(out, ring, start * s.features, first * s.features);
        BigEndianDoubles.put(out, ring, 0, (count - first) * s.features);
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
            if (version != FORMAT_VERSION) {
                throw new StateFormatException("state version " + version + " is not supported (this build reads "
                        + FORMAT_VERSION + ")", version > FORMAT_VERSION);
            }
            int features = in.getInt();
            if (features != into.features) {
                throw bad("features", features + ", but the stream has " + into.features
                        + " (gru.features changed)");
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
            boolean anomalyKept = readAnomaly(in, into);
            readRing(in, into);
            if (in.hasRemaining()) {
                throw bad("ring", in.remaining() + " bytes after the end of the state");
            }
            return anomalyKept;
        } catch (BufferUnderflowException e) {
            throw bad("length", "the state ends early (" + bytes.length + " bytes)");
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

    private static void readRing(ByteBuffer in, KeyState into) {
        int capacity = in.getInt();
        int n = in.getInt();
        if (capacity <= 0) {
            throw bad("ringCapacity", "not positive: " + capacity);
        }
        if (n < 0 || n > capacity) {
            throw bad("ringSize", n + " not in [0, ringCapacity=" + capacity + "]");
        }
        // A smaller W now: skip the oldest events that no longer fit.
        int skip = Math.max(0, n - into.ringCapacity);
        if ((long) n * into.features * 8 > in.remaining()) {
            throw bad("ring", n + " events of " + into.features + " features need more than the "
                    + in.remaining() + " bytes left");
        }
        in.position(in.position() + skip * into.features * 8);
        int kept = (n - skip) * into.features;
        double[] ring = into.ringArray();
        BigEndianDoubles.get(in, ring, 0, kept);
        int bad = BigEndianDoubles.firstNonFinite(ring, 0, kept);
        if (bad >= 0) {
            throw bad("ring", "event " + (skip + bad / into.features) + " feature " + bad % into.features
                    + " is not finite: " + ring[bad]);
        }
        into.ringFilled(n - skip);
        into.ringSynced(in.array(), in.position() - kept * 8);
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
