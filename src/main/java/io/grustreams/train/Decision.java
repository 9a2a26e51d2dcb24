package io.grustreams.train;

import java.util.Locale;
import java.util.OptionalDouble;

/**
 * The champion/challenger verdict of a run.
 *
 * @param publish whether the new model should be published
 * @param reason one line: why it is published or not, with the figures
 */
public record Decision(boolean publish, String reason) {

    /**
     * The gate: the challenger is published iff there is no comparable champion, or
     * {@code challengerMse < championMse · (1 − margin)}. A challenger whose MSE is not finite never is.
     *
     * @param championMse empty when there is no current model, or it cannot be scored on this data
     * @param championLabel how to name the champion in the reason (e.g. "current model m v3"); without a
     *     comparable one, why (e.g. "no current model")
     */
    public static Decision of(double challengerMse, OptionalDouble championMse, double margin, String championLabel) {
        if (!Double.isFinite(challengerMse)) {
            return new Decision(false, "the new model's validation MSE is " + challengerMse + " (training diverged)");
        }
        if (championMse.isEmpty()) {
            return new Decision(true, String.format(Locale.ROOT, "%s to compare with; validation MSE %.6g",
                    championLabel, challengerMse));
        }
        double bar = championMse.getAsDouble() * (1 - margin);
        if (challengerMse < bar) {
            return new Decision(true, String.format(Locale.ROOT,
                    "validation MSE %.6g beats the %s's %.6g by more than the margin %.4g (must be below %.6g)",
                    challengerMse, championLabel, championMse.getAsDouble(), margin, bar));
        }
        return new Decision(false, String.format(Locale.ROOT,
                "validation MSE %.6g does not beat the %s's %.6g by the margin %.4g (must be below %.6g)",
                challengerMse, championLabel, championMse.getAsDouble(), margin, bar));
    }
}
