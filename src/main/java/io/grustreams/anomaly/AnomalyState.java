package io.grustreams.anomaly;

import io.grustreams.model.codec.BigEndianDoubles;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The anomaly detector's memory for one key: per-feature residual mean and variance, the ring of
 * recent raw scores (short window), the ring of their moving averages (long window), and the
 * alert state machine. Bounded: its size depends only on the configuration and the feature
 * count. Mutable; created by {@link AnomalyDetector#newState()} or {@link #readFrom}, changed
 * only by {@link AnomalyDetector}. Owned by one processor for one key at a time; not
 * thread-safe.
 *
 * <h2>Binary format, version 2</h2>
 * Big-endian whatever the order of the buffer passed in, doubles as raw IEEE 754 bits (so NaN
 * payloads and signed zeros survive, though validation admits neither NaN nor infinities):
 * <pre>
 *   int32   magic            0x414E4F4D ("ANOM")
 *   int32   version          2 (1 is still read: the fields marked v2 then start empty)
 *   int32   features         D, in [1, 65536]
 *   int32   shortWindow      W, must equal the configuration's
 *   int32   longWindow       N, must equal the configuration's
 *   int64   residualCount    residuals folded into the statistics, >= 0
 *   f64[D]  mean             per-feature residual mean, finite
 *   f64[D]  variance         per-feature residual variance, finite, >= 0
 *   int32   shortHead        next write index in shortRing
 *   int32   shortCount       filled entries, in [0, W]
 *   f64     shortSum         running sum of the filled entries
 *   f64[W]  shortRing        raw scores in [0, 1]
 *   int32   longHead         next write index in longRing
 *   int32   longCount        filled entries, in [0, N + W]
 *   f64     longSum          running sum of the entries at least W events old
 *   f64     longSumSq        running sum of their squares
 *   f64[N+W] longRing        short-window means in [0, 1]
 *   int8    alertOpen        0 or 1
 *   int32   openStreak       consecutive events at or above the open threshold
 *   int32   resolveStreak    consecutive events below the resolve threshold while open
 *   int32   cooldownRemaining
 *   int64   valueCount       v2: events whose values the range has seen, >= 0
 *   f64[D]  low              v2: smallest value seen per feature, finite (0 while valueCount is 0)
 *   f64[D]  high             v2: largest value seen per feature, finite, >= low
 *   int32   noveltyFill      v2: scored events in the current |z| block, in [0, B)
 *   f64     noveltyMax       v2: largest |z| of the current block, finite, >= 0
 *   int32   noveltyBlocks    v2: K, must equal AnomalyDetector's
 *   f64[K]  noveltyMaxima    v2: largest |z| of each of the K previous blocks, finite, >= 0
 *   int32   checksum         CRC32C of every preceding byte of this record
 * </pre>
 * The running sums are stored rather than recomputed on load so that a restored state goes on
 * producing bit-identical verdicts to one that never left memory. Bytes after the checksum are
 * not read: the record may be embedded in a larger value.
 */
public final class AnomalyState {

    /** The format's first four bytes, "ANOM". */
    public static final int MAGIC = 0x414E4F4D;
    /** The format version written by {@link #writeTo} and accepted by {@link #readFrom}. */
    public static final int FORMAT_VERSION = 2;
    /** Largest feature count a state accepts. */
    public static final int MAX_FEATURES = 1 << 16;

    final int features;
    long residualCount;
    /** Exponentially weighted residual mean and variance per feature. */
    final double[] mean;
    final double[] variance;

    final double[] shortRing;
    int shortHead;
    int shortCount;
    double shortSum;

    final double[] longRing;
    int longHead;
    int longCount;
    double longSum;
    double longSumSq;

    boolean alertOpen;
    int openStreak;
    int resolveStreak;
    int cooldownRemaining;

    /** Range of the values seen (novelty of a value): count, and per feature the extremes. */
    long valueCount;
    final double[] low;
    final double[] high;
    /** Block maxima of |z| (novelty of a residual): the current block's fill and max, the K previous maxima. */
    int noveltyFill;
    double noveltyMax;
    final double[] noveltyMaxima = new double[AnomalyDetector.NOVELTY_BLOCKS];

    /** Scratch for the checksum; not part of the state. */
    private final CRC32C crc = new CRC32C();

    /*
     * Not part of the state either: the array this state was last read from or written to (in the
     * current format), where its record starts there, and the ring entries written since
     * (AnomalyDetector's pushShort / pushLong count them). writeTo(out, previous) then copies the
     * rings from that record instead of writing N + 2W doubles one by one.
     */
    private byte[] syncedArray;
    private int syncedOffset;
    int shortWrites;
    int longWrites;

    AnomalyState(int features, int shortWindow, int longWindow) {
        if (features < 1 || features > MAX_FEATURES) {
            throw new IllegalArgumentException("features must be in [1, " + MAX_FEATURES + "]: " + features);
        }
        this.features = features;
        this.mean = new double[features];
        this.variance = new double[features];
        this.shortRing = new double[shortWindow];
        this.longRing = new double[longWindow + shortWindow];
        this.low = new double[features];
        this.high = new double[features];
    }

    /** Number of features this state scores. */
    public int features() {
        return features;
    }

    /** Residuals folded into the running statistics so far. */
    public long residualCount() {
        return residualCount;
    }

    /** Running residual mean of feature {@code f} (actual minus expected, original units). */
    public double residualMean(int f) {
        return mean[f];
    }

    /** Running residual standard deviation of feature {@code f}, the square root of its variance. */
    public double residualStd(int f) {
        return Math.sqrt(variance[f]);
    }

    /** Whether an alert is open for this key. */
    public boolean alertOpen() {
        return alertOpen;
    }

    /** Scored events left before a new alert may open; 0 when none is held back. */
    public int cooldownRemaining() {
        return cooldownRemaining;
    }

    /** N: short means in the reference distribution once full (the ring holds W more). */
    int longWindow() {
        return longRing.length - shortRing.length;
    }

    /** Bytes written by {@link #writeTo}; fixed for a given configuration and feature count. */
    public int serializedSize() {
        return serializedSize(features, shortRing.length, longWindow());
    }

    static int serializedSize(int features, int shortWindow, int longWindow) {
        return serializedSize(FORMAT_VERSION, features, shortWindow, longWindow);
    }

    static int serializedSize(int version, int features, int shortWindow, int longWindow) {
        return 5 * Integer.BYTES + Long.BYTES                        // header
                + 2 * features * Double.BYTES                        // mean, variance
                + 2 * Integer.BYTES + (1 + shortWindow) * Double.BYTES
                + 2 * Integer.BYTES + (2 + longWindow + shortWindow) * Double.BYTES
                + 1 + 3 * Integer.BYTES                              // alert machine
                + (version < 2 ? 0 : Long.BYTES + 2 * features * Double.BYTES
                        + 2 * Integer.BYTES + (1 + AnomalyDetector.NOVELTY_BLOCKS) * Double.BYTES)
                + Integer.BYTES;                                     // checksum
    }

    /**
     * Writes this state at {@code out}'s position and advances it by {@link #serializedSize()}.
     * Deterministic: equal states give equal bytes. {@code out}'s byte order is left as it was.
     *
     * @param out modified; needs {@link #serializedSize()} bytes remaining
     * @throws java.nio.BufferOverflowException if fewer remain (nothing useful is written)
     */
    public void writeTo(ByteBuffer out) {
        writeTo(out, null);
    }

    /**
     * As {@link #writeTo(ByteBuffer)}, the same bytes, but copying the two rings from
     * {@code previous} when that array is the one this state was last read from or written to
     * and at most one entry of each ring changed since: then only that entry is written. A stream
     * stores every key's state after every event, and the rings are most of its doubles.
     *
     * @param out modified; needs {@link #serializedSize()} bytes remaining
     * @param previous an array that may hold this state's last record, or null. Not modified.
     *     Any other array is ignored (checked by identity), so the result never depends on it.
     */
    public void writeTo(ByteBuffer out, byte[] previous) {
        if (out.remaining() < serializedSize()) {
            throw new java.nio.BufferOverflowException();
        }
        ByteOrder order = out.order();
        out.order(ByteOrder.BIG_ENDIAN);
        try {
            int start = out.position();
            // The synced array holds this state's last record, of this size, at syncedOffset.
            boolean copy = previous != null && previous == syncedArray && out.hasArray() && shortWrites <= 1
                    && longWrites <= 1;
            if (copy) {
                System.arraycopy(previous, syncedOffset, out.array(), out.arrayOffset() + start, serializedSize());
            }
            out.putInt(MAGIC).putInt(FORMAT_VERSION).putInt(features)
                    .putInt(shortRing.length).putInt(longWindow()).putLong(residualCount);
            BigEndianDoubles.put(out, mean);
            BigEndianDoubles.put(out, variance);
            out.putInt(shortHead).putInt(shortCount).putDouble(shortSum);
            putRing(out, shortRing, copy ? shortWrites : -1, shortHead);
            out.putInt(longHead).putInt(longCount).putDouble(longSum).putDouble(longSumSq);
            putRing(out, longRing, copy ? longWrites : -1, longHead);
            out.put(alertOpen ? (byte) 1 : (byte) 0)
                    .putInt(openStreak).putInt(resolveStreak).putInt(cooldownRemaining);
            out.putLong(valueCount);
            BigEndianDoubles.put(out, low);
            BigEndianDoubles.put(out, high);
            out.putInt(noveltyFill).putDouble(noveltyMax).putInt(noveltyMaxima.length);
            BigEndianDoubles.put(out, noveltyMaxima);
            out.putInt(checksum(out, start, out.position()));
            synced(out, start);
        } finally {
            out.order(order);
        }
    }

    /**
     * Writes a ring at {@code out}'s position and moves past it: all of it ({@code writes} -1), or,
     * over a copy of its last record, only the entry written since (the one before {@code head}).
     */
    private static void putRing(ByteBuffer out, double[] ring, int writes, int head) {
        if (writes < 0) {
            BigEndianDoubles.put(out, ring);
            return;
        }
        int at = out.position();
        if (writes == 1) {
            int last = Math.floorMod(head - 1, ring.length);
            out.position(at + 8 * last);
            BigEndianDoubles.put(out, ring, last, 1);
        }
        out.position(at + 8 * ring.length);
    }

    /** Remembers that this state's record starts at {@code start} of {@code buf}'s array (if it has one). */
    private void synced(ByteBuffer buf, int start) {
        syncedArray = buf.hasArray() ? buf.array() : null;
        syncedOffset = buf.hasArray() ? buf.arrayOffset() + start : 0;
        shortWrites = 0;
        longWrites = 0;
    }

    /**
     * Reads a state written by {@link #writeTo} from {@code in}'s position and advances it past
     * the record. Validates every field against the format and {@code config}.
     *
     * @param in modified (position only; byte order left as it was)
     * @param config the configuration the state will be scored under; its window sizes must match
     * @throws IllegalArgumentException naming the field that is truncated, out of range, does not
     *     match {@code config}, or the checksum if the bytes were altered
     */
    public static AnomalyState readFrom(ByteBuffer in, AnomalyConfig config) {
        return readFrom(in, config, null);
    }

    /**
     * As {@link #readFrom(ByteBuffer, AnomalyConfig)}, but overwrites {@code reuse} instead of
     * allocating a state when it has the record's feature count and windows: a stream reads one
     * state per event, and the windows' arrays are most of a state's bytes.
     *
     * @param in modified (position only; byte order left as it was)
     * @param config the configuration the state will be scored under; its window sizes must match
     * @param reuse a state no one else reads any more, or null. Modified: on success it equals what a
     *     new state would hold, if returned; after an exception its content is undefined
     * @return {@code reuse} if its shape matches the record, otherwise a new state
     * @throws IllegalArgumentException as {@link #readFrom(ByteBuffer, AnomalyConfig)}
     */
    public static AnomalyState readFrom(ByteBuffer in, AnomalyConfig config, AnomalyState reuse) {
        ByteOrder order = in.order();
        in.order(ByteOrder.BIG_ENDIAN);
        try {
            return read(in, config, reuse);
        } finally {
            in.order(order);
        }
    }

    private static AnomalyState read(ByteBuffer in, AnomalyConfig config, AnomalyState reuse) {
        int start = in.position();
        int magic = getInt(in, "magic");
        if (magic != MAGIC) {
            throw corrupt("magic", "0x" + Integer.toHexString(magic) + ", expected 0x" + Integer.toHexString(MAGIC));
        }
        int version = getInt(in, "version");
        if (version != 1 && version != FORMAT_VERSION) {
            throw corrupt("version", version + " is not supported (this build reads 1 and " + FORMAT_VERSION + ")");
        }
        int features = getInt(in, "features");
        if (features < 1 || features > MAX_FEATURES) {
            throw corrupt("features", features + " not in [1, " + MAX_FEATURES + "]");
        }
        int shortWindow = getInt(in, "shortWindow");
        if (shortWindow != config.shortWindow()) {
            throw corrupt("shortWindow", shortWindow + " but the configuration has " + config.shortWindow());
        }
        int longWindow = getInt(in, "longWindow");
        if (longWindow != config.longWindow()) {
            throw corrupt("longWindow", longWindow + " but the configuration has " + config.longWindow());
        }
        int size = serializedSize(version, features, shortWindow, longWindow);
        if (in.remaining() < size - (in.position() - start)) {
            int present = in.limit() - start;
            throw new IllegalArgumentException("anomaly state truncated at field "
                    + fieldAt(version, present, features, shortWindow, longWindow) + ": " + present
                    + " bytes of a " + size + "-byte record");
        }
        AnomalyState s = reuse != null && reuse.features == features && reuse.shortRing.length == shortWindow
                && reuse.longWindow() == longWindow ? reuse : new AnomalyState(features, shortWindow, longWindow);
        s.residualCount = in.getLong();
        if (s.residualCount < 0) {
            throw corrupt("residualCount", Long.toString(s.residualCount));
        }
        BigEndianDoubles.get(in, s.mean, 0, features);
        for (int i = 0; i < features; i++) {
            finite(s.mean[i], "mean", i);
        }
        BigEndianDoubles.get(in, s.variance, 0, features);
        for (int i = 0; i < features; i++) {
            nonNegative(s.variance[i], "variance", i);
        }
        s.shortHead = in.getInt();
        s.shortCount = in.getInt();
        checkRing("short", s.shortHead, s.shortCount, shortWindow);
        s.shortSum = nonNegative(in.getDouble(), "shortSum", -1);
        BigEndianDoubles.get(in, s.shortRing, 0, shortWindow);
        units(s.shortRing, "shortRing");
        s.longHead = in.getInt();
        s.longCount = in.getInt();
        checkRing("long", s.longHead, s.longCount, longWindow + shortWindow);
        s.longSum = nonNegative(in.getDouble(), "longSum", -1);
        s.longSumSq = nonNegative(in.getDouble(), "longSumSq", -1);
        BigEndianDoubles.get(in, s.longRing, 0, s.longRing.length);
        units(s.longRing, "longRing");
        byte open = in.get();
        if (open != 0 && open != 1) {
            throw corrupt("alertOpen", Byte.toString(open));
        }
        s.alertOpen = open == 1;
        s.openStreak = count(in.getInt(), "openStreak");
        s.resolveStreak = count(in.getInt(), "resolveStreak");
        s.cooldownRemaining = count(in.getInt(), "cooldownRemaining");
        if (version >= 2) {
            readNovelty(in, s);
        } else {
            // A v1 record has no novelty fields: they start as in a new state.
            s.clearNovelty();
        }
        int end = in.position();
        int stored = in.getInt();
        int actual = s.checksum(in, start, end);
        if (stored != actual) {
            throw corrupt("checksum", "0x" + Integer.toHexString(stored) + " but the bytes give 0x"
                    + Integer.toHexString(actual));
        }
        if (version == FORMAT_VERSION) {
            s.synced(in, start);
        } else {
            // An older layout: the next write cannot copy from it.
            s.syncedArray = null;
        }
        return s;
    }

    /** The v2 fields as a new state has them: no values, no blocks. */
    private void clearNovelty() {
        valueCount = 0L;
        Arrays.fill(low, 0.0);
        Arrays.fill(high, 0.0);
        noveltyFill = 0;
        noveltyMax = 0.0;
        Arrays.fill(noveltyMaxima, 0.0);
    }

    /** The v2 fields: range and |z| block maxima. */
    private static void readNovelty(ByteBuffer in, AnomalyState s) {
        s.valueCount = in.getLong();
        if (s.valueCount < 0) {
            throw corrupt("valueCount", Long.toString(s.valueCount));
        }
        for (int i = 0; i < s.features; i++) {
            s.low[i] = finite(in.getDouble(), "low", i);
        }
        for (int i = 0; i < s.features; i++) {
            s.high[i] = finite(in.getDouble(), "high", i);
            if (s.high[i] < s.low[i]) {
                throw corrupt("high[" + i + "]", s.high[i] + " below low " + s.low[i]);
            }
        }
        s.noveltyFill = in.getInt();
        if (s.noveltyFill < 0 || s.noveltyFill >= AnomalyDetector.NOVELTY_BLOCK) {
            throw corrupt("noveltyFill", s.noveltyFill + " not in [0, " + AnomalyDetector.NOVELTY_BLOCK + ")");
        }
        s.noveltyMax = nonNegative(in.getDouble(), "noveltyMax", -1);
        int blocks = in.getInt();
        if (blocks != AnomalyDetector.NOVELTY_BLOCKS) {
            throw corrupt("noveltyBlocks", blocks + " but this build keeps " + AnomalyDetector.NOVELTY_BLOCKS);
        }
        for (int i = 0; i < blocks; i++) {
            s.noveltyMaxima[i] = nonNegative(in.getDouble(), "noveltyMaxima", i);
        }
    }

    /** The name of the field that contains byte {@code offset} of a current-version record of this shape. */
    static String fieldAt(int offset, int features, int shortWindow, int longWindow) {
        return fieldAt(FORMAT_VERSION, offset, features, shortWindow, longWindow);
    }

    static String fieldAt(int version, int offset, int features, int shortWindow, int longWindow) {
        int d = Double.BYTES;
        String[] names = version < 2
                ? new String[] {"magic", "version", "features", "shortWindow", "longWindow", "residualCount",
                    "mean", "variance", "shortHead", "shortCount", "shortSum", "shortRing",
                    "longHead", "longCount", "longSum", "longSumSq", "longRing",
                    "alertOpen", "openStreak", "resolveStreak", "cooldownRemaining", "checksum"}
                : new String[] {"magic", "version", "features", "shortWindow", "longWindow", "residualCount",
                    "mean", "variance", "shortHead", "shortCount", "shortSum", "shortRing",
                    "longHead", "longCount", "longSum", "longSumSq", "longRing",
                    "alertOpen", "openStreak", "resolveStreak", "cooldownRemaining",
                    "valueCount", "low", "high", "noveltyFill", "noveltyMax", "noveltyBlocks", "noveltyMaxima",
                    "checksum"};
        int k = AnomalyDetector.NOVELTY_BLOCKS;
        int[] sizes = version < 2
                ? new int[] {4, 4, 4, 4, 4, 8, features * d, features * d, 4, 4, d, shortWindow * d,
                    4, 4, d, d, (longWindow + shortWindow) * d, 1, 4, 4, 4, 4}
                : new int[] {4, 4, 4, 4, 4, 8, features * d, features * d, 4, 4, d, shortWindow * d,
                    4, 4, d, d, (longWindow + shortWindow) * d, 1, 4, 4, 4,
                    8, features * d, features * d, 4, d, 4, k * d, 4};
        int end = 0;
        for (int i = 0; i < names.length; i++) {
            end += sizes[i];
            if (offset < end) {
                return names[i];
            }
        }
        return "checksum";
    }

    /** CRC32C of {@code buf[from, to)}; leaves position and limit as they were. */
    private int checksum(ByteBuffer buf, int from, int to) {
        int position = buf.position();
        int limit = buf.limit();
        crc.reset();
        buf.limit(to).position(from);
        crc.update(buf);
        buf.limit(limit).position(position);
        return (int) crc.getValue();
    }

    private static int getInt(ByteBuffer in, String field) {
        try {
            return in.getInt();
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("anomaly state truncated at field " + field + ": "
                    + in.remaining() + " bytes remain", e);
        }
    }

    private static void checkRing(String name, int head, int count, int window) {
        if (count < 0 || count > window) {
            throw corrupt(name + "Count", count + " not in [0, " + window + "]");
        }
        // The ring fills from index 0, so until it is full the next write index is the count.
        if (head < 0 || head >= window || (count < window && head != count)) {
            throw corrupt(name + "Head", head + " inconsistent with " + name + "Count " + count
                    + " and window " + window);
        }
    }

    private static double finite(double v, String field, int index) {
        if (!Double.isFinite(v)) {
            throw corrupt(indexed(field, index), "not finite: " + v);
        }
        return v;
    }

    private static double nonNegative(double v, String field, int index) {
        if (!(v >= 0) || !Double.isFinite(v)) {
            throw corrupt(indexed(field, index), "must be finite and >= 0: " + v);
        }
        return v;
    }

    /** Checks that every value of a ring of scores is in [0, 1]. */
    private static void units(double[] values, String field) {
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            if (!(v >= 0 && v <= 1)) {
                throw corrupt(indexed(field, i), "not in [0, 1]: " + v);
            }
        }
    }

    private static int count(int v, String field) {
        if (v < 0) {
            throw corrupt(field, "negative: " + v);
        }
        return v;
    }

    private static String indexed(String field, int index) {
        return index < 0 ? field : field + "[" + index + "]";
    }

    private static IllegalArgumentException corrupt(String field, String detail) {
        return new IllegalArgumentException("anomaly state field " + field + " is invalid: " + detail);
    }
}
