package io.grustreams.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grustreams.model.Forecaster;
import io.grustreams.model.GruModel;
import io.grustreams.model.InputSpec;
import io.grustreams.model.KeyScale;
import io.grustreams.model.TestModels;
import java.util.List;
import org.junit.jupiter.api.Test;

class ForecastEvaluatorTest {

    private static final List<String> FEATURES = List.of("x", "y");
    private static final double HALF_LIFE = 20;

    /** Four events a day (6 h apart) for {@code days} days: a daily shape, a weekly one, a trend. */
    private static History seasonal(int keys, int days) {
        History.Builder b = History.builder(2);
        for (int k = 0; k < keys; k++) {
            for (int t = 0; t < 4 * days; t++) {
                double daily = new double[] {0, 3, 5, 1}[t % 4];
                double weekly = (t / 4) % 7 >= 5 ? -2 : 0;
                b.add("k" + k, 1_700_006_400_000L + t * 21_600_000L,
                        new double[] {(k + 1) * (10 + daily + weekly + 0.01 * t), 100 - daily * (k + 2)});
            }
        }
        return b.build();
    }

    @Test
    void shouldScoreAPersistenceForecastAsOneAgainstPersistence() {
        History h = seasonal(2, 30);
        GruModel persistence = TestModels.withZeroReadout(TestModels.model(FEATURES, TestModels.perKeyInputs(3), 4,
                1, 0.5));
        try (ForecastEvaluator e = new ForecastEvaluator(h, FEATURES, new int[] {100, 60}, 10, HALF_LIFE, 3, 1)) {
            ForecastEvaluator.Evaluation ev = e.evaluate(persistence);
            assertEquals(1.0, ev.score(), 1e-15);
            assertEquals(1.0, ev.rmseRatio(3), 1e-15);
            // Anchors a >= from - 1: key 0 scores events 100..119, key 1 events 60..119.
            assertEquals(20 + 60, e.steps());
        }
    }

    @Test
    void shouldScoreTheSeasonalNaiveForecastsOnKeysWithTheirHistory() {
        History h = seasonal(2, 30);
        GruModel persistence = TestModels.withZeroReadout(TestModels.model(FEATURES, TestModels.perKeyInputs(1), 4,
                1, 0.5));
        // Key 0 has 4 weeks before its scored part (daily and weekly apply), key 1 two days (daily only).
        int[] from = {112, 8};
        double persist = 0;
        double daily = 0;
        double persistOnWeekly = 0;
        double weekly = 0;
        for (int k = 0; k < 2; k++) {
            History.KeySeries s = h.series().get(k);
            double[] c = new double[2];
            for (int j = 0; j < 2; j++) {
                double sum = 0;
                for (int t = 1; t < from[k]; t++) {
                    sum += Math.pow(s.value(t, j) - s.value(t - 1, j), 2);
                }
                c[j] = Math.sqrt(sum / (from[k] - 1));
            }
            for (int a = from[k] - 1; a + 1 < s.length(); a++) {
                for (int j = 0; j < 2; j++) {
                    double p = Math.pow((s.value(a + 1, j) - s.value(a, j)) / c[j], 2);
                    persist += p;
                    daily += Math.pow((s.value(a + 1, j) - s.value(a + 1 - 4, j)) / c[j], 2);
                    if (k == 0) {
                        persistOnWeekly += p;
                        weekly += Math.pow((s.value(a + 1, j) - s.value(a + 1 - 28, j)) / c[j], 2);
                    }
                }
            }
        }
        try (ForecastEvaluator e = new ForecastEvaluator(h, FEATURES, from, 4, HALF_LIFE, 1, 2)) {
            ForecastEvaluator.Evaluation ev = e.evaluate(persistence);
            assertEquals(persist / daily, ev.vsDaily(), 1e-12);
            assertEquals(persistOnWeekly / weekly, ev.vsWeekly(), 1e-12);
            assertTrue(ev.vsDaily() > 1, "a daily pattern makes the daily naive forecast beat persistence here");
        }
    }

