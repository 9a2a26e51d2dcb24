package io.grustreams.tools.nab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class NabScorerTest {

    private static final NabProfile STANDARD = new NabProfile("standard", 1.0, 0.11, 1.0);
    private static final double EPS = 1e-12;

    /** S(p) = 2σ(−5p) − 1 = −tanh(2.5 p), and −1 beyond p = 3. */
    @Test
    void shouldMatchHandComputedScaledSigmoid() {
        assertEquals(Math.tanh(2.5), ScaledSigmoid.value(-1.0), EPS);
        assertEquals(0.98661429815143, ScaledSigmoid.MAX_TP, 1e-13);
        assertEquals(Math.tanh(1.25), ScaledSigmoid.value(-0.5), EPS);
        assertEquals(0.0, ScaledSigmoid.value(0.0), 0.0);
        assertEquals(-Math.tanh(2.5), ScaledSigmoid.value(1.0), EPS);
        // p = 3 is still on the curve; only p > 3 is clamped to −1.
        assertEquals(-Math.tanh(7.5), ScaledSigmoid.value(3.0), EPS);
        assertTrue(ScaledSigmoid.value(3.0) > -1.0);
        assertEquals(-1.0, ScaledSigmoid.value(3.0 + 1e-9), 0.0);
        assertEquals(-1.0, ScaledSigmoid.value(Double.POSITIVE_INFINITY), 0.0);
    }

    @Test
    void shouldComputeProbationaryLengthAsNab() {
        assertEquals(15, NabDataFile.probationaryLength(100));
        assertEquals(604, NabDataFile.probationaryLength(4032));
        assertEquals(749, NabDataFile.probationaryLength(4999));
        assertEquals(750, NabDataFile.probationaryLength(5000));
        assertEquals(750, NabDataFile.probationaryLength(22695));
        assertEquals(0, NabDataFile.probationaryLength(6));
    }

    /**
     * One window of rows 40..49 (w = 10, R = 49) in 100 rows; probation is rows 0..14.
     * Detections: 10 (probation, ignored), 20 (before the window: −A_fp), 45 and 47 (in the window:
     * only 45 counts, p = −(49 − 45 + 1)/10 = −0.5), 52 (p = |49 − 52|/9 = 1/3) and 80 (p = 31/9 > 3: −A_fp).
     */
    @Test
    void shouldWeightFalsePositivesByDistanceAfterWindowAndCountEarliestTruePositive() {
        NabCorpus corpus = NabCorpus.of(List.of(NabFixtures.file("a/one.csv", 100, new int[] {40, 49})));
        NabResults results = results(corpus, 100, 10, 20, 45, 47, 52, 80);

        NabScore s = new NabScorer(corpus).scoreAt(results, STANDARD, 1.0);

        double expected = -0.11
                + Math.tanh(1.25) / Math.tanh(2.5)
                + 0.11 * -Math.tanh(2.5 / 3)
                - 0.11;
        assertEquals(expected, s.rawScore(), EPS);
        assertEquals(2, s.tp());
        assertEquals(3, s.fp());
        assertEquals(8, s.fn());
        assertEquals(100 - 15 - 10 - 3, s.tn());
        assertEquals(1, s.windowsDetected());
    }

    /**
     * Two windows, 30..39 (w = 10) and 60..64 (w = 5), in 120 rows (probation 0..17). A detection at
     * 50 is weighed against the first window (p = 11/9), one at 67 against the second (p = 3/4); a
     * detection on the right edge of the second window has p = −1/5. A file without detections in
     * a window costs −A_fn per window.
     */
    @Test
    void shouldUseClosestPrecedingWindowAndRightEdgePosition() {
        NabCorpus corpus = NabCorpus.of(List.of(
                NabFixtures.file("a/two.csv", 120, new int[] {30, 39}, new int[] {60, 64}),
                NabFixtures.file("b/missed.csv", 50, new int[] {20, 24})));
        Map<String, double[]> scores = new LinkedHashMap<>();
        scores.put("a/two.csv", detections(120, 50, 64, 67));
        scores.put("b/missed.csv", new double[50]);
        NabResults results = NabResults.of("det", corpus, scores);
        NabProfile lowFn = new NabProfile("reward_low_FN_rate", 1.0, 0.11, 2.0);

        NabScore s = new NabScorer(corpus).scoreAt(results, lowFn, 0.5);

        double fileA = -2.0                                   // window 1: missed
                + Math.tanh(2.5 / 5) / Math.tanh(2.5)          // window 2: right edge, p = −1/5
                + 0.11 * -Math.tanh(2.5 * 11 / 9)              // row 50, after window 1
                + 0.11 * -Math.tanh(2.5 * 3 / 4);              // row 67, after window 2
        assertEquals(fileA, s.files().get(0).score(), EPS);
        assertEquals(-2.0, s.files().get(1).score(), EPS);
        assertEquals(fileA - 2.0, s.rawScore(), EPS);
        assertEquals(-2.0 * 3, s.nullScore(), 0.0);
        assertEquals(3.0, s.perfectScore(), 0.0);
        assertEquals(100 * (fileA - 2.0 + 6.0) / 9.0, s.normalizedScore(), 1e-10);
    }

    /** The sweep's best candidate is the maximum over all thresholds scored one by one. */
    @Test
    void shouldFindSameBestThresholdAsScoringEveryThresholdSeparately() {
        Random rnd = new Random(7);
        for (int trial = 0; trial < 20; trial++) {
            NabCorpus corpus = NabCorpus.of(List.of(
                    NabFixtures.file("a/x.csv", 300, new int[] {100, 129}, new int[] {200, 219}),
                    NabFixtures.file("a/y.csv", 180, new int[] {60, 71}),
                    NabFixtures.file("b/z.csv", 240)));
            Map<String, double[]> scores = new LinkedHashMap<>();
            for (NabDataFile f : corpus.files()) {
                double[] s = new double[f.rowCount()];
                for (int i = 0; i < s.length; i++) {
                    // Coarse scores: many ties, as real detectors produce.
                    s[i] = Math.floor(rnd.nextDouble() * 20) / 20.0;
                }
                scores.put(f.relativePath(), s);
            }
            NabResults results = NabResults.of("random", corpus, scores);
            NabScorer scorer = new NabScorer(corpus);
            TreeSet<Double> thresholds = new TreeSet<>();
            for (double[] s : scores.values()) {
                for (double v : s) {
                    thresholds.add(v);
                }
            }
            thresholds.add(Sweep.NO_DETECTION);
            double bestScore = Double.NEGATIVE_INFINITY;
            double bestThreshold = Double.NaN;
            for (double t : thresholds.descendingSet()) {
                double raw = scorer.scoreAt(results, STANDARD, t).rawScore();
                if (raw > bestScore + EPS) {
                    bestScore = raw;
                    bestThreshold = t;
                }
            }
            NabScore swept = scorer.optimize(results, STANDARD, ThresholdSearch.SWEEP);
            assertEquals(bestScore, swept.rawScore(), 1e-9, "trial " + trial);
            assertEquals(bestThreshold, swept.threshold(), 0.0, "trial " + trial);
        }
    }

    /** Every candidate of the sweep scores what a separate scoring at its threshold scores. */
    @Test
    void shouldGiveEachSweepCandidateTheScoreOfItsThreshold() {
        NabCorpus corpus = NabCorpus.of(List.of(
                NabFixtures.file("a/x.csv", 400, new int[] {100, 139}, new int[] {300, 319}),
                NabFixtures.file("b/y.csv", 200, new int[] {150, 169})));
        Random rnd = new Random(11);
        Map<String, double[]> scores = new LinkedHashMap<>();
        for (NabDataFile f : corpus.files()) {
            double[] s = new double[f.rowCount()];
            for (int i = 0; i < s.length; i++) {
                s[i] = rnd.nextDouble() < 0.8 ? 0.0 : rnd.nextDouble();
            }
            scores.put(f.relativePath(), s);
        }
        NabResults results = NabResults.of("sparse", corpus, scores);
        NabScorer scorer = new NabScorer(corpus);
        Sweep sweep = scorer.sweep(results, STANDARD);
        for (int c = 0; c < sweep.thresholds.length; c++) {
            NabScore at = scorer.scoreAt(results, STANDARD, sweep.thresholds[c]);
            assertEquals(at.rawScore(), sweep.scores[c], 1e-9, "candidate " + c);
            assertEquals(at.tp(), sweep.tp[c], "candidate " + c);
            assertEquals(at.fp(), sweep.fp[c], "candidate " + c);
        }
        assertEquals(Sweep.NO_DETECTION, sweep.thresholds[0], 0.0);
        assertEquals(-3.0, sweep.scores[0], 0.0);
    }

    /** NAB 1.0's twiddle climbs to a peak near its start, and can stay on a local one. */
    @Test
    void shouldHillClimbToLocalMaximumLikeNab10Twiddle() {
        double x = NabScorer.hillClimb(t -> -(t - 0.73) * (t - 0.73));
        assertEquals(0.73, x, 1e-6);
        // Peaks at 0.55 (height 1) and 0.9 (height 2): from 0.5 the climb stays on the first.
        double local = NabScorer.hillClimb(t -> Math.max(1 - 40 * Math.abs(t - 0.55), 2 - 40 * Math.abs(t - 0.9)));
        assertEquals(0.55, local, 1e-6);
        // Outside [0, 1] the objective is −∞, so the climb never leaves the domain.
        double edge = NabScorer.hillClimb(t -> t >= 0 && t <= 1 ? t : Double.NEGATIVE_INFINITY);
        assertTrue(edge <= 1.0 && edge > 0.999, "edge " + edge);
    }

    @Test
    void shouldRejectResultsOfAnotherCorpus() {
        NabCorpus a = NabCorpus.of(List.of(NabFixtures.file("a/one.csv", 40, new int[] {20, 24})));
        NabCorpus b = NabCorpus.of(List.of(NabFixtures.file("a/one.csv", 40, new int[] {20, 24})));
        NabResults results = results(b, 40);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new NabScorer(a).scoreAt(results, STANDARD, 0.5));
        assertTrue(e.getMessage().contains("another corpus"), e.getMessage());
    }

    /**
     * File a (windows 30..39 and 60..64, probation 0..17): before detects 35, 50, 90; after detects
     * 62, 90, 100. So the second window is gained, the first lost, 100 is a false positive added
     * and 50 one removed. File b: after's only detection lies in its probation, so nothing changed.
     */
    @Test
    void shouldListWindowsGainedAndLostAndFalsePositivesAddedAndRemovedPerFile() {
        NabCorpus corpus = NabCorpus.of(List.of(
                NabFixtures.file("a/two.csv", 120, new int[] {30, 39}, new int[] {60, 64}),
                NabFixtures.file("b/one.csv", 50, new int[] {20, 24})));
        NabResults before = NabResults.of("old", corpus, Map.of("a/two.csv", detections(120, 35, 50, 90),
                "b/one.csv", detections(50)));
        NabResults after = NabResults.of("new", corpus, Map.of("a/two.csv", detections(120, 62, 90, 100),
                "b/one.csv", detections(50, 3)));
        NabScorer scorer = new NabScorer(corpus);
        NabScore sb = scorer.scoreAt(before, STANDARD, 1.0);
        NabScore sa = scorer.scoreAt(after, STANDARD, 1.0);

        List<FileChange> changes = scorer.compare(before, sb, after, sa);

        assertEquals(2, changes.size());
        FileChange a = changes.get(0);
        List<NabWindow> windows = corpus.files().get(0).windows();
        assertEquals("a/two.csv", a.relativePath());
        assertEquals(List.of(windows.get(1)), a.gained());
        assertEquals(List.of(windows.get(0)), a.lost());
        assertEquals(1, a.fpAdded());
        assertEquals(1, a.fpRemoved());
        assertEquals(2, a.fpBefore());
        assertEquals(2, a.fpAfter());
        assertEquals(sb.files().get(0).score(), a.scoreBefore(), 0.0);
        assertEquals(sa.files().get(0).score(), a.scoreAfter(), 0.0);
        assertTrue(a.changed());
        FileChange b = changes.get(1);
        assertEquals(false, b.changed(), b.toString());
        assertEquals(-1.0, b.scoreBefore(), 0.0);
    }

    /** The same scores compare differently at different thresholds: each side is judged at its own. */
    @Test
    void shouldJudgeEachSideAtItsOwnThreshold() {
        NabCorpus corpus = NabCorpus.of(List.of(NabFixtures.file("a/one.csv", 100, new int[] {40, 49})));
        double[] s = new double[100];
        s[45] = 0.6;
        s[80] = 0.4;
        NabResults same = NabResults.of("det", corpus, Map.of("a/one.csv", s));
        NabScorer scorer = new NabScorer(corpus);

        FileChange c = scorer.compare(same, scorer.scoreAt(same, STANDARD, 0.3), same,
                scorer.scoreAt(same, STANDARD, 0.7)).get(0);

        assertEquals(List.of(), c.gained());
        assertEquals(corpus.files().get(0).windows(), c.lost());
        assertEquals(0, c.fpAdded());
        assertEquals(1, c.fpRemoved());
    }

    @Test
    void shouldRefuseToCompareDifferentProfiles() {
        NabCorpus corpus = NabCorpus.of(List.of(NabFixtures.file("a/one.csv", 100, new int[] {40, 49})));
        NabResults r = results(corpus, 100, 45);
        NabScorer scorer = new NabScorer(corpus);
        NabScore low = scorer.scoreAt(r, new NabProfile("low", 1.0, 0.22, 1.0), 1.0);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> scorer.compare(r, scorer.scoreAt(r, STANDARD, 1.0), r, low));

        assertTrue(e.getMessage().contains("standard") && e.getMessage().contains("low"), e.getMessage());
    }

    private static NabResults results(NabCorpus corpus, int rows, int... detectedRows) {
        NabDataFile f = corpus.files().get(0);
        return NabResults.of("det", corpus, Map.of(f.relativePath(), detections(rows, detectedRows)));
    }

    private static double[] detections(int rows, int... detectedRows) {
        double[] s = new double[rows];
        for (int r : detectedRows) {
            s[r] = 1.0;
        }
        return s;
    }
}
