package io.grustreams.train;

import io.grustreams.model.GruLayout;
import io.grustreams.model.Parameters;
import java.util.SplittableRandom;

/** Initial parameters for training from scratch (a warm start uses the current model's instead). */
public final class ParameterInit {

    private ParameterInit() {
    }

    /**
     * PyTorch's default for {@code nn.GRU} and {@code nn.Linear(H, O)}: every value, weights and
     * biases of cell and readout, uniform in {@code [-1/√H, 1/√H)}, drawn in flat-vector order from a
     * {@link SplittableRandom} seeded with {@code seed}. Same layout and seed → same values.
     */
    public static Parameters uniform(GruLayout layout, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double bound = 1.0 / Math.sqrt(layout.hiddenSize());
        double[] values = new double[layout.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = rng.nextDouble(-bound, bound);
        }
        return new Parameters(layout, values);
    }
}
