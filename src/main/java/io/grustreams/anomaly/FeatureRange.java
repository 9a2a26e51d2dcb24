package io.grustreams.anomaly;

/**
 * A range an operator declares for one feature: the values it can take (a percentage's 0 and 100,
 * a sensor's span). The detector judges values and residuals against it from a key's first event
 * instead of against the range the key has shown so far. Immutable.
 *
 * @param min smallest value the feature takes; finite
 * @param max largest value the feature takes; finite and above {@code min}
 */
public record FeatureRange(double min, double max) {

    /** @throws IllegalArgumentException if a bound is not finite or {@code min >= max} */
    public FeatureRange {
        if (!Double.isFinite(min) || !Double.isFinite(max)) {
            throw new IllegalArgumentException("range bounds must be finite: [" + min + ", " + max + "]");
        }
        if (!(min < max)) {
            throw new IllegalArgumentException("range min must be below max: [" + min + ", " + max + "]");
        }
    }

    /** {@code max - min}, positive. */
    public double width() {
        return max - min;
    }
}
