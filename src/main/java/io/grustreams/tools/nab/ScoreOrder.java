package io.grustreams.tools.nab;

import java.util.Arrays;

/**
 * The scorable rows (after the probationary period) sorted by anomaly score, highest first, rows
 * of equal score in corpus order (the official sweeper's stable sort), grouped by distinct
 * score. Built once per results and shared by all profiles. O(n log n): a primitive sort of the
 * scores, then a stable counting sort of the rows by rank.
 */
final class ScoreOrder {

    /** Distinct scores of scorable rows, descending. */
    final double[] distinct;

    /** Scorable corpus rows, by descending score. */
    final int[] rows;

    /** Rows of group {@code g} (score {@code distinct[g]}) are {@code rows[groupEnd[g-1] .. groupEnd[g])}. */
    final int[] groupEnd;

    ScoreOrder(double[] scores, RowGeometry geometry) {
        int n = 0;
        for (int w : geometry.window) {
            n += w == RowGeometry.PROBATION ? 0 : 1;
        }
        double[] ascending = new double[n];
        int k = 0;
        for (int r = 0; r < scores.length; r++) {
            if (geometry.window[r] != RowGeometry.PROBATION) {
                ascending[k++] = scores[r];
            }
        }
        Arrays.sort(ascending);
        int unique = 0;
        for (int i = 0; i < n; i++) {
            if (i == 0 || ascending[i] != ascending[unique - 1]) {
                ascending[unique++] = ascending[i];
            }
        }
        distinct = new double[unique];
        for (int g = 0; g < unique; g++) {
            distinct[g] = ascending[unique - 1 - g];
        }
        // Counting sort by rank, scanning rows in corpus order, keeps equal scores in corpus order.
        int[] rank = new int[scores.length];
        int[] start = new int[unique + 1];
        for (int r = 0; r < scores.length; r++) {
            if (geometry.window[r] != RowGeometry.PROBATION) {
                rank[r] = unique - 1 - Arrays.binarySearch(ascending, 0, unique, scores[r]);
                start[rank[r] + 1]++;
            }
        }
        for (int g = 0; g < unique; g++) {
            start[g + 1] += start[g];
        }
        groupEnd = Arrays.copyOfRange(start, 1, unique + 1);
        rows = new int[n];
        for (int r = 0; r < scores.length; r++) {
            if (geometry.window[r] != RowGeometry.PROBATION) {
                rows[start[rank[r]]++] = r;
            }
        }
    }
}