    @Test
    void shouldMatchAPlainReplayWithWarmUpAndNotDependOnThreads() {
        History h = SyntheticHistory.sines(5, 5, 60, 2, 0.2);
        GruModel m = TestModels.model(FEATURES, TestModels.perKeyInputs(2), 4, 3, 0.5);
        int[] from = {50, 10, 1, 59, 30};
        int warmup = 7;
        double[] model = new double[2];
        double[] persistence = new double[2];
        double alpha = KeyScale.alpha(HALF_LIFE);
        for (int k = 0; k < h.keys(); k++) {
            History.KeySeries s = h.series().get(k);
            double[] c = new double[2];
            int end = from[k] >= 2 ? from[k] : s.length();
            for (int j = 0; j < 2; j++) {
                double sum = 0;
                for (int t = 1; t < end; t++) {
                    sum += Math.pow(s.value(t, j) - s.value(t - 1, j), 2);
                }
                c[j] = KeyScale.effective(Math.sqrt(sum / (end - 1)), s.value(end - 1, j));
            }
            Forecaster f = new Forecaster(m);
            KeyScale scale = new KeyScale(2);
            double[] hidden = new double[4];
            double[] x = new double[2];
            double[] prev = new double[2];
            double[] out = new double[4];
            int start = Math.max(0, from[k] - warmup);
            for (int t = 0; t < s.length(); t++) {
                prev[0] = scale.last(0);
                prev[1] = scale.last(1);
                s.copyValues(t, x);
                scale.observe(x, alpha);
                if (t < start) {
                    continue;
                }
                f.observe(hidden, x, t == start ? null : prev, scale.scales(), s.timestamp(t),
                        t == start ? Long.MIN_VALUE : s.timestamp(t - 1), out);
                if (t >= Math.max(start, from[k] - 1)) {
                    for (int hz = 1; hz <= 2 && t + hz < s.length(); hz++) {
                        for (int j = 0; j < 2; j++) {
                            model[hz - 1] += Math.pow((s.value(t + hz, j) - out[(hz - 1) * 2 + j]) / c[j], 2);
                            persistence[hz - 1] += Math.pow((s.value(t + hz, j) - s.value(t, j)) / c[j], 2);
                        }
                    }
                }
            }
        }
        double expected = (model[0] / persistence[0] + model[1] / persistence[1]) / 2;
        try (ForecastEvaluator one = new ForecastEvaluator(h, FEATURES, from, warmup, HALF_LIFE, 2, 1);
                ForecastEvaluator three = new ForecastEvaluator(h, FEATURES, from, warmup, HALF_LIFE, 2, 3)) {
            assertEquals(expected, one.evaluate(m).score(), 1e-12 * expected);
            assertEquals(one.evaluate(m).score(), three.evaluate(m).score());
        }
    }

    @Test
    void shouldRollAnIteratedModelForwardForLongerHorizons() {
        History h = SyntheticHistory.sines(8, 2, 50, 2, 0.2);
        InputSpec iterated = TestModels.perKeyInputs(1).withHorizon(1, InputSpec.Readout.ITERATED);
        GruModel m = TestModels.model(FEATURES, iterated, 3, 4, 0.5);
        try (ForecastEvaluator e = new ForecastEvaluator(h, FEATURES, new int[] {30, 30}, 5, HALF_LIFE, 3, 1)) {
            ForecastEvaluator.Evaluation ev = e.evaluate(m);
            assertTrue(Double.isFinite(ev.rmseRatio(3)) && ev.rmseRatio(3) != ev.rmseRatio(1), ev.rmseRatio(3) + "");
        }
    }

    @Test
    void shouldFeedAModelItsFeaturesInItsOwnOrder() {
        History h = SyntheticHistory.sines(6, 3, 40, 2, 0.1);
        History.Builder swapped = History.builder(2);
        double[] v = new double[2];
        for (History.KeySeries s : h.series()) {
            for (int t = 0; t < s.length(); t++) {
                s.copyValues(t, v);
                swapped.add(s.key(), s.timestamp(t), new double[] {v[1], v[0]});
            }
        }
        GruModel m = TestModels.model(FEATURES, TestModels.perKeyInputs(2), 4, 3, 0.5);
        int[] from = {20, 20, 20};
        try (ForecastEvaluator a = new ForecastEvaluator(h, FEATURES, from, 5, HALF_LIFE, 2, 1);
                ForecastEvaluator b = new ForecastEvaluator(swapped.build(), List.of("y", "x"), from, 5, HALF_LIFE,
                        2, 1)) {
            assertEquals(a.evaluate(m).score(), b.evaluate(m).score(), 1e-14);
        }
    }

    @Test
    void shouldRefuseAModelOfOtherFeatures() {
        History h = SyntheticHistory.sines(6, 1, 10, 2, 0.1);
        try (ForecastEvaluator e = new ForecastEvaluator(h, FEATURES, new int[] {5}, 5, HALF_LIFE, 1, 1)) {
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                    () -> e.evaluate(TestModels.model(List.of("x", "z"), TestModels.perKeyInputs(1), 2, 1, 0.1)));
            assertEquals("the model reads features [x, z] but the data has [x, y]", ex.getMessage());
        }
    }
}
