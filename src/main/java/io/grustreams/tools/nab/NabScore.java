package io.grustreams.tools.nab;

import java.util.List;

/**
 * A detector's NAB result on one profile at one corpus-wide threshold.
 *
 * <p>{@code normalizedScore = 100 · (rawScore − nullScore) / (perfectScore − nullScore)} (NAB
 * runner {@code normalize}). {@code perfectScore} is the number of windows in the label file
 * times {@code A_tp}; {@code nullScore} is the score of a detector that never fires,
 * {@code −A_fn} per window that has rows after the probationary period (all 116 in NAB's
 * corpus), which is what the official null detector scores at its optimized threshold.
 *
 * @param thresholdSource how the threshold was chosen: a {@link ThresholdSearch#cliName()} or {@code "given"}
 * @param threshold       rows with score {@code >=} this are detections; 1.1 means none
 * @param rawScore        sum of the per-file scores, NAB's {@code Totals} row
 * @param tp              corpus totals of the per-file counts (rows, see {@link FileScore})
 * @param files           per-file scores in corpus order; unmodifiable
 */
public record NabScore(String detector, String profile, String thresholdSource, double threshold,
        double rawScore, double nullScore, double perfectScore, int tp, int tn, int fp, int fn,
        int windowsDetected, int windows, List<FileScore> files) {

    public NabScore {
        files = List.copyOf(files);
    }

    /** The NAB score: 0 for the null detector, 100 for a perfect one; NaN for a corpus without windows. */
    public double normalizedScore() {
        return 100 * (rawScore - nullScore) / (perfectScore - nullScore);
    }
}
