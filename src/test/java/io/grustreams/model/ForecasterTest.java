package io.grustreams.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ForecasterTest {

    private static final List<String> FEATURES = List.of("a", "b");

    @Test
    void shouldForecastEveryHorizonAsTheLastValueWithAZeroReadout() {
        GruModel m = TestModels.withZeroReadout(TestModels.model(FEATURES, TestModels.perKeyInputs(4), 5, 2, 0.5));
        Forecaster f = new Forecaster(m);
        assertEquals(4, f.rows());
        double[] h = new double[5];
        double[] out = new double[8];
        f.observe(h, new double[] {3, -7}, new double[] {2, -6}, new double[] {1, 1}, 1_000L, 0L, out);
        assertArrayEquals(new double[] {3, -7, 3, -7, 3, -7, 3, -7}, out, 0.0);
    }

    @Test
    void shouldStepTheCellOnTheEncodedInputsAndDecodeEveryRow() {
        GruModel m = TestModels.model(FEATURES, TestModels.perKeyInputs(2), 4, 7, 0.5);
        Forecaster f = new Forecaster(m);
        RecurrentStepper stepper = new RecurrentStepper(m.parameters());
        InputEncoder encoder = new InputEncoder(m.inputs(), m.normalization(), 2);
        double[] raw = {1.5, 20};
        double[] prev = {1.0, 22};
        double[] scale = {0.25, 3};
        double[] h = new double[4];
        double[] expectedH = new double[4];
        double[] out = new double[4];
        f.observe(h, raw, prev, scale, 1_714_000_000_000L, 1_713_999_000_000L, out);
        double[] in = new double[encoder.inputs()];
        encoder.inputs(raw, prev, scale, 1_714_000_000_000L, 1_713_999_000_000L, in);
        assertArrayEquals(in, f.lastInputs(), 0.0);
        stepper.step(expectedH, in);
        double[] y = new double[4];
        stepper.readout(expectedH, y);
        double[] expected = new double[4];
        encoder.forecasts(y, 2, raw, scale, expected);
        assertArrayEquals(expectedH, h, 0.0);
        assertArrayEquals(expected, out, 0.0);
    }

    @Test
    void shouldRollAnIteratedModelForwardFromCopiesOfTheKeysState() {
        InputSpec iterated = TestModels.perKeyInputs(1).withHorizon(1, InputSpec.Readout.ITERATED);
        GruModel m = TestModels.model(FEATURES, iterated, 3, 9, 0.6);
        Forecaster f = new Forecaster(m);
        SplittableRandom rng = new SplittableRandom(2);
        KeyScale scale = new KeyScale(2);
        double alpha = KeyScale.alpha(20);
        double[] h = new double[3];
        double[] rows = new double[2];
        double[] prev = new double[2];
        long t = 1_714_000_000_000L;
        for (int i = 0; i < 30; i++) {
            double[] x = {rng.nextGaussian(), 10 + rng.nextGaussian()};
            prev[0] = scale.last(0);
            prev[1] = scale.last(1);
            scale.observe(x, alpha);
            f.observe(h, x, i == 0 ? null : prev, scale.scales(), t, i == 0 ? Long.MIN_VALUE : t - 60_000, rows);
            t += 60_000;
        }
        t -= 60_000;
        double[] hBefore = h.clone();
        double[] ahead = new double[6];
        f.ahead(h, scale, t, 60_000, rows, 3, ahead);
        assertArrayEquals(hBefore, h, 0.0, "the key's hidden state is not touched");
        // By hand: the forecast fed back as the next event, one gap later.
        double[] hh = h.clone();
        KeyScale s = new KeyScale(2);
        s.copyFrom(scale);
        double[] x = {rows[0], rows[1]};
        double[] next = new double[2];
        double[] p = {s.last(0), s.last(1)};
        s.observe(x, alpha);
        f.observe(hh, x, p, s.scales(), t + 60_000, t, next);
        assertArrayEquals(rows, new double[] {ahead[0], ahead[1]}, 0.0);
        assertArrayEquals(next, new double[] {ahead[2], ahead[3]}, 0.0);
        assertTrue(Double.isFinite(ahead[5]));
    }

    @Test
    void shouldRefuseToRollADirectReadoutBeyondItsHorizon() {
        Forecaster f = new Forecaster(TestModels.model(FEATURES, TestModels.perKeyInputs(2), 3, 1, 0.5));
        assertThrows(IllegalArgumentException.class,
                () -> f.ahead(new double[3], new KeyScale(2), 0L, 0L, new double[4], 3, new double[6]));
    }
}
