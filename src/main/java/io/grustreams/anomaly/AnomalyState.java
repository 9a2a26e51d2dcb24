package io.grustreams.anomaly;

import java.util.Arrays;

/**
 * The anomaly detector's memory for one key: per-feature residual mean and variance, the last W
 * raw scores, the last W of their moving averages (not yet part of the reference), an
 * exponentially weighted mean and variance of the older averages (the reference), the value
 * range, the |z| block maxima and the alert state machine. Fixed size: W + W + a few doubles per
 * feature, whatever the reference's span ({@link AnomalyConfig#longWindow()}). Mutable; created by
 * {@link AnomalyDetector#newState()}, changed by {@link AnomalyDetector}, or set field by field
 * from a stored state with the {@code restore*} methods. How a state is stored is the engine's
 * business (its per-key state format); this class holds the numbers and checks what it is given.
 * Owned by one processor for one key at a time; not thread-safe.
 */
public final class AnomalyState {

    /** Largest feature count a state accepts. */
    public static final int MAX_FEATURES = 1 << 16;

    final int features;
    long residualCount;
    /** Exponentially weighted residual mean and variance per feature. */
    final double[] mean;
    final double[] variance;

    /** The last W raw scores, a ring: the oldest at {@code shortHead} once full. */
    final double[] shortRing;
    int shortHead;
    int shortCount;

    /** The last W short means, a ring like the scores: too young to join the reference. */
    final double[] lagRing;
    int lagHead;
    int lagCount;

    /** Short means folded into the reference, and its EW mean and variance. */
    long referenceCount;
    double referenceMean;
    double referenceVariance;

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

    /**
     * A key never seen: no statistics, no scores, alert closed.
     *
     * @param shortWindow W, {@link AnomalyConfig#shortWindow()}
     * @throws IllegalArgumentException if {@code features} or {@code shortWindow} is out of range
     */
    public AnomalyState(int features, int shortWindow) {
        if (features < 1 || features > MAX_FEATURES) {
            throw new IllegalArgumentException("features must be in [1, " + MAX_FEATURES + "]: " + features);
        }
        if (shortWindow < 1 || shortWindow > AnomalyConfig.MAX_WINDOW) {
            throw new IllegalArgumentException("shortWindow must be in [1, " + AnomalyConfig.MAX_WINDOW + "]: "
                    + shortWindow);
        }
        this.features = features;
        this.mean = new double[features];
        this.variance = new double[features];
        this.shortRing = new double[shortWindow];
        this.lagRing = new double[shortWindow];
        this.low = new double[features];
        this.high = new double[features];
    }

    /** Number of features this state scores. */
    public int features() {
        return features;
    }

    /** W: raw scores in the short mean, and short means held back from the reference. */
    public int shortWindow() {
        return shortRing.length;
    }

    /** Residuals folded into the running statistics so far. */
    public long residualCount() {
        return residualCount;
    }

    /** Running residual mean of feature {@code f} (actual minus expected, original units). */
    public double residualMean(int f) {
        return mean[f];
    }

    /** Running residual variance of feature {@code f}. */
    public double residualVariance(int f) {
        return variance[f];
    }

    /** Running residual standard deviation of feature {@code f}, the square root of its variance. */
    public double residualStd(int f) {
        return Math.sqrt(variance[f]);
    }

    /** Raw scores held, at most W. */
    public int shortCount() {
        return shortCount;
    }

    /** The {@code i}-th raw score held, 0 the oldest. */
    public double shortScore(int i) {
        return shortRing[ringIndex(shortRing, shortHead, shortCount, i)];
    }

    /** Short means held back from the reference, at most W. */
    public int lagCount() {
        return lagCount;
    }

    /** The {@code i}-th short mean held back, 0 the oldest. */
    public double lagMean(int i) {
        return lagRing[ringIndex(lagRing, lagHead, lagCount, i)];
    }

    /** Short means folded into the reference. */
    public long referenceCount() {
        return referenceCount;
    }

    /** The reference's EW mean of the short means. */
    public double referenceMean() {
        return referenceMean;
    }

