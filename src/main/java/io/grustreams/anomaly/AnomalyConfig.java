package io.grustreams.anomaly;

/**
 * Every knob of per-key anomaly detection, with defaults from {@link #defaults()}. Immutable; the
 * constructor rejects out-of-range values with a message that names the field.
 *
 * <p>Three stages, each with its own knobs (see {@link AnomalyDetector} for the equations):
 * <ol>
 *   <li>Residual statistics: an exponentially weighted mean and variance of
 *       {@code actual - forecast} per feature, giving a standardized residual {@code z} and a raw
 *       score {@code 1 - 2·Q(|z|)} in [0, 1].</li>
 *   <li>Anomaly likelihood (NuPIC): a short moving average of raw scores compared with an
 *       exponentially weighted distribution of that average's earlier values.</li>
 *   <li>Alert state machine: open threshold held for some events, a lower resolve threshold
 *       (hysteresis) held for some events, then a cooldown.</li>
 * </ol>
 *
 * @param residualHalfLife events after which a residual's weight in the running mean and variance
 *     has halved; {@code alpha = 1 - 2^(-1/halfLife)}. Default 1000. At least 1.
 * @param residualWarmup residuals folded into the statistics before any is scored (the first
 *     few standardized residuals divide by an estimate from one or two samples). Default 30.
 *     At least 2.
 * @param minResidualStd floor on each feature's residual standard deviation, in the feature's
 *     original units, so a perfectly forecast constant signal does not turn rounding noise into
 *     infinite {@code z}. Default 1e-6. Positive and finite.
 * @param shortWindow W, raw scores in the short moving average (NuPIC's {@code averagingWindow});
 *     also the age a short average reaches before it joins the reference. A key's anomaly state
 *     keeps 2W doubles for them. Default 10. At least 1 and at most {@code learningPeriod}.
 * @param longWindow N, the span of the reference: short averages are folded into an exponentially
 *     weighted mean and variance with weight {@code 2/(N+1)} (NuPIC's {@code historicWindowSize}
 *     of N averages has the same mean age). Default 400: the variance of overlapping averages is
 *     estimated from few effectively independent samples, and a shorter span makes the likelihood
 *     noticeably noisier. Between 2 and {@value #MAX_WINDOW}; it does not change the state's size.
 * @param learningPeriod short averages in the reference before the likelihood is computed;
 *     before that it is 0.5. Default 100 (NuPIC's {@code estimationSamples}). Between 2 and
 *     {@code longWindow}.
 * @param minLikelihoodVariance floor on the variance of the reference (NuPIC's 0.0003), so a
 *     stretch of near-identical scores does not make the slightest blip certain. Default 0.0003.
 *     Positive and finite.
 * @param openThreshold likelihood at or above which an event counts toward opening an alert.
 *     Default 0.99999 (NuPIC's red threshold; log-likelihood 0.5): on Gaussian residuals
 *     0.9999 opens several false alerts per 100k events. In (0, 1).
 * @param openAfter consecutive events at or above {@code openThreshold} that open an alert.
 *     Default 2. At least 1.
 * @param resolveThreshold likelihood below which an event counts toward resolving an open alert;
 *     below {@code openThreshold} for hysteresis. Default 0.99. In (0, openThreshold].
 * @param resolveAfter consecutive events below {@code resolveThreshold} that resolve an open
 *     alert. Default 10. At least 1.
 * @param cooldown scored events after a RESOLVED during which no new alert opens. Default 100.
 *     At least 0.
 * @param rangeResolution for a feature with a declared range, the smallest residual std the anomaly
 *     score's residual novelty divides by, as a fraction of the range's width: residuals that are
 *     small against what the sensor can show are not novel however steady the key has been (HTM
 *     sizes its value encoder's buckets from the range the same way). Only the anomaly score uses
 *     it; the raw score, likelihood and alerts do not. Default 0.01 (NAB, standard protocol:
 *     docs/anomaly-detection.md). In [0, 1); 0 turns it off.
 */
