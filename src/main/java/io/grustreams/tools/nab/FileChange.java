package io.grustreams.tools.nab;

import java.util.List;

/**
 * What one data file gained or lost between two results of the same corpus on one profile, each
 * scored at its own threshold (usually each one's optimized threshold): the file's raw score
 * before and after, the labelled windows detected now and missed before ({@code gained}) or the
 * reverse ({@code lost}), and the false-positive rows (detections outside windows, after the
 * probationary period) that only the new results have ({@code fpAdded}) or only the old ones
 * ({@code fpRemoved}).
 *
 * @param gained windows in file order; unmodifiable
 * @param lost   windows in file order; unmodifiable
 */
public record FileChange(String relativePath, double scoreBefore, double scoreAfter, List<NabWindow> gained,
        List<NabWindow> lost, int fpBefore, int fpAfter, int fpAdded, int fpRemoved) {

    public FileChange {
        gained = List.copyOf(gained);
        lost = List.copyOf(lost);
    }

    /** The raw score's change, after minus before. */
    public double delta() {
        return scoreAfter - scoreBefore;
    }

    /** Whether anything differs: the score, a window, or a false-positive row. */
    public boolean changed() {
        return scoreAfter != scoreBefore || !gained.isEmpty() || !lost.isEmpty() || fpAdded > 0 || fpRemoved > 0;
    }
}
