package io.grustreams.engine;

import io.grustreams.anomaly.AnomalyConfig;
import io.grustreams.anomaly.AnomalyDetector;
import io.grustreams.anomaly.AnomalyState;
import io.grustreams.model.Cell;
import io.grustreams.model.GruLayout;
import io.grustreams.model.KeyScale;
import io.grustreams.model.codec.BigEndianDoubles;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

/**
 * The binary value of the per-key state store, format version {@value #FORMAT_VERSION}.
 * Big-endian, doubles as IEEE 754 bits:
 * <pre>
 *   int8     version         3
 *   int32    features        D, must equal the stream's gru.features count
 *   int64    eventCount      good events seen for this key, &gt;= 0
 *   int64    lastTimestamp   event time of the last one, epoch ms
 *   int64    modelVersion    version of the model that built hidden, -1 for none
 *   int8     cell            that model's cell: 1 rnn, 2 lstm, 3 gru; 0 iff modelVersion is -1
 *   int8     layers          its layer count L, 1 to 64; 0 iff modelVersion is -1
 *   int32    hiddenSize      S, its recurrent state size (L·H, 2·L·H for the lstm), 0 iff modelVersion is -1
 *   f64[S]   hidden          the recurrent state after the last event, finite
 *   int8     hasForecast     0 or 1 (1 needs a model)
 *   f64[D]   forecast        the pending forecast of the next event, original units; only if hasForecast
 *   int64    scaleCount      events folded into the key's scale (KeyScale), &gt;= 0
 *   f64[D]   scaleLast       the last value of each feature, finite
 *   f64[D]   scaleChange     the EW mean absolute change of each feature, finite, &gt;= 0
 *   int8     hasAnomaly      0 or 1; the detector's state follows if 1 (AnomalyState):
 *     int64    residualCount      &gt;= 0
 *     f64[D]   residualMean       finite
 *     f64[D]   residualVariance   finite, &gt;= 0
 *     int32    shortWindow        W, must equal gru.anomaly.short-window (else the section is dropped)
 *     int32    shortCount         n in [0, W]
 *     f64[n]   shortScores        raw scores in [0, 1], oldest first
 *     int32    lagCount           m in [0, W]
 *     f64[m]   lagMeans           short means in [0, 1] not yet in the reference, oldest first
 *     int64    referenceCount     &gt;= 0
 *     f64      referenceMean      in [0, 1]
 *     f64      referenceVariance  finite, &gt;= 0
 *     int8     alertOpen          0 or 1
 *     int32    openStreak, resolveStreak, cooldownRemaining   each &gt;= 0
 *     int64    valueCount         &gt;= 0
 *     f64[D]   low, high          finite, high &gt;= low
 *     int32    noveltyFill        in [0, 100)
 *     f64      noveltyMax         finite, &gt;= 0
 *     int32    noveltyBlocks      K, must equal this build's (3)
 *     f64[K]   noveltyMaxima      finite, &gt;= 0
 *   int64    nextBlock       index the open events will be sealed as, &gt;= 0
 *   int64    oldestBlock     lowest block index that may still be stored, in [0, nextBlock]
 *   segment  open            the open ring block in {@link RingBlockCodec}'s segment layout
 *                            (starting scale, n &lt; B events of time and D raw values)
 * </pre>
 * and nothing after. The ring's sealed blocks are in their own store ({@link RingBlocks}). A
 * state is about 0.8 KiB at D = 1, H = 32 and 1.8 KiB at D = 8, H = 64, whatever W: the stream
 * writes it after every event.
 *
 * <p>Version 3 added {@code cell} and {@code layers}, so that a model of the same version but
 * another architecture (possibly of the same state size) re-warms the key instead of reading its
 * state as its own. Version 2 (read as built by a one-layer GRU, the only network it could hold)
 * is still read, and written as version 3 on the key's next event.
 *
 * <p>Version 1 (the whole ring of W raw values inline, the anomaly windows in their own
 * checksummed record) is still read, and written as version 3 on the key's next event. Its ring
 * becomes the open events (sealed into blocks when the key is next processed), with every event
 * at the last event's time and the scales rebuilt by folding its values in, oldest first; its
 * anomaly record is converted ({@link LegacyAnomalyRecord}). What it fed a model (raw values, a
 * hidden state, the pending forecast) is read unchanged, so a key served by a model without
 * per-key scaling or time inputs continues exactly.
 *
 * <p>Holds the configuration and scratch rows; not thread-safe (one per processor).
 */
public final class KeyStateCodec {

    public static final byte FORMAT_VERSION = 3;

