package io.grustreams.tools.nab;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;

/**
 * Scores a detector's results on the NAB corpus the way the official scorer does (numenta/NAB
 * {@code nab/sweeper.py}, {@code nab/scorer.py}, {@code nab/runner.py}).
 *
 * <p>Per profile ({@code A_tp}, {@code A_fp}, {@code A_fn}) and threshold, a row is a detection
 * when its score is {@code >=} the threshold; rows of the probationary period are ignored. Each
 * window is worth its earliest detection, {@code S(p)·A_tp/S(−1)} with {@code p = −(R − i + 1)/w},
 * or {@code −A_fn} if it has none. A detection outside windows adds {@code S(p)·A_fp} with
 * {@code p = |R − i|/(w − 1)} after a window ({@code R}, {@code w} of the closest window before
 * it), or {@code −A_fp} before a file's first window. The file scores add up to the raw score;
 * {@link NabScore#normalizedScore()} normalizes it.
 *
 * <p>{@link #optimize} first chooses one threshold for the whole corpus ({@link ThresholdSearch}),
 * then scores every file at it, as the official runner's optimize and score steps do. Sorting
 * the scores happens once per call, shared by all profiles. Thread-safe: holds only immutable
 * state.
 */
public final class NabScorer {

    /** NAB 1.0 {@code twiddle} settings: start, first step, stop when the step falls to this. */
    private static final double CLIMB_START = 0.5;
    private static final double CLIMB_STEP = 0.1;
    private static final double CLIMB_TOLERANCE = 1e-7;

    private final NabCorpus corpus;
    private final RowGeometry geometry;

    public NabScorer(NabCorpus corpus) {
        this.corpus = corpus;
        this.geometry = new RowGeometry(corpus);
    }

    public NabCorpus corpus() {
        return corpus;
    }

    /**
     * Scores every file at a given threshold.
     *
     * @throws IllegalArgumentException if {@code results} belong to another corpus
     */
    public NabScore scoreAt(NabResults results, NabProfile profile, double threshold) {
        checkCorpus(results);
        return score(results, profile, threshold, "given");
    }

    /** {@link #optimize(NabResults, List, ThresholdSearch)} for one profile. */
    public NabScore optimize(NabResults results, NabProfile profile, ThresholdSearch search) {
        return optimize(results, List.of(profile), search).get(0);
    }

    /**
     * For each profile, chooses the corpus-wide threshold with {@code search} and scores every
     * file at it.
     *
     * @return one score per profile, in the order given
     * @throws IllegalArgumentException if {@code results} belong to another corpus
     */
    public List<NabScore> optimize(NabResults results, List<NabProfile> profiles, ThresholdSearch search) {
        checkCorpus(results);
        ScoreOrder order = new ScoreOrder(results.flatScores(), geometry);
        List<NabScore> out = new ArrayList<>(profiles.size());
        for (NabProfile profile : profiles) {
            Sweep sweep = new Sweep(geometry, order, profile);
            double threshold = switch (search) {
                case SWEEP -> sweep.thresholds[sweep.best()];
                case HILL_CLIMB -> hillClimb(t -> t >= 0 && t <= 1 ? sweep.scoreAt(t) : Double.NEGATIVE_INFINITY);
            };
            out.add(score(results, profile, threshold, search.cliName()));
        }
        return out;
    }

    /**
     * Per file, what changed from {@code before} (scored as {@code beforeScore}) to {@code after}
     * (scored as {@code afterScore}): each side's detections are the rows at or above its own
     * score's threshold, so two optimized runs compare as the benchmark sees each of them.
     *
     * @return one entry per corpus file, in corpus order, changed or not
     * @throws IllegalArgumentException if either results belong to another corpus, or the two
     *     scores are of different profiles or do not cover this corpus's files
     */
    public List<FileChange> compare(NabResults before, NabScore beforeScore, NabResults after, NabScore afterScore) {
        checkCorpus(before);
        checkCorpus(after);
        if (!beforeScore.profile().equals(afterScore.profile())) {
            throw new IllegalArgumentException("cannot compare profile " + beforeScore.profile() + " with "
                    + afterScore.profile());
        }
        int n = corpus.files().size();
        if (beforeScore.files().size() != n || afterScore.files().size() != n) {
            throw new IllegalArgumentException("scores cover " + beforeScore.files().size() + " and "
                    + afterScore.files().size() + " files; the corpus has " + n);
        }
        double[] a = before.flatScores();
        double[] b = after.flatScores();
        double ta = beforeScore.threshold();
        double tb = afterScore.threshold();
        List<FileChange> out = new ArrayList<>(n);
        for (int f = 0; f < n; f++) {
            int w0 = geometry.firstWindow[f];
            boolean[] hitBefore = new boolean[geometry.firstWindow[f + 1] - w0];
            boolean[] hitAfter = new boolean[hitBefore.length];
            int fpAdded = 0;
            int fpRemoved = 0;
            for (int r = corpus.offset(f); r < corpus.offset(f + 1); r++) {
                int w = geometry.window[r];
                if (w == RowGeometry.PROBATION) {
                    continue;
                }
                boolean da = a[r] >= ta;
                boolean db = b[r] >= tb;
                if (w == RowGeometry.OUTSIDE) {
                    fpAdded += db && !da ? 1 : 0;
                    fpRemoved += da && !db ? 1 : 0;
                } else {
                    hitBefore[w - w0] |= da;
                    hitAfter[w - w0] |= db;
                }
            }
            List<NabWindow> windows = corpus.files().get(f).windows();
            List<NabWindow> gained = new ArrayList<>();
            List<NabWindow> lost = new ArrayList<>();
            for (int k = 0; k < hitBefore.length; k++) {
                if (hitAfter[k] && !hitBefore[k]) {
                    gained.add(windows.get(k));
                } else if (hitBefore[k] && !hitAfter[k]) {
                    lost.add(windows.get(k));
                }
            }
            FileScore fa = beforeScore.files().get(f);
            FileScore fb = afterScore.files().get(f);
            String path = corpus.files().get(f).relativePath();
            if (!fa.relativePath().equals(path) || !fb.relativePath().equals(path)) {
                throw new IllegalArgumentException("file " + f + " of the scores is " + fa.relativePath() + " and "
                        + fb.relativePath() + "; the corpus has " + path);
            }
            out.add(new FileChange(fa.relativePath(), fa.score(), fb.score(), gained, lost, fa.fp(), fb.fp(),
                    fpAdded, fpRemoved));
        }
        return out;
    }

