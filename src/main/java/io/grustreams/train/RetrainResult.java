package io.grustreams.train;

import io.grustreams.model.GruModel;
import java.util.OptionalDouble;

/**
 * What a {@link Retrainer} run made and decided. Arrays are copies.
 *
 * @param model the new model (the parameters of the best validation epoch), whether or not it is published
 * @param decision the champion/challenger verdict
 * @param validationMse the new model's one-step MSE on the validation events (normalized units)
 * @param championMse the current model's MSE on the same events; empty without a comparable one
 * @param persistenceMse the MSE of the forecast "next = last" on the same events
 * @param trainLosses mean training loss of each epoch run, epoch 1 first
 * @param validationMses validation MSE before training (index 0) and after each epoch
 * @param bestEpoch the epoch whose parameters the model holds (0: the starting point)
 * @param warmStart empty for a warm start from the champion, else why the run started from random weights
 * @param data the shape of the data the run used
 */
public record RetrainResult(GruModel model, Decision decision, double validationMse, OptionalDouble championMse,
        double persistenceMse, double[] trainLosses, double[] validationMses, int bestEpoch, String warmStart,
        DataSummary data) {

    /**
     * @param keys keys in the history
     * @param events events in the history
     * @param keysTrained keys with at least one training sequence
     * @param sequences training sequences of {@code sequenceLength} steps
     * @param trainingSteps time-steps of one epoch
     * @param validationSteps events scored by validation
     * @param updatesPerEpoch parameter updates of one epoch
     * @param updates parameter updates done
     */
    public record DataSummary(int keys, long events, int keysTrained, int sequences, long trainingSteps,
            long validationSteps, long updatesPerEpoch, long updates) {
    }

    public RetrainResult {
        trainLosses = trainLosses.clone();
        validationMses = validationMses.clone();
    }

    @Override
    public double[] trainLosses() {
        return trainLosses.clone();
    }

    @Override
    public double[] validationMses() {
        return validationMses.clone();
    }

    /** Epochs run (not counting the starting point). */
    public int epochsRun() {
        return trainLosses.length;
    }

    public boolean warmStarted() {
        return warmStart.isEmpty();
    }
}
