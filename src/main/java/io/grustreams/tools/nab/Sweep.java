package io.grustreams.tools.nab;

/**
 * The raw corpus score of every candidate threshold of one profile: 1.1 (no detection), then
 * each distinct score, descending (nab/sweeper.py {@code calcScoreByThreshold}). Candidate
 * {@code c} has as detections exactly the scorable rows with score {@code >= thresholds[c]}.
 *
 * <p>One pass over the rows in descending score order. Each window keeps its best detection so
 * far (only the earliest counts, and earlier rows are worth more); false positives add up. The
 * sum over windows is recomputed only after a group of rows changed some window's best, so the
 * pass is O(n + changes × windows); with NAB's 116 windows that is a few million additions.
 */
final class Sweep {

    /** The first candidate: above every score, so nothing is detected. */
    static final double NO_DETECTION = 1.1;

    final double[] thresholds;
    final double[] scores;
    final int[] tp;
    final int[] fp;

    Sweep(RowGeometry geometry, ScoreOrder order, NabProfile profile) {
        int m = order.distinct.length;
        thresholds = new double[m + 1];
        scores = new double[m + 1];
        tp = new int[m + 1];
        fp = new int[m + 1];
        double tpWeight = profile.tpWeight();
        double fpWeight = profile.fpWeight();
        // Step 4: a window without detection costs −A_fn; windows wholly in probation do not count.
        double[] best = new double[geometry.windowScorable.length];
        for (int w = 0; w < best.length; w++) {
            best[w] = geometry.windowScorable[w] ? -profile.fnWeight() : 0.0;
        }
        double windowSum = sum(best);
        double fpSum = 0.0;
        int tpCount = 0;
        int fpCount = 0;
        thresholds[0] = NO_DETECTION;
        scores[0] = fpSum + windowSum;
        int from = 0;
        for (int g = 0; g < m; g++) {
            boolean changed = false;
            for (int j = from; j < order.groupEnd[g]; j++) {
                int r = order.rows[j];
                int w = geometry.window[r];
                if (w == RowGeometry.OUTSIDE) {
                    // Step 5: a false positive adds S(p)·A_fp (negative).
                    fpCount++;
                    fpSum += geometry.unweighted[r] * fpWeight;
                } else {
                    // Step 4: S(p)·A_tp/S(−1); the window keeps its best (earliest) detection.
                    tpCount++;
                    double v = geometry.unweighted[r] * tpWeight / ScaledSigmoid.MAX_TP;
                    if (v > best[w]) {
                        best[w] = v;
                        changed = true;
                    }
                }
            }
            from = order.groupEnd[g];
            if (changed) {
                windowSum = sum(best);
            }
            thresholds[g + 1] = order.distinct[g];
            scores[g + 1] = fpSum + windowSum;
            tp[g + 1] = tpCount;
            fp[g + 1] = fpCount;
        }
    }

    private static double sum(double[] values) {
        double s = 0.0;
        for (double v : values) {
            s += v;
        }
        return s;
    }

    /** Index of the candidate with the highest score, the highest threshold among equal scores. */
    int best() {
        int best = 0;
        for (int c = 1; c < scores.length; c++) {
            if (scores[c] > scores[best]) {
                best = c;
            }
        }
        return best;
    }

    /**
     * The raw score at an arbitrary threshold in [0, 1]: that of the lowest candidate threshold
     * {@code >= t}, which has the same detections. O(log n).
     */
    double scoreAt(double t) {
        int lo = 0;
        int hi = thresholds.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (thresholds[mid] >= t) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return scores[lo];
    }
}