    private static final int MAX_HIDDEN = 1 << 22;
    /** The cells by their code in the state, index = code; 0 is no model. */
    private static final Cell[] CELLS = {null, Cell.RNN, Cell.LSTM, Cell.GRU};

    private final AnomalyConfig anomalyConfig;
    /** α of the stream's per-key scale, to rebuild the scale of a version-1 state. */
    private final double scaleAlpha;
    private final RingBlockCodec segments;
    /** Scratch rows of D values and of W scores, so decoding allocates nothing once they have grown. */
    private double[] rowA = new double[0];
    private double[] rowB = new double[0];
    private double[] scores = new double[0];
    private double[] means = new double[0];
    private final double[] maxima = new double[AnomalyDetector.NOVELTY_BLOCKS];

    /**
     * @param config the stream's features, per-key scale half-life and detector
     */
    public KeyStateCodec(EngineConfig config) {
        this.anomalyConfig = config.anomaly();
        this.scaleAlpha = KeyScale.alpha(config.scaleHalfLife());
        this.segments = new RingBlockCodec(config.features().size());
    }

    /** Bytes {@link #encode} writes for {@code s}. */
    public int encodedSize(KeyState s) {
        int d = s.features;
        int anomaly = 1;
        if (s.anomaly != null) {
            AnomalyState a = s.anomaly;
            anomaly += 8 + 16 * d + 4 + 4 + 8 * a.shortCount() + 4 + 8 * a.lagCount() + 24 + 13 + 8 + 16 * d + 4 + 8
                    + 4 + 8 * AnomalyDetector.NOVELTY_BLOCKS;
        }
        return 1 + 4 + 8 + 8 + 8 + 2 + 4 + 8 * s.hiddenSize + 1 + (s.hasForecast ? 8 * d : 0) + 8 + 16 * d + anomaly
                + 16 + RingBlockCodec.segmentSize(d, s.openSize);
    }

    /**
     * @param s not modified
     * @return a new array (a state store keeps the array it is given)
     */
    public byte[] encode(KeyState s) {
        byte[] bytes = new byte[encodedSize(s)];
        ByteBuffer out = ByteBuffer.wrap(bytes);
        out.put(FORMAT_VERSION).putInt(s.features).putLong(s.eventCount).putLong(s.lastTimestamp)
                .putLong(s.modelVersion).put(cellCode(s.cell)).put((byte) s.layers).putInt(s.hiddenSize);
        BigEndianDoubles.put(out, s.hidden, 0, s.hiddenSize);
        out.put(s.hasForecast ? (byte) 1 : (byte) 0);
        if (s.hasForecast) {
            BigEndianDoubles.put(out, s.forecast, 0, s.features);
        }
        putScale(out, s.scale);
        if (s.anomaly == null) {
            out.put((byte) 0);
        } else {
            out.put((byte) 1);
            putAnomaly(out, s.anomaly);
        }
        out.putLong(s.nextBlock).putLong(s.oldestBlock);
        RingBlockCodec.putSegment(out, s.openScale, s.openTimestamps, s.openValues, 0, s.openSize);
        return bytes;
    }

    private static void putScale(ByteBuffer out, KeyScale scale) {
        out.putLong(scale.count());
        for (int j = 0; j < scale.features(); j++) {
            out.putDouble(scale.last(j));
        }
        for (int j = 0; j < scale.features(); j++) {
            out.putDouble(scale.meanChange(j));
        }
    }

    private static void putAnomaly(ByteBuffer out, AnomalyState a) {
        int d = a.features();
        out.putLong(a.residualCount());
        for (int f = 0; f < d; f++) {
            out.putDouble(a.residualMean(f));
        }
        for (int f = 0; f < d; f++) {
            out.putDouble(a.residualVariance(f));
        }
        out.putInt(a.shortWindow()).putInt(a.shortCount());
        for (int i = 0; i < a.shortCount(); i++) {
            out.putDouble(a.shortScore(i));
        }
        out.putInt(a.lagCount());
        for (int i = 0; i < a.lagCount(); i++) {
            out.putDouble(a.lagMean(i));
        }
        out.putLong(a.referenceCount()).putDouble(a.referenceMean()).putDouble(a.referenceVariance());
        out.put(a.alertOpen() ? (byte) 1 : (byte) 0).putInt(a.openStreak()).putInt(a.resolveStreak())
                .putInt(a.cooldownRemaining());
        out.putLong(a.valueCount());
        for (int f = 0; f < d; f++) {
            out.putDouble(a.low(f));
        }
        for (int f = 0; f < d; f++) {
            out.putDouble(a.high(f));
        }
        out.putInt(a.noveltyFill()).putDouble(a.noveltyMax()).putInt(AnomalyDetector.NOVELTY_BLOCKS);
        for (int k = 0; k < AnomalyDetector.NOVELTY_BLOCKS; k++) {
            out.putDouble(a.noveltyMaximum(k));
        }
    }

