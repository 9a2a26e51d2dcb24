package io.grustreams.anomaly;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * Scores events of one key against the previous forecast and runs the alert state machine. Holds
 * only the configuration; every per-key number lives in an {@link AnomalyState} the caller
 * passes in, so one detector serves all keys of a processor. Thread-safe as long as no two
 * threads use the same state or verdict at once.
 *
 * <h2>Per event (all in {@link #score})</h2>
 * <ol>
 *   <li><b>Residual</b> per feature {@code r_i = actual_i - expected_i}.</li>
 *   <li><b>Standardized residual</b> against the statistics <em>before</em> this event (an
 *       outlier must not explain itself): {@code z_i = (r_i - m_i) / max(sqrt(v_i), minStd)}.</li>
 *   <li><b>Raw score</b> {@code s = (1 - 2·Q(max_i |z_i|))^D}: the probability, were the D
 *       residuals independent standard normals, that every one of them is less extreme than the
 *       most extreme one seen (Sidak's correction of the maximum). Under that null {@code s} is
 *       uniform on [0, 1] whatever D and the features' units, so one set of likelihood
 *       thresholds serves every model; without the power, the maximum of D uniforms crowds
 *       toward 1 and leaves less room for an anomaly to stand out.</li>
 *   <li><b>Statistics update</b> (West 1979, exponentially weighted): with
 *       {@code a = max(alpha, 1/n)} for the n-th residual, {@code d = r - m; m += a·d;
 *       v = (1 - a)·(v + a·d²)}. Exponential weighting because a stream never ends and must forget
 *       old regimes (a retrained model, a moved sensor); {@code a = 1/n} at first makes the early
 *       estimates the plain mean and population variance instead of a bias toward 0.</li>
 *   <li><b>Anomaly likelihood</b> (NuPIC, Ahmad et al. 2017, "Unsupervised real-time anomaly
 *       detection for streaming data"): {@code shortMean} is the mean of the last W raw scores.
 *       It is judged against a reference distribution of earlier short means, those at least W
 *       events old (so none shares a raw score with the current one, in the spirit of NuPIC
 *       estimating its distribution only every 100 records): the last W short means wait in a
 *       lag window, and the one leaving it is folded into an exponentially weighted mean
 *       {@code mu} and variance (West's update as in step 4, {@code a = max(2/(N+1), 1/n)}, N =
 *       {@link AnomalyConfig#longWindow()} the span: the same mean age as NuPIC's window of N
 *       means, in W + W + 3 numbers instead of N + W). With
 *       {@code sigma² = max(var, minLikelihoodVariance)}, the likelihood is
 *       {@code 1 - Q((shortMean - mu) / sigma)}, 0.5 until the reference holds
 *       {@code learningPeriod} means. Unlike NuPIC's {@code tailProbability}, which folds values
 *       below the mean onto the upper tail, this is one-sided: a stretch of unusually small
 *       residuals (a model forecasting better than usual) is not an anomaly.</li>
 *   <li><b>Alert</b>: {@link AlertMachine}.</li>
 *   <li><b>Anomaly score</b> ({@link AnomalyVerdict#anomalyScore()}), one number per event for a
 *       threshold, from two novelty signals (tuned on the Numenta Anomaly Benchmark, where a dense
 *       likelihood fires on too many rows; docs/anomaly-detection.md):
 *       <ul>
 *         <li>out of range: some value lies outside {@code [low - t·(high - low), high + t·(high - low)]}
 *             of every value the key has shown before ({@code t = }{@value #RANGE_TOLERANCE}): score 1.
 *             The spatial-anomaly rule of Numenta's NAB detector, kept online. A feature with a
 *             declared range ({@link FeatureRange}) also scores 1 beyond it by more than t of its
 *             width, from the key's first event on.</li>
 *         <li>else, once scored, {@code s = 0.99 · |z| / (|z| + }{@value #NOVELTY_SCALE}{@code )}, with each
 *             feature's |z| taken against a std of at least {@link AnomalyConfig#rangeResolution()}
 *             of its declared range's width (when one is declared), halved
 *             unless |z| beats the largest |z| of the current block and the {@value #NOVELTY_BLOCKS}
 *             previous blocks of {@value #NOVELTY_BLOCK} scored events: a residual is surprising
 *             when it is larger than what the key's recent past has shown, whatever its
 *             Gaussian tail says. Blocks bound the state at K + 1 doubles instead of a ring of the
 *             last few hundred |z|.</li>
 *       </ul></li>
 * </ol>
 *
 * <p>Transcendental functions come from {@link StrictMath}, not {@link Math}: intrinsics may
 * differ by an ulp between CPUs, and the same input must replay to the same bits and alerts on
 * any machine (DESIGN.md, "replaying the same input gives the same output").
 */
public final class AnomalyDetector {

    private static final double LOG_LIKELIHOOD_EPSILON = 1e-10;
    private static final double LOG_LIKELIHOOD_SCALE = 1.0 / StrictMath.log(LOG_LIKELIHOOD_EPSILON);

    /** Fraction of a key's value range a value may exceed it by before it is out of range. */
    public static final double RANGE_TOLERANCE = 0.02;
    /** |z| at which the novelty shape {@code |z| / (|z| + c)} is one half. */
    public static final double NOVELTY_SCALE = 5.0;
    /** Scored events per block of the |z| maxima. */
    public static final int NOVELTY_BLOCK = 100;
    /** Complete blocks of |z| maxima kept besides the current one. */
    public static final int NOVELTY_BLOCKS = 3;

    /** Largest |actual - expected| accepted: its square must stay finite in the variance. */
    public static final double MAX_RESIDUAL = 1e150;

    private final AnomalyConfig config;
    private final int features;
    /** EW weight of a new residual once the 1/n start-up phase is over. */
    private final double alpha;
    /** EW weight of a short mean joining the reference once its 1/n start-up phase is over: 2/(N+1). */
    private final double referenceAlpha;
    /** Declared range per feature; NaN bounds where none is declared. */
    private final double[] declaredLow;
    private final double[] declaredHigh;
    /** Per feature, {@link AnomalyConfig#rangeResolution()} of its declared width; 0 where none is declared. */
    private final double[] resolution;

    /**
     * A detector with no declared ranges: every feature is judged against the range its key has shown.
     *
     * @param features values per event (the model's input size), at least 1
     * @throws IllegalArgumentException if {@code features} is out of range
     */
    public AnomalyDetector(AnomalyConfig config, int features) {
        this(config, features, Map.of());
    }

    /**
     * @param features values per event (the model's input size), at least 1
     * @param declared the declared range of some features, by feature index; not modified
     * @throws IllegalArgumentException if {@code features} is out of range or a declared index is not a feature
     */
    public AnomalyDetector(AnomalyConfig config, int features, Map<Integer, FeatureRange> declared) {
        this.config = Objects.requireNonNull(config, "config");
        if (features < 1 || features > AnomalyState.MAX_FEATURES) {
            throw new IllegalArgumentException("features must be in [1, " + AnomalyState.MAX_FEATURES + "]: "
                    + features);
        }
        this.features = features;
        this.declaredLow = new double[features];
        this.declaredHigh = new double[features];
        Arrays.fill(declaredLow, Double.NaN);
        Arrays.fill(declaredHigh, Double.NaN);
        this.resolution = new double[features];
        for (Map.Entry<Integer, FeatureRange> e : declared.entrySet()) {
            int i = e.getKey();
            if (i < 0 || i >= features) {
                throw new IllegalArgumentException("declared range for feature " + i + " of " + features);
            }
            FeatureRange r = e.getValue();
            declaredLow[i] = r.min();
            declaredHigh[i] = r.max();
            resolution[i] = config.rangeResolution() * r.width();
        }
        // Half-life h: (1 - alpha)^h = 1/2.
        this.alpha = -StrictMath.expm1(-StrictMath.log(2.0) / config.residualHalfLife());
        this.referenceAlpha = 2.0 / (config.longWindow() + 1.0);
    }

    public AnomalyConfig config() {
        return config;
    }

    public int features() {
        return features;
    }

    /** A state for a key never seen before: no statistics, empty rings, alert closed. */
    public AnomalyState newState() {
        return new AnomalyState(features, config.shortWindow());
    }

    /**
     * Scores one event: {@code actual} against the forecast made for it at the previous event
     * (both in original units, length {@link #features()}), updates the state's statistics, rings
     * and alert machine, and writes the result into {@code out}. Allocates nothing unless the
     * alert opens or resolves on this event (then only the reason string).
     *
     * @param state modified
     * @param actual not modified
     * @param expected not modified
     * @param out modified; every field overwritten
     * @throws IllegalArgumentException if a length differs from {@link #features()}, the state was
     *     made for another feature count, or a value is not finite or a
     *     residual exceeds {@link #MAX_RESIDUAL}; the state is then unchanged
     */
    public void score(AnomalyState state, double[] actual, double[] expected, AnomalyVerdict out) {
        checkShapes(state, actual, expected);
        double minStd = config.minResidualStd();
        boolean outOfRange = range(state, actual);

        // Steps 1-2: the most unusual standardized residual, against statistics before this event.
        double bestZ = 0.0;
        double noveltyZ = 0.0;
        int bestFeature = 0;
        double raw = 0.0;
        boolean warm = state.residualCount >= config.residualWarmup();
        if (warm) {
            for (int i = 0; i < features; i++) {
                double r = actual[i] - expected[i];
                double std = Math.max(Math.sqrt(state.variance[i]), minStd);
                double z = (r - state.mean[i]) / std;
                if (Math.abs(z) > Math.abs(bestZ)) {
                    bestZ = z;
                    bestFeature = i;
                }
                // Step 7's |z|: against a std of at least the declared range's resolution.
                noveltyZ = Math.max(noveltyZ, Math.abs(r - state.mean[i]) / Math.max(std, resolution[i]));
            }
            // Step 3: raw score, the Sidak-corrected coverage of the largest |z| (see the class comment).
            raw = powInt(Gaussian.twoSidedCoverage(bestZ), features);
        }

        // Step 4.
        fold(state, actual, expected);

        out.transition = AnomalyVerdict.Transition.NONE;
        out.alertOpen = state.alertOpen;
        if (!warm) {
            setUnscored(out, AnomalyVerdict.LEARNING_RESIDUALS);
            out.anomalyScore = outOfRange ? 1.0 : 0.0;
            return;
        }

        out.anomalyScore = outOfRange ? 1.0 : 0.99 * novelty(state, noveltyZ);
        out.scored = true;
        out.rawScore = raw;
        out.standardizedResidual = bestZ;
        out.feature = bestFeature;

        // Step 5: short mean including this score, judged against the reference of older short means.
        pushShort(state, raw);
        double shortMean = shortMean(state);
        boolean learning = state.referenceCount < config.learningPeriod();
        double tail = 0.5;
        if (!learning) {
            double var = Math.max(state.referenceVariance, config.minLikelihoodVariance());
            tail = Gaussian.upperTail((shortMean - state.referenceMean) / Math.sqrt(var));
        }
        pushLag(state, shortMean);
        out.likelihood = 1.0 - tail;
        out.logLikelihood = logLikelihood(tail);

        if (learning) {
            out.reason = AnomalyVerdict.LEARNING_LIKELIHOOD;
            return;
        }
        // Step 6.
        AlertMachine.step(state, config, out.likelihood, out);
    }

    /**
     * Step 7, out of range: whether some value of {@code actual} lies beyond the key's range so far,
     * or beyond its feature's declared range, by more than {@link #RANGE_TOLERANCE} of that range's
     * width; then widens the key's range to include it. The declared range adds to the key's range
     * rather than replacing it: a value inside what a sensor can show may still be one this key has
     * never shown (on NAB, where the declared range is each file's own, replacing it loses 15 points).
     */
    private boolean range(AnomalyState state, double[] actual) {
        boolean out = false;
        boolean first = state.valueCount == 0;
        if (first) {
            System.arraycopy(actual, 0, state.low, 0, actual.length);
            System.arraycopy(actual, 0, state.high, 0, actual.length);
        }
        for (int i = 0; i < actual.length; i++) {
            if (!Double.isNaN(declaredLow[i])) {
                double slack = RANGE_TOLERANCE * (declaredHigh[i] - declaredLow[i]);
                out |= actual[i] > declaredHigh[i] + slack || actual[i] < declaredLow[i] - slack;
            }
            if (!first) {
                double slack = RANGE_TOLERANCE * (state.high[i] - state.low[i]);
                out |= actual[i] > state.high[i] + slack || actual[i] < state.low[i] - slack;
            }
            state.low[i] = Math.min(state.low[i], actual[i]);
            state.high[i] = Math.max(state.high[i], actual[i]);
        }
        state.valueCount++;
        return out;
    }

    /**
     * Step 7, novelty of a residual: {@code |z| / (|z| + c)}, halved unless |z| exceeds the block
     * maxima; then folds |z| into the current block, which joins the K kept ones when full.
     */
    private static double novelty(AnomalyState state, double absZ) {
        double recent = state.noveltyMax;
        for (double m : state.noveltyMaxima) {
            recent = Math.max(recent, m);
        }
        double shape = absZ / (absZ + NOVELTY_SCALE);
        double s = absZ > recent ? shape : 0.5 * shape;
        state.noveltyMax = Math.max(state.noveltyMax, absZ);
        if (++state.noveltyFill == NOVELTY_BLOCK) {
            double[] m = state.noveltyMaxima;
            System.arraycopy(m, 1, m, 0, m.length - 1);
            m[m.length - 1] = state.noveltyMax;
            state.noveltyMax = 0.0;
            state.noveltyFill = 0;
        }
        return s;
    }

    /**
     * An event whose values are known but that no forecaster looked at (the key has no model yet):
     * only the value range learns from it, so the range is the key's whole history when scoring
     * starts. Allocates nothing.
     *
     * @param state modified
     * @param actual not modified
     * @throws IllegalArgumentException on a wrong length or a value that is not finite
     */
    public void observe(AnomalyState state, double[] actual) {
        checkState(state);
        checkValues(actual);
        range(state, actual);
    }

    /**
     * As {@link #scoreWithoutForecast(AnomalyState, AnomalyVerdict)}, but the event's values are
     * known: the range learns from them and an out-of-range value gets anomaly score 1.
     *
     * @param state modified (the range only)
     * @param actual not modified
     * @param out modified; every field overwritten
     */
    public void scoreWithoutForecast(AnomalyState state, double[] actual, AnomalyVerdict out) {
        checkValues(actual);
        scoreWithoutForecast(state, out);
        out.anomalyScore = range(state, actual) ? 1.0 : 0.0;
    }

    private void checkValues(double[] actual) {
        if (actual.length != features) {
            throw new IllegalArgumentException("actual has " + actual.length + " values, expected " + features);
        }
        for (int i = 0; i < features; i++) {
            if (!Double.isFinite(actual[i])) {
                throw new IllegalArgumentException("actual[" + i + "] is not finite: " + actual[i]);
            }
        }
    }

    /** Step 4: folds one event's residuals into the statistics (West 1979), a = max(alpha, 1/n). */
    private void fold(AnomalyState state, double[] actual, double[] expected) {
        state.residualCount++;
        double a = Math.max(alpha, 1.0 / state.residualCount);
        for (int i = 0; i < features; i++) {
            double d = (actual[i] - expected[i]) - state.mean[i];
            state.mean[i] += a * d;
            state.variance[i] = (1.0 - a) * (state.variance[i] + a * d * d);
        }
    }

    /**
     * Forgets the residual statistics (mean, variance, count), for when another forecaster takes
     * over: its residuals have their own bias and spread, and judging them against the old
     * forecaster's would flag a well-behaved series as anomalous. The raw-score and likelihood
     * windows and the alert machine are kept: raw scores are calibrated (uniform under the null)
     * whichever forecaster made them, so their history stays a valid reference, and an open alert
     * still resolves through its own hysteresis. Until {@link AnomalyConfig#residualWarmup()}
     * residuals have been folded in again ({@link #learn} or {@link #score}), events are not scored.
     *
     * @param state modified
     */
    public void restartResiduals(AnomalyState state) {
        checkState(state);
        state.residualCount = 0;
        Arrays.fill(state.mean, 0.0);
        Arrays.fill(state.variance, 0.0);
    }

    /**
     * Folds one residual into the statistics without scoring it or touching the windows and the
     * alert machine: for residuals of past events recomputed under a new forecaster (the stream's
     * re-warm replays a key's recent inputs). Same arithmetic as step 4 of {@link #score}.
     * Allocates nothing.
     *
     * @param state modified
     * @param actual not modified
     * @param expected not modified
     * @throws IllegalArgumentException as {@link #score}; the state is then unchanged
     */
    public void learn(AnomalyState state, double[] actual, double[] expected) {
        checkShapes(state, actual, expected);
        fold(state, actual, expected);
    }

    /**
     * An event with no previous forecast to compare with (the key's first event, or the first
     * after a model change): nothing in the state changes, so later scores are not biased, and
     * {@code out} says so ({@link AnomalyVerdict#scored()} false, likelihood 0.5, transition NONE,
     * the alert's current openness). Allocates nothing.
     *
     * @param state not modified
     * @param out modified; every field overwritten
     */
    public void scoreWithoutForecast(AnomalyState state, AnomalyVerdict out) {
        checkState(state);
        out.transition = AnomalyVerdict.Transition.NONE;
        out.alertOpen = state.alertOpen;
        setUnscored(out, AnomalyVerdict.NO_FORECAST);
    }

    private static void setUnscored(AnomalyVerdict out, String reason) {
        out.scored = false;
        out.rawScore = 0.0;
        out.likelihood = 0.5;
        out.logLikelihood = logLikelihood(0.5);
        out.anomalyScore = 0.0;
        out.standardizedResidual = 0.0;
        out.feature = -1;
        out.reason = reason;
    }

    /**
     * {@code x^n} by repeated squaring: exact IEEE products, so the same on every JVM, and
     * allocation-free even before the JIT compiles it (JDK 17's {@code StrictMath.pow} is not).
     */
    static double powInt(double x, int n) {
        double result = 1.0;
        double base = x;
        for (int e = n; e > 0; e >>= 1) {
            if ((e & 1) != 0) {
                result *= base;
            }
            base *= base;
        }
        return result;
    }

    /**
     * NuPIC's {@code computeLogLikelihood}, {@code ln(1.0000000001 - L) / ln(1e-10)}, computed from
     * the tail {@code 1 - L} so that its digits are not lost in the subtraction; clamped at 0.
     */
    static double logLikelihood(double tail) {
        return Math.max(0.0, StrictMath.log(LOG_LIKELIHOOD_EPSILON + tail) * LOG_LIKELIHOOD_SCALE);
    }

    /**
     * Mean of the raw scores held, summed afresh and oldest first: a restored state (whose ring
     * starts at index 0) then gives the same bits as one that never left memory, and no running sum
     * drifts. In [0, 1]: a partial sum of k values in [0, 1] is at most k, which is representable,
     * so rounding never carries it past; the quotient of at most 1 then rounds to at most 1.
     */
    static double shortMean(AnomalyState s) {
        double sum = 0.0;
        for (int i = 0; i < s.shortCount; i++) {
            sum += s.shortScore(i);
        }
        return sum / s.shortCount;
    }

    /** Appends a raw score, dropping the oldest of W. */
    static void pushShort(AnomalyState s, double x) {
        double[] ring = s.shortRing;
        ring[s.shortHead] = x;
        s.shortHead = (s.shortHead + 1) % ring.length;
        s.shortCount = Math.min(s.shortCount + 1, ring.length);
    }

    /**
     * Appends a short mean to the lag window; the one it pushes out, W events old, joins the
     * reference (West's EW update, {@code a = max(2/(N+1), 1/n)}). A younger short mean shares raw
     * scores with the current one, and letting the current anomaly's own early averages widen the
     * reference would blunt the likelihood exactly when it should rise.
     */
    private void pushLag(AnomalyState s, double x) {
        double[] ring = s.lagRing;
        if (s.lagCount == ring.length) {
            double joining = ring[s.lagHead];
            s.referenceCount++;
            double a = Math.max(referenceAlpha, 1.0 / s.referenceCount);
            double d = joining - s.referenceMean;
            // A convex combination of values in [0, 1]; the clamp only undoes rounding.
            s.referenceMean = Math.min(1.0, Math.max(0.0, s.referenceMean + a * d));
            s.referenceVariance = (1.0 - a) * (s.referenceVariance + a * d * d);
        } else {
            s.lagCount++;
        }
        ring[s.lagHead] = x;
        s.lagHead = (s.lagHead + 1) % ring.length;
    }

    private void checkShapes(AnomalyState state, double[] actual, double[] expected) {
        checkState(state);
        if (actual.length != features) {
            throw new IllegalArgumentException("actual has " + actual.length + " values, expected " + features);
        }
        if (expected.length != features) {
            throw new IllegalArgumentException("expected has " + expected.length + " values, expected " + features);
        }
        for (int i = 0; i < features; i++) {
            if (!Double.isFinite(actual[i])) {
                throw new IllegalArgumentException("actual[" + i + "] is not finite: " + actual[i]);
            }
            if (!Double.isFinite(expected[i])) {
                throw new IllegalArgumentException("expected[" + i + "] is not finite: " + expected[i]);
            }
            if (!(Math.abs(actual[i] - expected[i]) <= MAX_RESIDUAL)) {
                throw new IllegalArgumentException("residual of feature " + i + " exceeds " + MAX_RESIDUAL
                        + " in magnitude: actual " + actual[i] + ", expected " + expected[i]);
            }
        }
    }

    private void checkState(AnomalyState state) {
        if (state.features != features || state.shortRing.length != config.shortWindow()) {
            throw new IllegalArgumentException("state has " + state.features + " features and short window "
                    + state.shortRing.length + "; this detector has " + features + " features and short window "
                    + config.shortWindow());
        }
    }
}