public record AnomalyConfig(
        double residualHalfLife,
        int residualWarmup,
        double minResidualStd,
        int shortWindow,
        int longWindow,
        int learningPeriod,
        double minLikelihoodVariance,
        double openThreshold,
        int openAfter,
        double resolveThreshold,
        int resolveAfter,
        int cooldown,
        double rangeResolution) {

    /** Largest {@link #longWindow} (and so {@link #shortWindow}, which a key's state holds twice). */
    public static final int MAX_WINDOW = 1 << 16;

    /** Default rangeResolution. */
    public static final double DEFAULT_RANGE_RESOLUTION = 0.01;

    /** The knobs before declared ranges existed, with the default {@link #rangeResolution}. */
    public AnomalyConfig(double residualHalfLife, int residualWarmup, double minResidualStd, int shortWindow,
            int longWindow, int learningPeriod, double minLikelihoodVariance, double openThreshold, int openAfter,
            double resolveThreshold, int resolveAfter, int cooldown) {
        this(residualHalfLife, residualWarmup, minResidualStd, shortWindow, longWindow, learningPeriod,
                minLikelihoodVariance, openThreshold, openAfter, resolveThreshold, resolveAfter, cooldown,
                DEFAULT_RANGE_RESOLUTION);
    }

    /**
     * @throws IllegalArgumentException naming the first field out of range
     */
    public AnomalyConfig {
        if (!(residualHalfLife >= 1) || !Double.isFinite(residualHalfLife)) {
            throw new IllegalArgumentException("residualHalfLife must be finite and >= 1: " + residualHalfLife);
        }
        if (residualWarmup < 2) {
            throw new IllegalArgumentException("residualWarmup must be >= 2: " + residualWarmup);
        }
        if (!(minResidualStd > 0) || !Double.isFinite(minResidualStd)) {
            throw new IllegalArgumentException("minResidualStd must be positive and finite: " + minResidualStd);
        }
        if (longWindow < 2 || longWindow > MAX_WINDOW) {
            throw new IllegalArgumentException("longWindow must be in [2, " + MAX_WINDOW + "]: " + longWindow);
        }
        if (learningPeriod < 2 || learningPeriod > longWindow) {
            throw new IllegalArgumentException("learningPeriod must be in [2, longWindow=" + longWindow + "]: "
                    + learningPeriod);
        }
        if (shortWindow < 1 || shortWindow > learningPeriod) {
            throw new IllegalArgumentException("shortWindow must be in [1, learningPeriod=" + learningPeriod + "]: "
                    + shortWindow);
        }
        if (!(minLikelihoodVariance > 0) || !Double.isFinite(minLikelihoodVariance)) {
            throw new IllegalArgumentException("minLikelihoodVariance must be positive and finite: "
                    + minLikelihoodVariance);
        }
        if (!(openThreshold > 0 && openThreshold < 1)) {
            throw new IllegalArgumentException("openThreshold must be in (0, 1): " + openThreshold);
        }
        if (openAfter < 1) {
            throw new IllegalArgumentException("openAfter must be >= 1: " + openAfter);
        }
        if (!(resolveThreshold > 0 && resolveThreshold <= openThreshold)) {
            throw new IllegalArgumentException("resolveThreshold must be in (0, openThreshold=" + openThreshold
                    + "]: " + resolveThreshold);
        }
        if (resolveAfter < 1) {
            throw new IllegalArgumentException("resolveAfter must be >= 1: " + resolveAfter);
        }
        if (cooldown < 0) {
            throw new IllegalArgumentException("cooldown must be >= 0: " + cooldown);
        }
        if (!(rangeResolution >= 0 && rangeResolution < 1)) {
            throw new IllegalArgumentException("rangeResolution must be in [0, 1): " + rangeResolution);
        }
    }

    /** The documented defaults. */
    public static AnomalyConfig defaults() {
        return new Builder().build();
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.residualHalfLife = residualHalfLife;
        b.residualWarmup = residualWarmup;
        b.minResidualStd = minResidualStd;
        b.shortWindow = shortWindow;
        b.longWindow = longWindow;
        b.learningPeriod = learningPeriod;
        b.minLikelihoodVariance = minLikelihoodVariance;
        b.openThreshold = openThreshold;
        b.openAfter = openAfter;
        b.resolveThreshold = resolveThreshold;
        b.resolveAfter = resolveAfter;
        b.cooldown = cooldown;
        b.rangeResolution = rangeResolution;
        return b;
    }

    /** Sets knobs by name; {@link #build()} validates. Not thread-safe. */
    public static final class Builder {
        private double residualHalfLife = 1000;
        private int residualWarmup = 30;
        private double minResidualStd = 1e-6;
        private int shortWindow = 10;
        private int longWindow = 400;
        private int learningPeriod = 100;
        private double minLikelihoodVariance = 0.0003;
        private double openThreshold = 0.99999;
        private int openAfter = 2;
        private double resolveThreshold = 0.99;
        private int resolveAfter = 10;
        private int cooldown = 100;
        private double rangeResolution = DEFAULT_RANGE_RESOLUTION;

        private Builder() {
        }

        public Builder residualHalfLife(double v) {
            residualHalfLife = v;
            return this;
        }

        public Builder residualWarmup(int v) {
            residualWarmup = v;
            return this;
        }

        public Builder minResidualStd(double v) {
            minResidualStd = v;
            return this;
        }

        public Builder shortWindow(int v) {
            shortWindow = v;
            return this;
        }

        public Builder longWindow(int v) {
            longWindow = v;
            return this;
        }

        public Builder learningPeriod(int v) {
            learningPeriod = v;
            return this;
        }

        public Builder minLikelihoodVariance(double v) {
            minLikelihoodVariance = v;
            return this;
        }

        public Builder openThreshold(double v) {
            openThreshold = v;
            return this;
        }

        public Builder openAfter(int v) {
            openAfter = v;
            return this;
        }

        public Builder resolveThreshold(double v) {
            resolveThreshold = v;
            return this;
        }

        public Builder resolveAfter(int v) {
            resolveAfter = v;
            return this;
        }

        public Builder cooldown(int v) {
            cooldown = v;
            return this;
        }

        public Builder rangeResolution(double v) {
            rangeResolution = v;
            return this;
        }

        /** @throws IllegalArgumentException naming the first field out of range */
        public AnomalyConfig build() {
            return new AnomalyConfig(residualHalfLife, residualWarmup, minResidualStd, shortWindow, longWindow,
                    learningPeriod, minLikelihoodVariance, openThreshold, openAfter, resolveThreshold,
                    resolveAfter, cooldown, rangeResolution);
        }
    }
}
