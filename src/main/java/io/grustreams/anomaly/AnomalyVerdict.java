package io.grustreams.anomaly;

/**
 * What {@link AnomalyDetector} concluded about one event. Mutable and meant to be reused: the
 * processor keeps one and the detector overwrites every field on each call. Not thread-safe.
 *
 * <p>{@link #reason()} is one of the constant strings below unless {@link #transition()} is not
 * {@link Transition#NONE}; only then is a message built (so a steady stream allocates nothing).
 */
public final class AnomalyVerdict {

    /** The alert state machine's edge on this event. */
    public enum Transition {
        /** No change: the alert stays open or stays closed. */
        NONE,
        /** The alert opened on this event (once per episode). */
        OPEN,
        /** The open alert resolved on this event (once per episode). */
        RESOLVED
    }

    /** Reason: the event had no previous forecast to compare with; nothing was updated. */
    public static final String NO_FORECAST = "no previous forecast";
    /** Reason: residual statistics are still warming up; raw score 0, likelihood 0.5. */
    public static final String LEARNING_RESIDUALS = "learning residual statistics";
    /** Reason: the raw-score distribution is still being learned; likelihood 0.5. */
    public static final String LEARNING_LIKELIHOOD = "learning score distribution";
    /** Reason: scored, the alert is closed and stays closed. */
    public static final String NORMAL = "normal";
    /** Reason: scored, the alert is closed and a new one is held back by the cooldown. */
    public static final String COOLDOWN = "cooldown";
    /** Reason: scored, the alert is open and stays open. */
    public static final String ALERT_OPEN = "alert open";

    /** A verdict that reads as "no previous forecast" until a detector first writes it. */
    public AnomalyVerdict() {
    }

    double rawScore;
    double likelihood = 0.5;
    double logLikelihood;
    double anomalyScore;
    double standardizedResidual;
    int feature = -1;
    Transition transition = Transition.NONE;
    boolean alertOpen;
    boolean scored;
    String reason = NO_FORECAST;

    /**
     * Raw anomaly score in [0, 1]: {@code (1 - 2·Q(max |z|))^features}, uniform on well-forecast
     * data, near 1 for a residual far outside its usual spread; 0 when not scored.
     */
    public double rawScore() {
        return rawScore;
    }

    /** Anomaly likelihood in [0, 1]: {@code 1 - Q((shortMean - longMean) / longStd)}; 0.5 while learning. */
    public double likelihood() {
        return likelihood;
    }

    /**
     * NuPIC's log scale of the likelihood, {@code ln(1e-10 + (1 - likelihood)) / ln(1e-10)}, in
     * [0, 1]: 0.4 at likelihood 0.9999, 0.5 at 0.99999; easier to threshold and plot.
     */
    public double logLikelihood() {
        return logLikelihood;
    }

    /**
     * The event's anomaly score in [0, 1], the one to threshold per event (and NAB's score): 1 when
     * a value left the range the key has shown (beyond a small tolerance); else, once scored, the
     * novelty of the residual, {@code 0.99 · |z| / (|z| + 5)}, halved unless |z| exceeds every |z|
     * of the recent blocks; 0 otherwise. See {@link AnomalyDetector}.
     */
    public double anomalyScore() {
        return anomalyScore;
    }

    /** Standardized residual {@code z} (signed) of the feature with the largest |z|; 0 when not scored. */
    public double standardizedResidual() {
        return standardizedResidual;
    }

    /** Index of the feature with the largest |z|, or -1 when not scored. */
    public int feature() {
        return feature;
    }

    public Transition transition() {
        return transition;
    }

    /** Whether the alert is open after this event. */
    public boolean alertOpen() {
        return alertOpen;
    }

    /** Whether this event produced a raw score (false without a forecast or during residual warm-up). */
    public boolean scored() {
        return scored;
    }

    /** Why: a constant of this class, or a message built for a transition. */
    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        return "AnomalyVerdict[raw=" + rawScore + ", likelihood=" + likelihood + ", log=" + logLikelihood + ", score=" + anomalyScore
                + ", z=" + standardizedResidual + ", feature=" + feature + ", " + transition
                + ", open=" + alertOpen + ", reason=" + reason + "]";
    }
}
