package io.grustreams.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grustreams.model.GruLayout;
import io.grustreams.model.GruModel;
import io.grustreams.model.GruStepper;
import io.grustreams.model.Normalization;
import io.grustreams.model.TestModels;
import io.grustreams.model.Variant;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ForecastEvaluatorTest {

    private static final List<String> FEATURES = List.of("x", "y");

    private static GruModel model(List<String> features) {
        return new GruModel("m", 1, Instant.EPOCH, features,
                new Normalization(new double[] {1, 2}, new double[] {2, 3}),
                TestModels.randomParameters(GruLayout.of(Variant.CHO, 2, 4, 2), 3, 0.5), Map.of());
    }

    @Test
    void shouldScorePersistenceOnTheScoredPartInScaledUnits() {
        History h = History.builder(2)
                .add("a", 0, new double[] {1, 10}).add("a", 1, new double[] {2, 10})
                .add("a", 2, new double[] {4, 13}).add("a", 3, new double[] {7, 13})
                .add("b", 0, new double[] {0, 0}).add("b", 1, new double[] {2, 0}).build();
        try (ForecastEvaluator e = new ForecastEvaluator(h, FEATURES, new int[] {2, 0}, 1, new double[] {1, 3}, 1)) {
            // a: t = 2, 3 -> errors (2, 1), (3, 0); b: t = 1 (t = 0 has no forecast) -> (2, 0)
            assertEquals(3, e.steps());
            assertEquals((4 + 1 + 9 + 0 + 4 + 0) / 6.0, e.persistenceMse(), 1e-15);
        }
    }

    @Test
    void shouldMatchAPlainReplayWithWarmUpAndNotDependOnThreads() {
        History h = SyntheticHistory.sines(5, 5, 60, 2, 0.2);
        GruModel m = model(FEATURES);
        int[] from = {50, 10, 0, 59, 30};
        int warmup = 7;
        double[] scale = {1.5, 0.5};
        double sse = 0;
        long steps = 0;
        for (int k = 0; k < h.keys(); k++) {
            History.KeySeries s = h.series().get(k);
            GruStepper stepper = GruStepper.forModel(m);
            double[] hidden = new double[4];
            double[] x = new double[2];
            double[] f = new double[2];
            int start = Math.max(0, from[k] - warmup);
            for (int t = start; t < s.length(); t++) {
                s.copyValues(t, x);
                if (t >= from[k] && t > start) {
                    steps++;
                    for (int j = 0; j < 2; j++) {
                        sse += Math.pow((x[j] - f[j]) / scale[j], 2);
                    }
                }
                stepper.observe(hidden, x, f);
            }
        }
        double expected = sse / (steps * 2);
        try (ForecastEvaluator one = new ForecastEvaluator(h, FEATURES, from, warmup, scale, 1);
                ForecastEvaluator three = new ForecastEvaluator(h, FEATURES, from, warmup, scale, 3)) {
            assertEquals(steps, one.steps());
            assertEquals(expected, one.mse(m), 1e-14 * expected);
            assertEquals(one.mse(m), three.mse(m));
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
        GruModel m = model(FEATURES);
        int[] from = {20, 20, 20};
        try (ForecastEvaluator a = new ForecastEvaluator(h, FEATURES, from, 5, new double[] {1, 2}, 1);
                ForecastEvaluator b = new ForecastEvaluator(swapped.build(), List.of("y", "x"), from, 5,
                        new double[] {2, 1}, 1)) {
            assertEquals(a.mse(m), b.mse(m), 1e-15 * a.mse(m));
        }
    }

    @Test
    void shouldRefuseAModelOfOtherFeatures() {
        History h = SyntheticHistory.sines(6, 1, 10, 2, 0.1);
        try (ForecastEvaluator e = new ForecastEvaluator(h, FEATURES, new int[] {5}, 5, new double[] {1, 1}, 1)) {
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                    () -> e.mse(model(List.of("x", "z"))));
            assertEquals("the model reads features [x, z] but the data has [x, y]", ex.getMessage());
        }
    }
}
