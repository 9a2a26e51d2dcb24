package io.grustreams.tools.nab;

/**
 * One data file's NAB score at one threshold, the row of NAB's {@code <detector>_<profile>_scores.csv}.
 * Counts are rows after the probationary period, as in NAB: {@code tp} detected rows inside
 * windows, {@code fn} undetected rows inside windows, {@code fp} detected rows outside,
 * {@code tn} undetected rows outside.
 *
 * @param score           the file's raw score: best detection per window, −A_fn per missed window, plus FP costs
 * @param windowsDetected windows with at least one detection
 * @param windows         windows of the file
 */
public record FileScore(String relativePath, double score, int tp, int tn, int fp, int fn,
        int windowsDetected, int windows) {
}
