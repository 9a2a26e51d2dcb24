package io.grustreams.engine;

import io.grustreams.anomaly.AnomalyConfig;
import io.grustreams.anomaly.AnomalyDetector;
import io.grustreams.anomaly.AnomalyState;
import io.grustreams.model.codec.BigEndianDoubles;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Reads the anomaly record a version-1 per-key state embeds, and converts it to the detector's
 * current state. The record, big-endian:
 * <pre>
 *   int32   magic            0x414E4F4D ("ANOM")
 *   int32   version          1 or 2
 *   int32   features         D
 *   int32   shortWindow      W
 *   int32   longWindow       N
 *   int64   residualCount
 *   f64[D]  mean, variance
 *   int32   shortHead, shortCount;  f64 shortSum;  f64[W] shortRing      (raw scores)
 *   int32   longHead, longCount;  f64 longSum, longSumSq;  f64[N+W] longRing   (short means)
 *   int8    alertOpen;  int32 openStreak, resolveStreak, cooldownRemaining
 *   version 2 only:
 *   int64   valueCount;  f64[D] low, high
 *   int32   noveltyFill;  f64 noveltyMax;  int32 noveltyBlocks K;  f64[K] noveltyMaxima
 *   int32   checksum         CRC32C of every preceding byte of the record
 * </pre>
 * Converted: the raw scores as they were; the W youngest short means of the long ring become the
 * means not yet in the reference; the reference (the entries at least W old, kept as running
 * sums) becomes its count, mean {@code longSum/n} and variance {@code longSumSq/n − mean²}, from
 * which the exponentially weighted reference carries on. Alert machine, range and |z| blocks are
 * copied. A version-1 record has no range or blocks: they start empty.
 */
final class LegacyAnomalyRecord {

    static final int MAGIC = 0x414E4F4D;

    private LegacyAnomalyRecord() {
    }

    /**
     * @param in the record at its position; advanced past it if it is read. Byte order big-endian.
     * @return the converted state, or null if the record cannot be used (damaged, checksum
     *     mismatch, another feature count or short window than {@code config}'s)
     */
    static AnomalyState read(ByteBuffer in, AnomalyConfig config, int features) {
        int start = in.position();
        try {
            if (in.getInt() != MAGIC) {
                return null;
            }
            int version = in.getInt();
            int d = in.getInt();
            int w = in.getInt();
            int n = in.getInt();
            if (version < 1 || version > 2 || d != features || w != config.shortWindow() || n < 2
                    || n > AnomalyConfig.MAX_WINDOW) {
                return null;
            }
            AnomalyState s = new AnomalyState(d, w);
            long residualCount = in.getLong();
            double[] mean = doubles(in, d);
            double[] variance = doubles(in, d);
            s.restoreResiduals(residualCount, mean, variance);

            int shortHead = in.getInt();
            int shortCount = in.getInt();
            in.getDouble();
            double[] shortRing = doubles(in, w);
            int longHead = in.getInt();
            int longCount = in.getInt();
            double longSum = in.getDouble();
            double longSumSq = in.getDouble();
            double[] longRing = doubles(in, n + w);
            if (!ring(shortHead, shortCount, w) || !ring(longHead, longCount, n + w)) {
                return null;
            }
            double[] scores = oldestFirst(shortRing, shortHead, shortCount);
            int lag = Math.min(w, longCount);
            double[] all = oldestFirst(longRing, longHead, longCount);
            double[] lagMeans = new double[lag];
            System.arraycopy(all, longCount - lag, lagMeans, 0, lag);
            s.restoreWindows(scores, shortCount, lagMeans, lag);
            int reference = longCount - lag;
            double mu = reference == 0 ? 0.0 : Math.min(1.0, Math.max(0.0, longSum / reference));
            double var = reference == 0 ? 0.0 : Math.max(0.0, longSumSq / reference - mu * mu);
            s.restoreReference(reference, mu, var);

            byte open = in.get();
            if (open != 0 && open != 1) {
                return null;
            }
            s.restoreAlert(open == 1, in.getInt(), in.getInt(), in.getInt());
            if (version == 2) {
                long valueCount = in.getLong();
                s.restoreRange(valueCount, doubles(in, d), doubles(in, d));
                int fill = in.getInt();
                double max = in.getDouble();
                int k = in.getInt();
                if (k != AnomalyDetector.NOVELTY_BLOCKS) {
                    return null;
                }
                s.restoreNovelty(fill, max, doubles(in, k));
            }
            int end = in.position();
            int stored = in.getInt();
            CRC32C crc = new CRC32C();
            crc.update(in.duplicate().position(start).limit(end));
            return stored == (int) crc.getValue() ? s : null;
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            return null;
        }
    }

    /** A ring fills from index 0, so until it is full the next write index is the count. */
    private static boolean ring(int head, int count, int window) {
        return count >= 0 && count <= window && head >= 0 && head < window && (count == window || head == count);
    }

    private static double[] oldestFirst(double[] ring, int head, int count) {
        double[] out = new double[count];
        for (int i = 0; i < count; i++) {
            out[i] = ring[Math.floorMod(head - count + i, ring.length)];
        }
        return out;
    }

    private static double[] doubles(ByteBuffer in, int n) {
        double[] v = new double[n];
        BigEndianDoubles.get(in, v, 0, n);
        return v;
    }
}
