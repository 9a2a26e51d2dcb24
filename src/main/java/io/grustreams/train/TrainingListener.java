package io.grustreams.train;

import io.grustreams.model.Parameters;

/**
 * Observes a {@link TbpttTrainer#fit} run and may end it: the hook for validation and early stopping.
 * Called on the training thread.
 */
public interface TrainingListener extends UpdateListener {

    /** Does nothing and never stops. */
    TrainingListener NONE = new TrainingListener() {
    };

    @Override
    default void onUpdate(long update, double loss, double gradNorm, double clipCoefficient) {
    }

    /**
     * After each epoch.
     *
     * @param epoch 1-based
     * @param trainLoss mean squared error over the epoch's training steps (at the parameters of each update)
     * @param current the parameters now; a copy, the listener may keep it (e.g. as the best so far)
     * @return false to stop training after this epoch
     */
    default boolean onEpoch(int epoch, double trainLoss, Parameters current) {
        return true;
    }
}