    /**
     * Reads a stored state into {@code into}, replacing all it held. If the anomaly section alone
     * cannot be used (written under another short window, or a damaged legacy record), it is
     * dropped and the rest kept: the detector re-learns, the hidden state survives.
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
            if (version < 1 || version > FORMAT_VERSION) {
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
            boolean model = into.modelVersion != KeyState.NO_MODEL;
            if (version >= 3) {
                readArchitecture(in, into, model);
            } else if (model) {
                // Versions 1 and 2 held the state of a one-layer GRU, the only network there was.
                into.cell = Cell.GRU;
                into.layers = 1;
            }
            int h = in.getInt();
            if (h < 0 || h > MAX_HIDDEN || (h == 0) == model || h > in.remaining() / 8) {
                throw bad("hiddenSize", h + " with modelVersion " + into.modelVersion);
            }
            if (model && h % ((into.cell.hasCellState() ? 2 : 1) * into.layers) != 0) {
                throw bad("hiddenSize", h + " is not a whole number of units for " + into.layers + " "
                        + into.cell.id() + " layers");
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
            boolean anomalyKept;
            if (version == 1) {
                anomalyKept = readLegacyAnomaly(in, into);
                readLegacyRing(in, into);
            } else {
                readScale(in, into.scale, "scale");
                anomalyKept = readAnomaly(in, into);
                readRing(in, into);
            }
            if (in.hasRemaining()) {
                throw bad("open", in.remaining() + " bytes after the end of the state");
            }
            return anomalyKept;
        } catch (BufferUnderflowException e) {
            throw bad("length", "the state ends early (" + bytes.length + " bytes)");
        }
    }

    private static byte cellCode(Cell cell) {
        for (byte code = 1; code < CELLS.length; code++) {
            if (CELLS[code] == cell) {
                return code;
            }
        }
        return 0;
    }

    /** The cell and layers of a version-3 state: none iff no model built it. */
    private static void readArchitecture(ByteBuffer in, KeyState into, boolean model) {
        byte code = in.get();
        if (code < 0 || code >= CELLS.length || (code == 0) == model) {
            throw bad("cell", code + " with modelVersion " + into.modelVersion);
        }
        byte layers = in.get();
        if (model ? layers < 1 || layers > GruLayout.MAX_LAYERS : layers != 0) {
            throw bad("layers", layers + " with modelVersion " + into.modelVersion);
        }
        into.cell = CELLS[code];
        into.layers = layers;
    }

    private void readScale(ByteBuffer in, KeyScale scale, String field) {
        int d = scale.features();
        long count = in.getLong();
        double[] last = rows(d);
        double[] change = rowB;
        BigEndianDoubles.get(in, last, 0, d);
        BigEndianDoubles.get(in, change, 0, d);
        try {
            scale.restore(count, last, change);
        } catch (IllegalArgumentException e) {
            throw bad(field, e.getMessage());
        }
    }

