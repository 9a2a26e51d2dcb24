package io.grustreams.train;

/**
 * Observes a {@link Retrainer} run: for progress displays. Called on the training thread; must not
 * block for long. Every method does nothing by default.
 */
public interface RetrainListener extends UpdateListener {

    /** Does nothing. */
    RetrainListener NONE = new RetrainListener() {
    };

    /**
     * Before the first epoch, after the data are prepared.
     *
     * @param maxEpochs epochs at most (early stopping may end sooner)
     * @param updatesPerEpoch parameter updates in one epoch
     * @param trainingSteps time-steps of one epoch (sequences × length)
     * @param validationSteps events scored by each validation
     */
    default void onStart(int maxEpochs, long updatesPerEpoch, long trainingSteps, long validationSteps) {
    }

    @Override
    default void onUpdate(long update, double loss, double gradNorm, double clipCoefficient) {
    }

    /**
     * After each epoch's validation; epoch 0 is the starting point (before any update), whose train
     * loss is NaN.
     *
     * @param best whether this epoch's validation MSE is the best so far
     */
    default void onEpoch(int epoch, double trainLoss, double validationMse, boolean best) {
    }
}
