package io.grustreams.anomaly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grustreams.anomaly.AnomalyVerdict.Transition;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AnomalyDetectorTest {

    private static final int FEATURES = 3;

    /** A forecast that tracks a sine and residuals that are Gaussian noise of per-feature scale. */
    private static final class Stream {
        final Random random;
        final double[] actual = new double[FEATURES];
        final double[] expected = new double[FEATURES];
        int t;

        Stream(long seed) {
            random = new Random(seed);
        }

        /** Next event; {@code shift} is added to feature 1's actual value (in units of its noise scale). */
        void next(double shift) {
            for (int i = 0; i < FEATURES; i++) {
                double scale = 0.5 * (i + 1);
                expected[i] = 100.0 * (i + 1) + 10.0 * Math.sin(0.01 * t + i);
                actual[i] = expected[i] + scale * random.nextGaussian() + (i == 1 ? shift * scale : 0.0);
            }
            t++;
        }
    }

    private record Edge(int event, Transition transition) {
    }

    private static List<Edge> run(AnomalyDetector detector, AnomalyState state, Stream stream, int events,
            int burstStart, int burstLength, double burstShift) {
        AnomalyVerdict verdict = new AnomalyVerdict();
        List<Edge> edges = new ArrayList<>();
        for (int e = 0; e < events; e++) {
            boolean inBurst = e >= burstStart && e < burstStart + burstLength;
            stream.next(inBurst ? burstShift : 0.0);
            detector.score(state, stream.actual, stream.expected, verdict);
            if (verdict.transition() != Transition.NONE) {
                edges.add(new Edge(e, verdict.transition()));
            }
        }
        return edges;
    }

    @Test
    void shouldLearnResidualsBitForBitAsScoringFoldsThem() {
        AnomalyDetector detector = new AnomalyDetector(AnomalyConfig.defaults(), FEATURES);
        AnomalyState scored = detector.newState();
        AnomalyState learned = detector.newState();
        Stream a = new Stream(11);
        Stream b = new Stream(11);
        AnomalyVerdict verdict = new AnomalyVerdict();
        for (int e = 0; e < 500; e++) {
            a.next(0.0);
            b.next(0.0);
            detector.score(scored, a.actual, a.expected, verdict);
            detector.learn(learned, b.actual, b.expected);
        }
        assertEquals(scored.residualCount, learned.residualCount);
        assertArrayEquals(scored.mean, learned.mean);
        assertArrayEquals(scored.variance, learned.variance);
        // Learning leaves the score windows alone.
        assertEquals(0, learned.shortCount);
        assertEquals(0, learned.lagCount);
        assertEquals(0, learned.referenceCount);
    }

    @Test
    void shouldRestartOnlyTheResidualStatistics() {
        AnomalyDetector detector = new AnomalyDetector(AnomalyConfig.defaults(), FEATURES);
        AnomalyState state = detector.newState();
        Stream stream = new Stream(3);
        run(detector, state, stream, 2_000, 1_500, 25, 6.0);
        int shortCount = state.shortCount;
        int lagCount = state.lagCount;
        long referenceCount = state.referenceCount;
        double referenceMean = state.referenceMean;
        boolean open = state.alertOpen;
        detector.restartResiduals(state);
        assertEquals(0, state.residualCount);
        assertArrayEquals(new double[FEATURES], state.mean);
        assertArrayEquals(new double[FEATURES], state.variance);
        assertEquals(shortCount, state.shortCount);
        assertEquals(lagCount, state.lagCount);
        assertEquals(referenceCount, state.referenceCount);
        assertEquals(referenceMean, state.referenceMean);
        assertEquals(open, state.alertOpen);
        // Unscored again until the warm-up is complete.
        AnomalyVerdict verdict = new AnomalyVerdict();
        stream.next(0.0);
        detector.score(state, stream.actual, stream.expected, verdict);
        assertFalse(verdict.scored());
        assertEquals(AnomalyVerdict.LEARNING_RESIDUALS, verdict.reason());
    }

    @Test
    void shouldOpenNothingOnTenThousandEventsOfNormalNoise() {
        AnomalyDetector detector = new AnomalyDetector(AnomalyConfig.defaults(), FEATURES);
        List<Edge> edges = run(detector, detector.newState(), new Stream(42), 10_000, -1, 0, 0.0);
        assertEquals(List.of(), edges);
    }

    @Test
    void shouldOpenOnceAndResolveOnceForOneBurst() {
        AnomalyDetector detector = new AnomalyDetector(AnomalyConfig.defaults(), FEATURES);
        List<Edge> edges = run(detector, detector.newState(), new Stream(7), 6_000, 3_000, 25, 6.0);
        assertEquals(2, edges.size(), () -> "edges " + edges);
        Edge open = edges.get(0);
        Edge resolved = edges.get(1);
        assertEquals(Transition.OPEN, open.transition());
        assertTrue(open.event() >= 3_000 && open.event() < 3_025, () -> "opened at " + open.event());
        assertEquals(Transition.RESOLVED, resolved.transition());
        assertTrue(resolved.event() >= 3_025 && resolved.event() < 3_200, () -> "resolved at " + resolved.event());
    }

    @Test
    void shouldBlameTheShiftedFeatureInTheOpenReason() {
        AnomalyDetector detector = new AnomalyDetector(AnomalyConfig.defaults(), FEATURES);
        AnomalyState state = detector.newState();
        Stream stream = new Stream(7);
        AnomalyVerdict verdict = new AnomalyVerdict();
        String reason = null;
        for (int e = 0; e < 3_025 && reason == null; e++) {
            stream.next(e >= 3_000 ? 6.0 : 0.0);
            detector.score(state, stream.actual, stream.expected, verdict);
            if (verdict.transition() == Transition.OPEN) {
                reason = verdict.reason();
                assertEquals(1, verdict.feature());
                assertTrue(verdict.standardizedResidual() > 3.0, verdict::toString);
                assertTrue(verdict.alertOpen());
                assertTrue(verdict.likelihood() >= 0.99999);
            }
        }
        assertTrue(reason != null && reason.startsWith("likelihood 0.99999") && reason.contains(">= 0.99999 for 2 events")
                && reason.contains("feature 1"), "reason " + reason);
    }

    @Test
    void shouldAllocateNothingPerScoreAfterWarmUp() {
        AnomalyDetector detector = new AnomalyDetector(AnomalyConfig.defaults(), FEATURES);
        AnomalyState state = detector.newState();
        Stream stream = new Stream(3);
        AnomalyVerdict verdict = new AnomalyVerdict();
        // Precompute inputs so the measured loop runs only score().
        int events = 20_000;
        double[][] actual = new double[events][];
        double[][] expected = new double[events][];
        for (int e = 0; e < events; e++) {
            stream.next(0.0);
            actual[e] = stream.actual.clone();
            expected[e] = stream.expected.clone();
        }
        for (int e = 0; e < 10_000; e++) {
            detector.score(state, actual[e], expected[e], verdict);
        }
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int e = 10_000; e < events; e++) {
            detector.score(state, actual[e], expected[e], verdict);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(0L, allocated, "bytes allocated by 10k score() calls");
        assertFalse(verdict.alertOpen());
    }

    @Test
    void shouldLeaveStateUntouchedWithoutForecast() {
        AnomalyDetector detector = new AnomalyDetector(AnomalyConfig.defaults(), FEATURES);
        AnomalyState state = detector.newState();
        run(detector, state, new Stream(5), 500, -1, 0, 0.0);
        List<Object> before = AnomalyStates.fields(state);
        AnomalyVerdict verdict = new AnomalyVerdict();
        detector.scoreWithoutForecast(state, verdict);
        assertEquals(before, AnomalyStates.fields(state));
        assertFalse(verdict.scored());
        assertEquals(Transition.NONE, verdict.transition());
        assertEquals(0.5, verdict.likelihood());
        assertEquals(AnomalyVerdict.NO_FORECAST, verdict.reason());
    }

    @Test
    void shouldReportLearningUntilResidualsAndLikelihoodAreWarm() {
        AnomalyConfig config = AnomalyConfig.defaults();
        AnomalyDetector detector = new AnomalyDetector(config, FEATURES);
        AnomalyState state = detector.newState();
        Stream stream = new Stream(11);
        AnomalyVerdict verdict = new AnomalyVerdict();
        int warmup = config.residualWarmup();
        int learning = config.learningPeriod() + config.shortWindow();
        for (int e = 0; e < warmup + learning + 1; e++) {
            stream.next(0.0);
            detector.score(state, stream.actual, stream.expected, verdict);
            if (e < warmup) {
                assertEquals(AnomalyVerdict.LEARNING_RESIDUALS, verdict.reason(), "event " + e);
                assertFalse(verdict.scored());
            } else {
                assertTrue(verdict.scored(), "event " + e);
                assertTrue(verdict.rawScore() >= 0 && verdict.rawScore() <= 1);
            }
            if (e >= warmup && e < warmup + learning) {
                assertEquals(AnomalyVerdict.LEARNING_LIKELIHOOD, verdict.reason(), "event " + e);
                assertEquals(0.5, verdict.likelihood());
            }
        }
        assertEquals(AnomalyVerdict.NORMAL, verdict.reason());
        assertTrue(verdict.likelihood() != 0.5);
    }

    @Test
    void shouldStandardizeAgainstMeanAndPopulationVarianceOfEarlierResiduals() {
        AnomalyConfig config = AnomalyConfig.builder().residualWarmup(5).residualHalfLife(1e6).build();
        AnomalyDetector detector = new AnomalyDetector(config, 1);
        AnomalyState state = detector.newState();
        AnomalyVerdict verdict = new AnomalyVerdict();
        double[] residuals = {1.0, 3.0, -2.0, 4.0, 0.5};
        for (double r : residuals) {
            detector.score(state, new double[] {10.0 + r}, new double[] {10.0}, verdict);
        }
        // With alpha = 1/n for the first events, the statistics are the plain mean and population variance.
        double mean = 1.3;
        double variance = 0.0;
        for (double r : residuals) {
            variance += (r - mean) * (r - mean) / residuals.length;
        }
        detector.score(state, new double[] {17.0}, new double[] {10.0}, verdict);
        assertEquals((7.0 - mean) / Math.sqrt(variance), verdict.standardizedResidual(), 1e-12);
        assertEquals(Gaussian.twoSidedCoverage(verdict.standardizedResidual()), verdict.rawScore(), 0.0);
    }

    @Test
    void shouldRejectBadInputWithoutChangingTheState() {
        AnomalyDetector detector = new AnomalyDetector(AnomalyConfig.defaults(), 2);
        AnomalyState state = detector.newState();
        AnomalyVerdict verdict = new AnomalyVerdict();
        List<Object> before = AnomalyStates.fields(state);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> detector.score(state, new double[] {1, Double.NaN}, new double[] {1, 1}, verdict));
        assertTrue(e.getMessage().contains("actual[1]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> detector.score(state, new double[] {1}, new double[] {1, 1}, verdict));
        assertTrue(e.getMessage().contains("actual has 1 values"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> detector.score(state, new double[] {1e300, 0}, new double[] {-1e300, 0}, verdict));
        assertTrue(e.getMessage().contains("residual of feature 0"), e.getMessage());
        AnomalyState other = new AnomalyDetector(AnomalyConfig.defaults(), 3).newState();
        e = assertThrows(IllegalArgumentException.class,
                () -> detector.score(other, new double[] {1, 1}, new double[] {1, 1}, verdict));
        assertTrue(e.getMessage().contains("state has 3 features"), e.getMessage());
        assertEquals(before, AnomalyStates.fields(state));
    }

    @Test
    void shouldGiveTheSameVerdictsWhenReplayed() {
        AnomalyDetector detector = new AnomalyDetector(AnomalyConfig.defaults(), FEATURES);
        AnomalyState a = detector.newState();
        AnomalyState b = detector.newState();
        List<Edge> first = run(detector, a, new Stream(99), 4_000, 2_000, 30, 5.0);
        List<Edge> second = run(detector, b, new Stream(99), 4_000, 2_000, 30, 5.0);
        assertEquals(first, second);
        assertEquals(AnomalyStates.fields(a), AnomalyStates.fields(b));
    }

    @Test
    void shouldAgreeWithAPlainRecomputationOfTheLikelihood() {
        int w = 4;
        int n = 20;
        AnomalyConfig config = AnomalyConfig.builder().residualWarmup(2).shortWindow(w).longWindow(n)
                .learningPeriod(10).minLikelihoodVariance(1e-12).build();
        AnomalyDetector detector = new AnomalyDetector(config, 2);
        AnomalyState state = detector.newState();
        AnomalyVerdict verdict = new AnomalyVerdict();
        Random random = new Random(23);
        List<Double> raw = new ArrayList<>();
        List<Double> shortMeans = new ArrayList<>();
        for (int e = 0; e < 3_000; e++) {
            double shift = (e / 250) % 2 == 1 && e % 250 < 15 ? 4.0 : 0.0;
            double[] actual = {random.nextGaussian() + shift, 2.0 * random.nextGaussian()};
            detector.score(state, actual, new double[2], verdict);
            if (!verdict.scored()) {
                continue;
            }
            int t = raw.size();
            raw.add(verdict.rawScore());
            double sum = 0.0;
            for (int j = Math.max(0, t - w + 1); j <= t; j++) {
                sum += raw.get(j);
            }
            shortMeans.add(sum / (t - Math.max(0, t - w + 1) + 1));
            // The reference: West's EW mean and variance, weight max(2/(N+1), 1/k), of the short
            // means of events 0 .. t-1-W (those at least W events older than the last one).
            double mu = 0.0;
            double var = 0.0;
            int count = 0;
            for (int j = 0; j <= t - 1 - w; j++) {
                count++;
                double a = Math.max(2.0 / (n + 1), 1.0 / count);
                double d = shortMeans.get(j) - mu;
                mu += a * d;
                var = (1 - a) * (var + a * d * d);
            }
            if (count < config.learningPeriod()) {
                assertEquals(0.5, verdict.likelihood(), "event " + e);
                continue;
            }
            double sd = Math.sqrt(Math.max(var, 1e-12));
            double expected = 1.0 - Gaussian.upperTail((shortMeans.get(t) - mu) / sd);
            assertEquals(expected, verdict.likelihood(), 1e-9, "event " + e);
        }
        assertEquals(2_998, raw.size());
    }

    @Test
    void shouldOnlyEverProduceStatesThatReadBack() {
        AnomalyConfig config = AnomalyConfig.builder().residualWarmup(2).shortWindow(3).longWindow(7)
                .learningPeriod(5).openThreshold(0.99).resolveThreshold(0.9).resolveAfter(2).cooldown(3).build();
        AnomalyDetector detector = new AnomalyDetector(config, 2);
        AnomalyState state = detector.newState();
        AnomalyVerdict verdict = new AnomalyVerdict();
        Random random = new Random(31);
        int opens = 0;
        for (int e = 0; e < 20_000; e++) {
            double scale = random.nextDouble() < 0.05 ? 1e3 * random.nextDouble() : 1.0;
            double[] actual = {scale * random.nextGaussian(), 1e-9 * random.nextGaussian()};
            detector.score(state, actual, new double[] {0.0, 1e-9}, verdict);
            opens += verdict.transition() == Transition.OPEN ? 1 : 0;
            if (e % 7 == 0) {
                AnomalyState back = AnomalyStates.copy(state);
                assertEquals(AnomalyStates.fields(state), AnomalyStates.fields(back), "event " + e);
                state = back;
            }
        }
        assertTrue(opens > 10, "the stream should exercise the alert machine, opened " + opens);
    }

    @Test
    void shouldAverageTheLastWScoresOldestFirst() {
        AnomalyState state = new AnomalyDetector(AnomalyConfig.defaults(), 1).newState();
        int w = state.shortWindow();
        double[] values = {1.0, Math.nextDown(1.0), 0.7, 1.0 / 3.0, 0.1, 0.9999999999};
        Random random = new Random(1);
        List<Double> pushed = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            double x = values[random.nextInt(values.length)];
            AnomalyDetector.pushShort(state, x);
            pushed.add(x);
            double sum = 0.0;
            int from = Math.max(0, pushed.size() - w);
            for (int j = from; j < pushed.size(); j++) {
                sum += pushed.get(j);
            }
            double mean = AnomalyDetector.shortMean(state);
            assertEquals(sum / (pushed.size() - from), mean, 0.0, "push " + i);
            assertTrue(mean <= 1.0, "push " + i);
        }
    }

    @Test
    void shouldScoreOneForAValueBeyondTheRangeTheKeyHasShown() {
        AnomalyDetector detector = new AnomalyDetector(AnomalyConfig.defaults(), 1);
        AnomalyState state = detector.newState();
        AnomalyVerdict v = new AnomalyVerdict();
        // Values 0..100 seen without a forecaster: only the range learns.
        for (int i = 0; i <= 100; i++) {
            detector.observe(state, new double[] {i});
        }
        detector.scoreWithoutForecast(state, new double[] {101.5}, v);
        assertEquals(0.0, v.anomalyScore(), "within the 2% tolerance of the width 100");
        detector.scoreWithoutForecast(state, new double[] {104.0}, v);
        assertEquals(1.0, v.anomalyScore(), "beyond 101.5 + 2.03");
        detector.score(state, new double[] {-3.0}, new double[] {-3.0}, v);
        assertEquals(1.0, v.anomalyScore(), "below low - tolerance, even while residuals warm up");
        detector.score(state, new double[] {50.0}, new double[] {50.0}, v);
        assertEquals(0.0, v.anomalyScore());
    }

    @Test
    void shouldScoreAResidualAboveTheRecentBlockMaximaAsNovelAndARepeatedOneAsHalf() {
        AnomalyConfig config = AnomalyConfig.builder().residualWarmup(2).build();
        AnomalyDetector detector = new AnomalyDetector(config, 1);
        AnomalyState state = detector.newState();
        AnomalyVerdict v = new AnomalyVerdict();
        double[] expected = {0.0};
        // Range [-3, 3] (seen before any forecast); residuals alternating +-1: mean about 0, std about 1.
        detector.observe(state, new double[] {3.0});
        detector.observe(state, new double[] {-3.0});
        for (int i = 0; i < 200; i++) {
            detector.score(state, new double[] {i % 2 == 0 ? 1.0 : -1.0}, expected, v);
        }
        detector.score(state, new double[] {0.9}, expected, v);
        double absZ = Math.abs(v.standardizedResidual());
        assertEquals(0.99 * 0.5 * absZ / (absZ + AnomalyDetector.NOVELTY_SCALE), v.anomalyScore(), 1e-12,
                "|z| below the recent maxima: half the shape");
        // A residual of 1.5 beats every recent |z| (about 1): the full shape.
        detector.score(state, new double[] {1.5}, expected, v);
        double novelZ = Math.abs(v.standardizedResidual());
        assertTrue(novelZ > 1.0, "z " + novelZ);
        assertEquals(0.99 * novelZ / (novelZ + AnomalyDetector.NOVELTY_SCALE), v.anomalyScore(), 1e-12);
        // The same residual again is no longer above the maxima.
        detector.score(state, new double[] {1.5}, expected, v);
        double againZ = Math.abs(v.standardizedResidual());
        assertEquals(0.99 * 0.5 * againZ / (againZ + AnomalyDetector.NOVELTY_SCALE), v.anomalyScore(), 1e-12);
    }

    @Test
    void shouldScoreOneForAValueBeyondTheDeclaredRangeFromTheFirstEvent() {
        AnomalyDetector declared = new AnomalyDetector(AnomalyConfig.defaults(), 2,
                Map.of(1, new FeatureRange(0, 100)));
        AnomalyDetector undeclared = new AnomalyDetector(AnomalyConfig.defaults(), 2);
        AnomalyState a = declared.newState();
        AnomalyState b = undeclared.newState();
        AnomalyVerdict v = new AnomalyVerdict();
        // A key's first value starts the range it has shown, so only a declared range can judge it.
        declared.scoreWithoutForecast(a, new double[] {5, 150}, v);
        assertEquals(1.0, v.anomalyScore(), "150 lies beyond the declared 100 + 2");
        undeclared.scoreWithoutForecast(b, new double[] {5, 150}, v);
        assertEquals(0.0, v.anomalyScore());
        // The key has shown 0..150: only the declared bounds can still fire.
        for (int i = 0; i <= 150; i++) {
            declared.observe(a, new double[] {5, i});
        }
        declared.scoreWithoutForecast(a, new double[] {5, 101.9}, v);
        assertEquals(0.0, v.anomalyScore(), "within 2% of the declared width");
        declared.scoreWithoutForecast(a, new double[] {5, -2.1}, v);
        assertEquals(1.0, v.anomalyScore(), "below the declared 0 - 2");
    }

    @Test
    void shouldKeepJudgingValuesAgainstTheRangeTheKeyHasShownInsideADeclaredRange() {
        AnomalyDetector declared = new AnomalyDetector(AnomalyConfig.defaults(), 1, Map.of(0, new FeatureRange(0, 1000)));
        AnomalyState state = declared.newState();
        AnomalyVerdict v = new AnomalyVerdict();
        for (int i = 0; i <= 100; i++) {
            declared.observe(state, new double[] {i});
        }
        // A jump to 500 is inside what the sensor can show but beyond anything this key has shown.
        declared.scoreWithoutForecast(state, new double[] {500}, v);
        assertEquals(1.0, v.anomalyScore());
        declared.scoreWithoutForecast(state, new double[] {400}, v);
        assertEquals(0.0, v.anomalyScore());
    }

    @Test
    void shouldRejectADeclaredRangeOfAFeatureTheDetectorDoesNotHave() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new AnomalyDetector(
                AnomalyConfig.defaults(), 2, Map.of(2, new FeatureRange(0, 1))));
        assertTrue(e.getMessage().contains("feature 2"), e.getMessage());
    }

    @Test
    void shouldRejectARangeThatIsNotFiniteOrHasNoWidth() {
        assertThrows(IllegalArgumentException.class, () -> new FeatureRange(1, 1));
        assertThrows(IllegalArgumentException.class, () -> new FeatureRange(2, 1));
        assertThrows(IllegalArgumentException.class, () -> new FeatureRange(Double.NaN, 1));
        assertThrows(IllegalArgumentException.class, () -> new FeatureRange(0, Double.POSITIVE_INFINITY));
        assertEquals(5.0, new FeatureRange(-2, 3).width());
    }

    @Test
    void shouldJudgeResidualNoveltyAgainstTheDeclaredRangesResolution() {
        AnomalyConfig config = AnomalyConfig.builder().residualWarmup(2).rangeResolution(0.01).build();
        AnomalyDetector declared = new AnomalyDetector(config, 1, Map.of(0, new FeatureRange(0, 100)));
        AnomalyDetector undeclared = new AnomalyDetector(config, 1);
        AnomalyState a = declared.newState();
        AnomalyState b = undeclared.newState();
        AnomalyVerdict va = new AnomalyVerdict();
        AnomalyVerdict vb = new AnomalyVerdict();
        double[] expected = {50.0};
        // The key has shown 40..60; residuals alternate +-0.001, far below the range's resolution of 1.
        for (double v : new double[] {40, 60}) {
            declared.observe(a, new double[] {v});
            undeclared.observe(b, new double[] {v});
        }
        for (int i = 0; i < 200; i++) {
            double[] actual = {50.0 + (i % 2 == 0 ? 0.001 : -0.001)};
            declared.score(a, actual, expected, va);
            undeclared.score(b, actual, expected, vb);
        }
        double[] actual = {50.5};
        declared.score(a, actual, expected, va);
        undeclared.score(b, actual, expected, vb);
        // Half a unit of resolution: |z| about 0.5 against the range, about 500 against the key's noise.
        assertEquals(0.99 * 0.5 / 5.5, va.anomalyScore(), 1e-3);
        assertTrue(vb.anomalyScore() > 0.98, "undeclared: " + vb.anomalyScore());
        // What the likelihood and the alerts see is not changed by the range.
        assertEquals(vb.standardizedResidual(), va.standardizedResidual(), 0.0);
        assertEquals(vb.likelihood(), va.likelihood(), 0.0);
    }
}