    /** The candidate thresholds and their raw scores; for tests. */
    Sweep sweep(NabResults results, NabProfile profile) {
        checkCorpus(results);
        return new Sweep(geometry, new ScoreOrder(results.flatScores(), geometry), profile);
    }

    /**
     * NAB 1.0's {@code twiddle}: from 0.5 with step 0.1, try one step up, else one down; on
     * improvement double the step, else halve it; stop once the step is at most 1e-7. Returns the
     * best threshold tried (the first tried among equal scores; NAB 1.0 took the first in Python 2
     * dict order, so on a plateau its threshold may differ from this one, never its score).
     */
    static double hillClimb(DoubleUnaryOperator objective) {
        Map<Double, Double> tried = new LinkedHashMap<>();
        double x = CLIMB_START;
        double delta = CLIMB_STEP;
        double best = objective.applyAsDouble(x);
        tried.put(x, best);
        while (delta > CLIMB_TOLERANCE) {
            x += delta;
            double score = tried.computeIfAbsent(x, objective::applyAsDouble);
            if (score > best) {
                best = score;
                delta *= 2;
            } else {
                x -= 2 * delta;
                score = tried.computeIfAbsent(x, objective::applyAsDouble);
                if (score > best) {
                    best = score;
                    delta *= 2;
                } else {
                    x += delta;
                    delta *= 0.5;
                }
            }
        }
        double bestX = CLIMB_START;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (Map.Entry<Double, Double> e : tried.entrySet()) {
            if (e.getValue() > bestScore) {
                bestScore = e.getValue();
                bestX = e.getKey();
            }
        }
        return bestX;
    }

    private void checkCorpus(NabResults results) {
        if (results.corpus() != corpus) {
            throw new IllegalArgumentException("results of detector " + results.detector()
                    + " were read against another corpus instance than this scorer's");
        }
    }

    private NabScore score(NabResults results, NabProfile profile, double threshold, String source) {
        double[] scores = results.flatScores();
        double tpWeight = profile.tpWeight();
        double fpWeight = profile.fpWeight();
        List<FileScore> files = new ArrayList<>(corpus.files().size());
        double total = 0.0;
        int tp = 0;
        int tn = 0;
        int fp = 0;
        int fn = 0;
        int detected = 0;
        for (int f = 0; f < corpus.files().size(); f++) {
            int w0 = geometry.firstWindow[f];
            int windows = geometry.firstWindow[f + 1] - w0;
            double[] best = new double[windows];
            boolean[] hit = new boolean[windows];
            Arrays.fill(best, -profile.fnWeight());
            double fpSum = 0.0;
            int fTp = 0;
            int fTn = 0;
            int fFp = 0;
            int fFn = 0;
            for (int r = corpus.offset(f); r < corpus.offset(f + 1); r++) {
                int w = geometry.window[r];
                if (w == RowGeometry.PROBATION) {
                    continue;
                }
                boolean detection = scores[r] >= threshold;
                if (w == RowGeometry.OUTSIDE) {
                    if (detection) {
                        fFp++;
                        fpSum += geometry.unweighted[r] * fpWeight;
                    } else {
                        fTn++;
                    }
                } else if (detection) {
                    fTp++;
                    hit[w - w0] = true;
                    double v = geometry.unweighted[r] * tpWeight / ScaledSigmoid.MAX_TP;
                    if (v > best[w - w0]) {
                        best[w - w0] = v;
                    }
                } else {
                    fFn++;
                }
            }
            double fileScore = fpSum;
            int fileDetected = 0;
            for (int k = 0; k < windows; k++) {
                if (geometry.windowScorable[w0 + k]) {
                    fileScore += best[k];
                }
                fileDetected += hit[k] ? 1 : 0;
            }
            files.add(new FileScore(corpus.files().get(f).relativePath(), fileScore, fTp, fTn, fFp, fFn,
                    fileDetected, windows));
            total += fileScore;
            tp += fTp;
            tn += fTn;
            fp += fFp;
            fn += fFn;
            detected += fileDetected;
        }
        double nullScore = -profile.fnWeight() * geometry.scorableWindows;
        double perfectScore = profile.tpWeight() * corpus.windowCount();
        return new NabScore(results.detector(), profile.name(), source, threshold, total, nullScore, perfectScore,
                tp, tn, fp, fn, detected, corpus.windowCount(), files);
    }
}