    /** The reference's EW variance of the short means. */
    public double referenceVariance() {
        return referenceVariance;
    }

    /** Whether an alert is open for this key. */
    public boolean alertOpen() {
        return alertOpen;
    }

    /** Consecutive scored events at or above the open threshold. */
    public int openStreak() {
        return openStreak;
    }

    /** Consecutive events below the resolve threshold while open. */
    public int resolveStreak() {
        return resolveStreak;
    }

    /** Scored events left before a new alert may open; 0 when none is held back. */
    public int cooldownRemaining() {
        return cooldownRemaining;
    }

    /** Events whose values the range has seen. */
    public long valueCount() {
        return valueCount;
    }

    /** The smallest value of feature {@code f} seen (0 before any). */
    public double low(int f) {
        return low[f];
    }

    /** The largest value of feature {@code f} seen (0 before any). */
    public double high(int f) {
        return high[f];
    }

    /** Scored events in the current |z| block, in [0, {@link AnomalyDetector#NOVELTY_BLOCK}). */
    public int noveltyFill() {
        return noveltyFill;
    }

    /** The largest |z| of the current block. */
    public double noveltyMax() {
        return noveltyMax;
    }

    /** The largest |z| of the {@code k}-th previous block, 0 the oldest of {@link AnomalyDetector#NOVELTY_BLOCKS}. */
    public double noveltyMaximum(int k) {
        return noveltyMaxima[k];
    }

    /**
     * Sets the residual statistics.
     *
     * @param means D values, finite. Not modified.
     * @param variances D values, finite and {@code >= 0}. Not modified.
     * @throws IllegalArgumentException naming the field out of range; the state is then unchanged
     */
    public void restoreResiduals(long count, double[] means, double[] variances) {
        if (count < 0) {
            throw invalid("residualCount", "negative: " + count);
        }
        for (int f = 0; f < features; f++) {
            finite(means[f], "residualMean[" + f + "]");
            nonNegative(variances[f], "residualVariance[" + f + "]");
        }
        residualCount = count;
        System.arraycopy(means, 0, mean, 0, features);
        System.arraycopy(variances, 0, variance, 0, features);
    }

    /**
     * Sets the raw scores and the short means held back, each oldest first.
     *
     * @param scores {@code scoreCount} raw scores in [0, 1]. Not modified.
     * @param means {@code meanCount} short means in [0, 1]. Not modified.
     * @throws IllegalArgumentException naming the field out of range; the state is then unchanged
     */
    public void restoreWindows(double[] scores, int scoreCount, double[] means, int meanCount) {
        int w = shortRing.length;
        if (scoreCount < 0 || scoreCount > w) {
            throw invalid("shortCount", scoreCount + " not in [0, " + w + "]");
        }
        if (meanCount < 0 || meanCount > w) {
            throw invalid("lagCount", meanCount + " not in [0, " + w + "]");
        }
        unit(scores, scoreCount, "shortScores");
        unit(means, meanCount, "lagMeans");
        System.arraycopy(scores, 0, shortRing, 0, scoreCount);
        shortCount = scoreCount;
        shortHead = scoreCount % w;
        System.arraycopy(means, 0, lagRing, 0, meanCount);
        lagCount = meanCount;
        lagHead = meanCount % w;
    }

    /**
     * Sets the reference distribution of the short means.
     *
     * @throws IllegalArgumentException naming the field out of range; the state is then unchanged
     */
    public void restoreReference(long count, double referenceMean, double referenceVariance) {
        if (count < 0) {
            throw invalid("referenceCount", "negative: " + count);
        }
        if (!(referenceMean >= 0 && referenceMean <= 1)) {
            throw invalid("referenceMean", "not in [0, 1]: " + referenceMean);
        }
        nonNegative(referenceVariance, "referenceVariance");
        this.referenceCount = count;
        this.referenceMean = referenceMean;
        this.referenceVariance = referenceVariance;
    }

