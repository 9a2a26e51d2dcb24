package io.grustreams.model;

import java.util.Arrays;

/**
 * Per-feature affine normalization {@code x' = (x - mean) / std}, estimated on training data and
 * stored with the model. The network sees normalized inputs and forecasts normalized values;
 * {@link #denormalize} maps a forecast back to original units. Immutable.
 */
public final class Normalization {

    private final double[] mean;
    private final double[] std;

    /**
     * @throws IllegalArgumentException if lengths differ, a value is not finite or a std is not positive
     */
    public Normalization(double[] mean, double[] std) {
        if (mean.length != std.length) {
            throw new IllegalArgumentException("normalization mean has " + mean.length + " values, std " + std.length);
        }
        for (int i = 0; i < mean.length; i++) {
            if (!Double.isFinite(mean[i])) {
                throw new IllegalArgumentException("normalization mean[" + i + "] is not finite: " + mean[i]);
            }
            if (!(std[i] > 0) || !Double.isFinite(std[i])) {
                throw new IllegalArgumentException("normalization std[" + i + "] must be positive and finite: " + std[i]);
            }
        }
        this.mean = mean.clone();
        this.std = std.clone();
    }

    /** Mean 0, std 1 for each of {@code size} features. */
    public static Normalization identity(int size) {
        double[] ones = new double[size];
        Arrays.fill(ones, 1.0);
        return new Normalization(new double[size], ones);
    }

    public int size() {
        return mean.length;
    }

    public double mean(int i) {
        return mean[i];
    }

    public double std(int i) {
        return std[i];
    }

    /** A copy of the means. */
    public double[] means() {
        return mean.clone();
    }

    /** A copy of the standard deviations. */
    public double[] stds() {
        return std.clone();
    }

    /**
     * Normalizes {@code raw[0..size)} into {@code out}. {@code out} may be {@code raw}.
     *
     * @param raw not modified (unless it is {@code out})
     * @param out modified
     */
    public void normalize(double[] raw, double[] out) {
        for (int i = 0; i < mean.length; i++) {
            out[i] = (raw[i] - mean[i]) / std[i];
        }
    }

    /** Inverse of {@link #normalize} for feature {@code i}. */
    public double denormalize(int i, double normalized) {
        return normalized * std[i] + mean[i];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalization other && Arrays.equals(other.mean, mean) && Arrays.equals(other.std, std);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(mean) * 31 + Arrays.hashCode(std);
    }
}
