package io.grustreams.train;

import io.grustreams.model.GruLayout;
import io.grustreams.model.Parameters;
import java.util.SplittableRandom;

/**
 * Initial parameters for training from scratch (a warm start uses the current model's instead); the
 * one initialization {@link Retrainer} uses.
 */
public final class ParameterInit {

    private ParameterInit() {
    }

    /**
     * PyTorch's default for {@code nn.GRU} and {@code nn.Linear(H, O)}: every value, weights and
     * biases of cell and readout, uniform in {@code (-1/√H, 1/√H)}, drawn in flat-vector order. Same
     * layout and seed → same values.
     */
    public static Parameters uniform(GruLayout layout, long seed) {
        // A stream split off the seed's, so the initialization does not replay the trainer's epoch
        // shuffles, which draw from the seed's own stream (TbpttTrainer).
        SplittableRandom rng = new SplittableRandom(seed).split();
        double bound = 1.0 / Math.sqrt(layout.hiddenSize());
        double[] values = new double[layout.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (2 * rng.nextDouble() - 1) * bound;
        }
        return new Parameters(layout, values);
    }
}
