package io.grustreams.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.ZoneId;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class InputEncoderTest {

    private static final InputSpec PER_KEY = new InputSpec(InputSpec.Scaling.PER_KEY, 10,
            List.of(TimeInput.GAP), ZoneId.of("UTC"), 3, InputSpec.Readout.DIRECT);

    @Test
    void shouldGiveTheChangeInTypicalChangesClippedThenTheTimeInputs() {
        InputEncoder e = new InputEncoder(PER_KEY, Normalization.identity(2), 2);
        assertEquals(3, e.inputs());
        double[] in = new double[3];
        e.inputs(new double[] {5, 100}, new double[] {4, 0}, new double[] {0.5, 2}, 86_400_000L, 0L, in);
        assertArrayEquals(new double[] {2, InputSpec.CLIP, 1.0}, in, 1e-15);
        e.inputs(new double[] {5, 100}, null, new double[] {0.5, 2}, 86_400_000L, Long.MIN_VALUE, in);
        assertArrayEquals(new double[] {0, 0, 0}, in, 0.0, "a key's first event: no change, no gap");
    }

    @Test
    void shouldNormalizeWithTheModelsStatisticsUnderGlobalScaling() {
        InputSpec global = new InputSpec(InputSpec.Scaling.GLOBAL, 0, List.of(), ZoneId.of("UTC"), 1,
                InputSpec.Readout.ITERATED);
        InputEncoder e = new InputEncoder(global, new Normalization(new double[] {10}, new double[] {4}), 1);
        double[] in = new double[1];
        e.inputs(new double[] {18}, new double[] {1e9}, null, 0L, Long.MIN_VALUE, in);
        assertEquals(2.0, in[0]);
        double[] f = new double[1];
        e.forecasts(new double[] {-0.5}, 1, new double[] {18}, null, f);
        assertEquals(8.0, f[0]);
        assertEquals(-0.5, e.target(0, 1, 8.0, 18, 1));
    }

    @Test
    void shouldMakeTheTargetTheInverseOfTheForecastWithinItsBound() {
        InputEncoder e = new InputEncoder(PER_KEY, Normalization.identity(2), 2);
        SplittableRandom rng = new SplittableRandom(5);
        double[] raw = new double[2];
        double[] scale = new double[2];
        double[] y = new double[6];
        double[] f = new double[6];
        for (int i = 0; i < 1000; i++) {
            for (int j = 0; j < 2; j++) {
                raw[j] = 1000 * rng.nextGaussian();
                scale[j] = Math.exp(3 * rng.nextGaussian());
            }
            for (int k = 0; k < 6; k++) {
                y[k] = 4 * rng.nextGaussian();
            }
            e.forecasts(y, 3, raw, scale, f);
            for (int h = 1; h <= 3; h++) {
                for (int j = 0; j < 2; j++) {
                    double back = e.target(j, h, f[(h - 1) * 2 + j], raw[j], scale[j]);
                    double expected = Math.max(-8 * h, Math.min(8 * h, y[(h - 1) * 2 + j]));
                    assertEquals(expected, back, 1e-9 * Math.max(1, Math.abs(raw[j]) / scale[j]));
                }
            }
        }
    }

    @Test
    void shouldBoundTheTargetOfAJumpAfterAKeyThatNeverChanged() {
        InputEncoder e = new InputEncoder(PER_KEY, Normalization.identity(1), 1);
        assertEquals(16.0, e.target(0, 2, 5, 0, Double.MIN_NORMAL));
        assertEquals(-8.0, e.target(0, 1, -Double.MAX_VALUE, Double.MAX_VALUE, 1));
    }
}
