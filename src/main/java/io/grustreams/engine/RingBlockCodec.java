package io.grustreams.engine;

import io.grustreams.model.KeyScale;
import io.grustreams.model.codec.BigEndianDoubles;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

/**
 * The binary value of a sealed ring block (one per key and block index in the ring store),
 * format version {@value #FORMAT_VERSION}. Big-endian, doubles as IEEE 754 bits:
 * <pre>
 *   int8     version          1
 *   int32    features         D, must equal the stream's gru.features count
 *   segment:
 *     int64    scaleCount       the key's scale before the block's first event (KeyScale), &gt;= 0
 *     f64[D]   scaleLast        its last value of each feature, finite
 *     f64[D]   scaleChange      its EW mean absolute change of each feature, finite, &gt;= 0
 *     int32    events           n, B for a sealed block
 *     n ×      (int64 timestamp, f64[D] raw values, finite), oldest first
 * </pre>
 * and nothing after. The per-key state ({@link KeyStateCodec}) ends with the open block in the
 * same segment layout. Folding the n events into the scale, as the stream did, gives each event's
 * s_t bit for bit, so the block need not store them.
 *
 * <p>Holds two scratch rows; not thread-safe.
 */
public final class RingBlockCodec {

    public static final byte FORMAT_VERSION = 1;

    private double[] rowA;
    private double[] rowB;

    /** @param features D */
    public RingBlockCodec(int features) {
        this.rowA = new double[features];
        this.rowB = new double[features];
    }

    /** Bytes of a segment of {@code n} events of {@code d} features. */
    static int segmentSize(int d, int n) {
        return 8 + 16 * d + 4 + n * (8 + 8 * d);
    }

    /** Bytes of a block of {@code n} events of {@code d} features. */
    public static int blockSize(int d, int n) {
        return 1 + 4 + segmentSize(d, n);
    }

    /**
     * A block of the events {@code [from, from + n)} of the given arrays.
     *
     * @param start the key's scale before event {@code from}. Not modified.
     * @return a new array
     */
    byte[] encodeBlock(KeyScale start, long[] timestamps, double[] values, int from, int n) {
        int d = start.features();
        byte[] bytes = new byte[blockSize(d, n)];
        ByteBuffer out = ByteBuffer.wrap(bytes);
        out.put(FORMAT_VERSION).putInt(d);
        putSegment(out, start, timestamps, values, from, n);
        return bytes;
    }

    /** Writes a segment: the scale, then the events {@code [from, from + n)}. */
    static void putSegment(ByteBuffer out, KeyScale start, long[] timestamps, double[] values, int from, int n) {
        int d = start.features();
        out.putLong(start.count());
        for (int j = 0; j < d; j++) {
            out.putDouble(start.last(j));
        }
        for (int j = 0; j < d; j++) {
            out.putDouble(start.meanChange(j));
        }
        out.putInt(n);
        for (int i = from; i < from + n; i++) {
            out.putLong(timestamps[i]);
            BigEndianDoubles.put(out, values, i * d, d);
        }
    }

    /**
     * Reads a block into the arrays at event index {@code at}.
     *
     * @param expectedEvents n the block must hold
     * @param start modified: the scale before the block's first event
     * @param timestamps modified at {@code [at, at + n)}
     * @param values modified at {@code [at·D, (at + n)·D)}
     * @throws StateFormatException naming the field that is truncated, out of range or not finite
     */
    void decodeBlock(byte[] bytes, int expectedEvents, KeyScale start, long[] timestamps, double[] values, int at) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            byte version = in.get();
            if (version != FORMAT_VERSION) {
                throw new StateFormatException("ring block version " + version + " is not supported (this build reads "
                        + FORMAT_VERSION + ")", version > FORMAT_VERSION);
            }
            int d = in.getInt();
            if (d != start.features()) {
                throw bad("features", d + ", but the stream has " + start.features());
            }
            int n = getSegment(in, "ring block field ", start, expectedEvents, timestamps, values, at);
            if (n != expectedEvents) {
                throw bad("events", n + ", expected " + expectedEvents);
            }
            if (in.hasRemaining()) {
                throw bad("events", in.remaining() + " bytes after the end of the block");
            }
        } catch (BufferUnderflowException e) {
            throw bad("length", "the block ends early (" + bytes.length + " bytes)");
        }
    }

    /**
     * Reads a segment at {@code in}'s position: the scale into {@code start}, up to
     * {@code maxEvents} events into the arrays from event index {@code at}.
     *
     * @param fieldPrefix what the error messages name a field with, such as {@code "ring block field "}
     * @return the number of events read
     * @throws StateFormatException naming the field that is out of range or not finite
     * @throws BufferUnderflowException if the segment is cut short
     */
    int getSegment(ByteBuffer in, String fieldPrefix, KeyScale start, int maxEvents, long[] timestamps, double[] values,
            int at) {
        int d = start.features();
        long count = in.getLong();
        BigEndianDoubles.get(in, rowA, 0, d);
        BigEndianDoubles.get(in, rowB, 0, d);
        try {
            start.restore(count, rowA, rowB);
        } catch (IllegalArgumentException e) {
            throw new StateFormatException(fieldPrefix + "scale: " + e.getMessage(), false);
        }
        int n = in.getInt();
        if (n < 0 || n > maxEvents) {
            throw new StateFormatException(fieldPrefix + "events: " + n + " not in [0, " + maxEvents + "]", false);
        }
        if ((long) n * (8 + 8L * d) > in.remaining()) {
            throw new StateFormatException(fieldPrefix + "events: " + n + " events of " + d
                    + " features need more than the " + in.remaining() + " bytes left", false);
        }
        for (int i = at; i < at + n; i++) {
            timestamps[i] = in.getLong();
            BigEndianDoubles.get(in, values, i * d, d);
            int bad = BigEndianDoubles.firstNonFinite(values, i * d, d);
            if (bad >= 0) {
                throw new StateFormatException(fieldPrefix + "values[" + (i - at) + "]: value " + (bad - i * d)
                        + " is not finite: " + values[bad], false);
            }
        }
        return n;
    }

    private static StateFormatException bad(String field, String detail) {
        return new StateFormatException("ring block field " + field + ": " + detail, false);
    }
}