    private boolean readAnomaly(ByteBuffer in, KeyState into) {
        byte has = in.get();
        if (has != 0 && has != 1) {
            throw bad("hasAnomaly", Byte.toString(has));
        }
        if (has == 0) {
            return true;
        }
        int d = into.features;
        long residualCount = in.getLong();
        double[] a = rows(d);
        double[] b = rowB;
        BigEndianDoubles.get(in, a, 0, d);
        BigEndianDoubles.get(in, b, 0, d);
        int window = in.getInt();
        if (window < 1 || window > AnomalyConfig.MAX_WINDOW) {
            throw bad("anomaly.shortWindow", window + " not in [1, " + AnomalyConfig.MAX_WINDOW + "]");
        }
        int n = in.getInt();
        if (n < 0 || n > window) {
            throw bad("anomaly.shortCount", n + " not in [0, " + window + "]");
        }
        double[] s = scores(window);
        BigEndianDoubles.get(in, s, 0, n);
        int m = in.getInt();
        if (m < 0 || m > window) {
            throw bad("anomaly.lagCount", m + " not in [0, " + window + "]");
        }
        BigEndianDoubles.get(in, means, 0, m);
        long referenceCount = in.getLong();
        double referenceMean = in.getDouble();
        double referenceVariance = in.getDouble();
        byte open = in.get();
        if (open != 0 && open != 1) {
            throw bad("anomaly.alertOpen", Byte.toString(open));
        }
        int openStreak = in.getInt();
        int resolveStreak = in.getInt();
        int cooldown = in.getInt();
        long valueCount = in.getLong();
        // low and high go where the residual moments were: those are restored first.
        AnomalyState state = anomalyFor(into, window);
        try {
            state.restoreResiduals(residualCount, a, b);
            BigEndianDoubles.get(in, a, 0, d);
            BigEndianDoubles.get(in, b, 0, d);
            state.restoreRange(valueCount, a, b);
            state.restoreWindows(s, n, means, m);
            state.restoreReference(referenceCount, referenceMean, referenceVariance);
            state.restoreAlert(open == 1, openStreak, resolveStreak, cooldown);
            int fill = in.getInt();
            double max = in.getDouble();
            int blocks = in.getInt();
            if (blocks != AnomalyDetector.NOVELTY_BLOCKS) {
                throw bad("anomaly.noveltyBlocks", blocks + " but this build keeps " + AnomalyDetector.NOVELTY_BLOCKS);
            }
            BigEndianDoubles.get(in, maxima, 0, blocks);
            state.restoreNovelty(fill, max, maxima);
        } catch (IllegalArgumentException e) {
            throw bad("anomaly", e.getMessage());
        }
        if (window != anomalyConfig.shortWindow()) {
            // Scores averaged over another window: the detector re-learns rather than mix the two.
            return false;
        }
        into.anomaly = state;
        return true;
    }

    /** A state of the given window for {@code into}: its spare one if that fits, else a new one. */
    private static AnomalyState anomalyFor(KeyState into, int window) {
        AnomalyState spare = into.spareAnomaly;
        if (spare != null && spare.features() == into.features && spare.shortWindow() == window) {
            into.spareAnomaly = null;
            spare.clear();
            return spare;
        }
        return new AnomalyState(into.features, window);
    }

    private void readRing(ByteBuffer in, KeyState into) {
        into.nextBlock = in.getLong();
        into.oldestBlock = in.getLong();
        if (into.nextBlock < 0) {
            throw bad("nextBlock", "negative: " + into.nextBlock);
        }
        if (into.oldestBlock < 0 || into.oldestBlock > into.nextBlock) {
            throw bad("oldestBlock", into.oldestBlock + " not in [0, nextBlock=" + into.nextBlock + "]");
        }
        into.openSize = segments.getSegment(in, "state field open.", into.openScale, into.blockCapacity - 1,
                into.openTimestamps, into.openValues, 0);
    }

    /** Version 1's anomaly record, converted; dropped (false) if it cannot be used. */
    private boolean readLegacyAnomaly(ByteBuffer in, KeyState into) {
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw bad("anomalyBytes", length + " with " + in.remaining() + " bytes left");
        }
        if (length == 0) {
            return true;
        }
        ByteBuffer section = in.slice(in.position(), length);
        in.position(in.position() + length);
        AnomalyState a = LegacyAnomalyRecord.read(section, anomalyConfig, into.features);
        if (a == null || section.hasRemaining()) {
            return false;
        }
        into.anomaly = a;
        return true;
    }

    /**
     * Version 1's ring: n raw rows of D, oldest first. The newest W become the open events, at the
     * last event's time; the key's scale is rebuilt by folding all n in, and the open events'
     * starting scale is the fold of those skipped.
     */
    private void readLegacyRing(ByteBuffer in, KeyState into) {
        int capacity = in.getInt();
        int n = in.getInt();
        int d = into.features;
        if (capacity <= 0) {
            throw bad("ringCapacity", "not positive: " + capacity);
        }
        if (n < 0 || n > capacity) {
            throw bad("ringSize", n + " not in [0, ringCapacity=" + capacity + "]");
        }
        if ((long) n * d * 8 > in.remaining()) {
            throw bad("ring", n + " events of " + d + " features need more than the " + in.remaining()
                    + " bytes left");
        }
        int skip = Math.max(0, n - into.ringCapacity);
        double[] raw = rows(d);
        into.clearRing();
        for (int i = 0; i < n; i++) {
            readFinite(in, raw, d, "ring[" + i + "]");
            into.scale.observe(raw, scaleAlpha);
            if (i < skip) {
                into.openScale.observe(raw, scaleAlpha);
            } else {
                into.pushOpen(into.lastTimestamp, raw);
            }
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

    /** The scratch score and mean rows, at least {@code w} long; returns the scores. */
    private double[] scores(int w) {
        if (scores.length < w) {
            scores = new double[w];
            means = new double[w];
        }
        return scores;
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
