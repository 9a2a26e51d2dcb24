package io.grustreams.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class AnomalyStateTest {

    @Test
    void shouldContinueIdenticallyAfterACopyThroughTheRestoreMethods() {
        AnomalyConfig config = AnomalyConfig.defaults();
        AnomalyDetector detector = new AnomalyDetector(config, 3);
        AnomalyState original = detector.newState();
        Random random = new Random(17);
        feed(detector, original, random, 1_500, 1_400);
        AnomalyState restored = AnomalyStates.copy(original);
        assertEquals(AnomalyStates.fields(original), AnomalyStates.fields(restored));

        long seed = random.nextLong();
        List<String> a = feed(detector, original, new Random(seed), 2_000, 1_000);
        List<String> b = feed(detector, restored, new Random(seed), 2_000, 1_000);
        assertEquals(a, b);
        assertTrue(a.stream().anyMatch(v -> v.contains("/OPEN/")), "the burst should open an alert");
        assertTrue(a.stream().anyMatch(v -> v.contains("/RESOLVED/")), "and it should resolve");
        assertEquals(AnomalyStates.fields(original), AnomalyStates.fields(restored));
    }

    @Test
    void shouldKeepOnlyTheLastWScoresAndMeansOldestFirst() {
        AnomalyConfig config = AnomalyConfig.builder().shortWindow(3).learningPeriod(3).longWindow(10).build();
        AnomalyDetector detector = new AnomalyDetector(config, 1);
        AnomalyState s = detector.newState();
        AnomalyState restored = new AnomalyState(1, 3);
        restored.restoreWindows(new double[] {0.1, 0.2}, 2, new double[] {0.5}, 1);
        assertEquals(2, restored.shortCount());
        assertEquals(0.1, restored.shortScore(0));
        assertEquals(0.2, restored.shortScore(1));
        for (double x : new double[] {0.1, 0.2, 0.3, 0.4}) {
            AnomalyDetector.pushShort(s, x);
        }
        assertEquals(3, s.shortCount());
        assertEquals(0.2, s.shortScore(0));
        assertEquals(0.4, s.shortScore(2));
        assertThrows(IndexOutOfBoundsException.class, () -> s.shortScore(3));
    }

    @Test
    void shouldRejectEveryOutOfRangeFieldNamingItAndLeaveTheStateUnchanged() {
        AnomalyDetector detector = new AnomalyDetector(AnomalyConfig.defaults(), 2);
        AnomalyState s = detector.newState();
        feed(detector, s, new Random(3), 300, -1);
        List<Object> before = AnomalyStates.fields(s);
        double[] ok = {0.0, 1.0};
        assertRejected(s, "residualCount", x -> x.restoreResiduals(-1, ok, ok));
        assertRejected(s, "residualMean[1]", x -> x.restoreResiduals(1, new double[] {0, Double.NaN}, ok));
        assertRejected(s, "residualVariance[0]", x -> x.restoreResiduals(1, ok, new double[] {-1, 0}));
        assertRejected(s, "shortCount", x -> x.restoreWindows(new double[11], 11, ok, 0));
        assertRejected(s, "lagCount", x -> x.restoreWindows(ok, 0, ok, -1));
        assertRejected(s, "shortScores[1]", x -> x.restoreWindows(new double[] {0.5, 1.5}, 2, ok, 0));
        assertRejected(s, "lagMeans[0]", x -> x.restoreWindows(ok, 0, new double[] {-0.1}, 1));
        assertRejected(s, "referenceCount", x -> x.restoreReference(-1, 0.5, 0.0));
        assertRejected(s, "referenceMean", x -> x.restoreReference(1, 1.5, 0.0));
        assertRejected(s, "referenceVariance", x -> x.restoreReference(1, 0.5, Double.POSITIVE_INFINITY));
        assertRejected(s, "resolveStreak", x -> x.restoreAlert(true, 0, -2, 0));
        assertRejected(s, "valueCount", x -> x.restoreRange(-5, ok, ok));
        assertRejected(s, "high[0]", x -> x.restoreRange(1, new double[] {2, 0}, new double[] {1, 0}));
        assertRejected(s, "noveltyFill", x -> x.restoreNovelty(AnomalyDetector.NOVELTY_BLOCK, 0, new double[3]));
        assertRejected(s, "noveltyMaxima[2]", x -> x.restoreNovelty(0, 0, new double[] {0, 0, -1}));
        assertEquals(before, AnomalyStates.fields(s));
    }

    @Test
    void shouldClearBackToANewState() {
        AnomalyDetector detector = new AnomalyDetector(AnomalyConfig.defaults(), 2);
        AnomalyState s = detector.newState();
        feed(detector, s, new Random(5), 600, 500);
        s.clear();
        assertEquals(AnomalyStates.fields(detector.newState()), AnomalyStates.fields(s));
    }

    private static void assertRejected(AnomalyState s, String field, Consumer<AnomalyState> restore) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> restore.accept(s));
        assertTrue(e.getMessage().contains("anomaly field " + field + " "), e.getMessage());
    }

    /** Scores Gaussian residuals with a burst of 6 sigma at {@code burstAt}; returns every verdict's bits. */
    static List<String> feed(AnomalyDetector detector, AnomalyState s, Random random, int events, int burstAt) {
        double[] actual = new double[detector.features()];
        double[] expected = new double[detector.features()];
        AnomalyVerdict v = new AnomalyVerdict();
        List<String> out = new ArrayList<>();
        for (int e = 0; e < events; e++) {
            for (int i = 0; i < actual.length; i++) {
                actual[i] = random.nextGaussian() + (e >= burstAt && e < burstAt + 20 ? 6.0 : 0.0);
            }
            detector.score(s, actual, expected, v);
            out.add(Double.doubleToRawLongBits(v.rawScore()) + "/" + Double.doubleToRawLongBits(v.likelihood())
                    + "/" + v.transition() + "/" + v.reason());
        }
        return out;
    }
}