    /**
     * Sets the alert machine.
     *
     * @throws IllegalArgumentException naming a negative counter; the state is then unchanged
     */
    public void restoreAlert(boolean open, int openStreak, int resolveStreak, int cooldownRemaining) {
        count(openStreak, "openStreak");
        count(resolveStreak, "resolveStreak");
        count(cooldownRemaining, "cooldownRemaining");
        this.alertOpen = open;
        this.openStreak = openStreak;
        this.resolveStreak = resolveStreak;
        this.cooldownRemaining = cooldownRemaining;
    }

    /**
     * Sets the range of the values seen.
     *
     * @param lows D finite values. Not modified.
     * @param highs D finite values, each at least its low. Not modified.
     * @throws IllegalArgumentException naming the field out of range; the state is then unchanged
     */
    public void restoreRange(long count, double[] lows, double[] highs) {
        if (count < 0) {
            throw invalid("valueCount", "negative: " + count);
        }
        for (int f = 0; f < features; f++) {
            finite(lows[f], "low[" + f + "]");
            finite(highs[f], "high[" + f + "]");
            if (highs[f] < lows[f]) {
                throw invalid("high[" + f + "]", highs[f] + " below low " + lows[f]);
            }
        }
        valueCount = count;
        System.arraycopy(lows, 0, low, 0, features);
        System.arraycopy(highs, 0, high, 0, features);
    }

    /**
     * Sets the |z| blocks.
     *
     * @param maxima {@link AnomalyDetector#NOVELTY_BLOCKS} values, finite and {@code >= 0}. Not modified.
     * @throws IllegalArgumentException naming the field out of range; the state is then unchanged
     */
    public void restoreNovelty(int fill, double max, double[] maxima) {
        if (fill < 0 || fill >= AnomalyDetector.NOVELTY_BLOCK) {
            throw invalid("noveltyFill", fill + " not in [0, " + AnomalyDetector.NOVELTY_BLOCK + ")");
        }
        nonNegative(max, "noveltyMax");
        for (int k = 0; k < noveltyMaxima.length; k++) {
            nonNegative(maxima[k], "noveltyMaxima[" + k + "]");
        }
        noveltyFill = fill;
        noveltyMax = max;
        System.arraycopy(maxima, 0, noveltyMaxima, 0, noveltyMaxima.length);
    }

    /** Back to a key never seen. */
    public void clear() {
        residualCount = 0;
        Arrays.fill(mean, 0.0);
        Arrays.fill(variance, 0.0);
        shortHead = 0;
        shortCount = 0;
        lagHead = 0;
        lagCount = 0;
        referenceCount = 0;
        referenceMean = 0.0;
        referenceVariance = 0.0;
        alertOpen = false;
        openStreak = 0;
        resolveStreak = 0;
        cooldownRemaining = 0;
        valueCount = 0;
        Arrays.fill(low, 0.0);
        Arrays.fill(high, 0.0);
        noveltyFill = 0;
        noveltyMax = 0.0;
        Arrays.fill(noveltyMaxima, 0.0);
    }

    /** Where the {@code i}-th oldest of {@code count} entries of {@code ring}, next write at {@code head}, is. */
    private static int ringIndex(double[] ring, int head, int count, int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("index " + i + " of " + count);
        }
        return Math.floorMod(head - count + i, ring.length);
    }

    private static void finite(double v, String field) {
        if (!Double.isFinite(v)) {
            throw invalid(field, "not finite: " + v);
        }
    }

    private static void nonNegative(double v, String field) {
        if (!(v >= 0) || !Double.isFinite(v)) {
            throw invalid(field, "must be finite and >= 0: " + v);
        }
    }

    private static void unit(double[] values, int n, String field) {
        for (int i = 0; i < n; i++) {
            if (!(values[i] >= 0 && values[i] <= 1)) {
                throw invalid(field + "[" + i + "]", "not in [0, 1]: " + values[i]);
            }
        }
    }

    private static void count(int v, String field) {
        if (v < 0) {
            throw invalid(field, "negative: " + v);
        }
    }

    private static IllegalArgumentException invalid(String field, String detail) {
        return new IllegalArgumentException("anomaly field " + field + " is invalid: " + detail);
    }
}
