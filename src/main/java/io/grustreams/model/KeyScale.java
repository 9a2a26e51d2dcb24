package io.grustreams.model;

import java.util.Arrays;

/**
 * One key's running scale for {@link InputSpec.Scaling#PER_KEY}: per feature the key's last value
 * and the exponentially weighted mean of its absolute change between consecutive events,
 * <pre>
 *   d_t = |x_t − x_{t−1}|,   m_t = m_{t−1} + a_t · (d_t − m_{t−1}),   a_t = max(1/k, α),
 * </pre>
 * k the number of changes seen so far (so the first estimates are plain means, without a bias
 * toward 0) and {@code α = 1 − 2^(−1/halfLife)}. The scale used for event t is
 * {@code s_t = max(m_t, 1e-6·|x_t|, Double.MIN_NORMAL)}: positive even for a key that has never
 * changed. Updated with every event of the key, before the event's inputs are computed, by the
 * stream and by the trainer alike. Mutable; not thread-safe.
 */
public final class KeyScale {

    private final int features;
    /** Events observed. */
    private long count;
    private final double[] last;
    private final double[] meanChange;
    private final double[] scale;

    /** A key never seen, with {@code features} values per event. */
    public KeyScale(int features) {
        this.features = features;
        this.last = new double[features];
        this.meanChange = new double[features];
        this.scale = new double[features];
        Arrays.fill(scale, Double.MIN_NORMAL);
    }

    /** The EW weight of a new change once the 1/k start is over, for a half-life in events. */
    public static double alpha(double halfLife) {
        return -StrictMath.expm1(-StrictMath.log(2.0) / halfLife);
    }

    public int features() {
        return features;
    }

    /** Events observed. */
    public long count() {
        return count;
    }

    /** The last value of feature j (0 before the first event). */
    public double last(int j) {
        return last[j];
    }

    /** The EW mean absolute change of feature j (0 before the second event). */
    public double meanChange(int j) {
        return meanChange[j];
    }

    /** s_t of every feature, as of the last event observed. Not to be modified. */
    public double[] scales() {
        return scale;
    }

    /**
     * Folds in one event.
     *
     * @param raw D values, original units. Not modified.
     * @param alpha {@link #alpha} of the half-life
     */
    public void observe(double[] raw, double alpha) {
        if (count > 0) {
            double a = Math.max(1.0 / count, alpha);
            for (int j = 0; j < features; j++) {
                double d = Math.abs(raw[j] - last[j]);
                // A change beyond a double (opposite extremes) counts as the largest finite one.
                meanChange[j] += a * ((d <= Double.MAX_VALUE ? d : Double.MAX_VALUE) - meanChange[j]);
            }
        }
        System.arraycopy(raw, 0, last, 0, features);
        count++;
        refresh();
    }

    /** Back to a key never seen. */
    public void clear() {
        count = 0;
        Arrays.fill(last, 0.0);
        Arrays.fill(meanChange, 0.0);
        Arrays.fill(scale, Double.MIN_NORMAL);
    }

    /**
     * Sets the stored parts (a decoded state).
     *
     * @param lastValues not modified
     * @param meanChanges not modified
     * @throws IllegalArgumentException naming a negative count or a non-finite or negative value
     */
    public void restore(long events, double[] lastValues, double[] meanChanges) {
        if (events < 0) {
            throw new IllegalArgumentException("scale count is negative: " + events);
        }
        for (int j = 0; j < features; j++) {
            if (!Double.isFinite(lastValues[j])) {
                throw new IllegalArgumentException("scale last[" + j + "] is not finite: " + lastValues[j]);
            }
            if (!(meanChanges[j] >= 0 && meanChanges[j] <= Double.MAX_VALUE)) {
                throw new IllegalArgumentException("scale meanChange[" + j + "] is not a finite non-negative number: "
                        + meanChanges[j]);
            }
        }
        count = events;
        System.arraycopy(lastValues, 0, last, 0, features);
        System.arraycopy(meanChanges, 0, meanChange, 0, features);
        refresh();
    }

    /** Copies {@code other} (same feature count) into this one. */
    public void copyFrom(KeyScale other) {
        count = other.count;
        System.arraycopy(other.last, 0, last, 0, features);
        System.arraycopy(other.meanChange, 0, meanChange, 0, features);
        System.arraycopy(other.scale, 0, scale, 0, features);
    }

    private void refresh() {
        for (int j = 0; j < features; j++) {
            scale[j] = effective(meanChange[j], last[j]);
        }
    }

    /** {@code max(m, 1e-6·|x|, Double.MIN_NORMAL)}: the scale of a change, positive. */
    public static double effective(double meanChange, double value) {
        return Math.max(Math.max(meanChange, 1e-6 * Math.abs(value)), Double.MIN_NORMAL);
    }
}
