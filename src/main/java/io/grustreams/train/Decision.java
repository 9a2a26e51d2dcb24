package io.grustreams.train;

import java.util.ArrayList;
import java.util.List;
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
     * The gate, on scores relative to persistence on the same validation events (below 1 beats it):
     * <ol>
     *   <li>a challenger whose score is not finite is never published;</li>
     *   <li>with {@code beatNaive}, it must beat persistence ({@code score < 1}) and each seasonal naive
     *       forecast that applies ({@code vsDaily < 1}, {@code vsWeekly < 1}): a model that does not is
     *       worse than what a user gets for free;</li>
     *   <li>with a comparable champion, {@code score < championScore · (1 − margin)}.</li>
     * </ol>
     *
     * @param vsDaily the challenger against the daily seasonal naive forecast; NaN when none applies
     * @param vsWeekly against the weekly one; NaN when none applies
     * @param championScore empty when there is no current model, or it cannot be scored on this data
     * @param championLabel how to name the champion in the reason (e.g. "current model m v3"); without a
     *     comparable one, why (e.g. "no current model")
     */
    public static Decision of(double score, double vsDaily, double vsWeekly, boolean beatNaive,
            OptionalDouble championScore, double margin, String championLabel) {
        if (!Double.isFinite(score)) {
            return new Decision(false, "the new model's validation score is " + score + " (training diverged)");
        }
        String naive = String.format(Locale.ROOT, "validation MSE %.4g x persistence's%s%s", score,
                Double.isNaN(vsDaily) ? "" : String.format(Locale.ROOT, ", %.4g x the daily naive's", vsDaily),
                Double.isNaN(vsWeekly) ? "" : String.format(Locale.ROOT, ", %.4g x the weekly naive's", vsWeekly));
        if (beatNaive) {
            List<String> lost = new ArrayList<>();
            if (!(score < 1)) {
                lost.add("persistence");
            }
            if (vsDaily >= 1) {
                lost.add("the daily seasonal naive forecast");
            }
            if (vsWeekly >= 1) {
                lost.add("the weekly seasonal naive forecast");
            }
            if (!lost.isEmpty()) {
                return new Decision(false, naive + ": it does not beat " + String.join(" and ", lost)
                        + " (force a model out with --publish-anyway)");
            }
        }
        if (championScore.isEmpty()) {
            return new Decision(true, naive + "; " + championLabel + " to compare with");
        }
        double bar = championScore.getAsDouble() * (1 - margin);
        if (score < bar) {
            return new Decision(true, String.format(Locale.ROOT,
                    "%s; beats the %s's %.4g by more than the margin %.4g (must be below %.4g)", naive, championLabel,
                    championScore.getAsDouble(), margin, bar));
        }
        return new Decision(false, String.format(Locale.ROOT,
                "%s; does not beat the %s's %.4g by the margin %.4g (must be below %.4g)", naive, championLabel,
                championScore.getAsDouble(), margin, bar));
    }
}
