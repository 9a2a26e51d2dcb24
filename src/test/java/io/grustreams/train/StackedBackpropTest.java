package io.grustreams.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grustreams.model.Cell;
import io.grustreams.model.GruLayout;
import io.grustreams.model.Variant;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The stacked BPTT against central differences at three layers, a depth the PyTorch reference
 * files (one and two layers) do not cover.
 */
class StackedBackpropTest {

    static Stream<GruLayout> threeLayers() {
        return Stream.of(GruLayout.of(Cell.RNN, Variant.PYTORCH, 3, 2, 3, 2),
                GruLayout.of(Cell.LSTM, Variant.PYTORCH, 3, 2, 3, 2),
                GruLayout.of(Cell.GRU, Variant.PYTORCH, 3, 2, 3, 2),
                GruLayout.of(Cell.GRU, Variant.CHO, 3, 2, 3, 2));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("threeLayers")
    void shouldMatchCentralDifferencesOfTheLossThroughEveryLayer(GruLayout layout) {
        Random rnd = new Random(11);
        int steps = 6;
        double[] p = new double[layout.size()];
        for (int i = 0; i < p.length; i++) {
            p[i] = rnd.nextGaussian() * 0.6;
        }
        double[] state0 = new double[layout.stateSize()];
        for (int i = 0; i < state0.length; i++) {
            state0[i] = rnd.nextDouble() - 0.5;
        }
        double[][] x = new double[steps][2];
        double[][] target = new double[steps][2];
        for (int t = 0; t < steps; t++) {
            for (int j = 0; j < 2; j++) {
                x[t][j] = rnd.nextGaussian();
                target[t][j] = rnd.nextGaussian();
            }
        }
        StackedBackprop sb = new StackedBackprop(layout, steps);
        double scale = 1.0 / (steps * 2);
        sb.forward(p, x, 0, steps, state0);
        double[] grad = new double[p.length];
        double[] gradInit = new double[state0.length];
        sb.backward(p, target, 0, steps, scale, grad, gradInit);

        double eps = 1e-6;
        for (int i = 0; i < p.length; i++) {
            double keep = p[i];
            p[i] = keep + eps;
            double up = loss(sb, p, x, target, state0, scale);
            p[i] = keep - eps;
            double down = loss(sb, p, x, target, state0, scale);
            p[i] = keep;
            assertEquals((up - down) / (2 * eps), grad[i], 1e-8, layout + " parameter " + i);
        }
        for (int i = 0; i < state0.length; i++) {
            double keep = state0[i];
            state0[i] = keep + eps;
            double up = loss(sb, p, x, target, state0, scale);
            state0[i] = keep - eps;
            double down = loss(sb, p, x, target, state0, scale);
            state0[i] = keep;
            assertEquals((up - down) / (2 * eps), gradInit[i], 1e-8, "initial state " + i);
        }
    }

    private static double loss(StackedBackprop sb, double[] p, double[][] x, double[][] target, double[] state0,
            double scale) {
        sb.forward(p, x, 0, x.length, state0);
        return sb.squaredError(target, 0, x.length) * scale;
    }
}
