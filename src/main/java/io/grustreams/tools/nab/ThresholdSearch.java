package io.grustreams.tools.nab;

import java.util.Locale;

/**
 * How one corpus-wide threshold per profile is chosen. Both maximize the raw NAB score over
 * thresholds, where a row is a detection when its score is {@code >=} the threshold.
 */
public enum ThresholdSearch {

    /**
     * The current official optimizer (nab/sweeper.py {@code calcScoreByThreshold}): every distinct
     * score, plus 1.1 for "no detection", is a candidate; the candidate with the highest score wins,
     * the highest threshold among equal scores. The true maximum.
     */
    SWEEP("sweep"),

    /**
     * NAB 1.0's optimizer (nab/optimizer.py {@code twiddle}, initial guess 0.5, step 0.1, tolerance
     * 1e-7): a local hill-climb over the threshold. It can stop at a local maximum. Kept because
     * the published results of detectors scored before the sweeper existed (numenta, numentaTM,
     * htmjava, ...: those whose threshold is not one of their scores) were chosen this way, e.g.
     * numenta's 63.12 on {@code reward_low_FP_rate}, where {@link #SWEEP} finds a higher score.
     */
    HILL_CLIMB("hill-climb");

    private final String cliName;

    ThresholdSearch(String cliName) {
        this.cliName = cliName;
    }

    /** The name used on the command line and in JSON output. */
    public String cliName() {
        return cliName;
    }

    /** @throws IllegalArgumentException listing the valid names */
    public static ThresholdSearch fromCliName(String name) {
        for (ThresholdSearch s : values()) {
            if (s.cliName.equals(name.toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown threshold search '" + name + "'; use sweep or hill-climb");
    }
}
