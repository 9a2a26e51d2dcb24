package io.grustreams.train;

import io.grustreams.model.GruModel;
import java.util.OptionalDouble;

/**
 * What a {@link Retrainer} run made and decided. Arrays are copies. Scores are mean squared errors
 * relative to a naive forecast on the same validation events, averaged over horizons
 * ({@link ForecastEvaluator.Evaluation}): below 1 beats it.
 *
 * @param model the new model (the parameters of the best validation epoch), whether or not it is published
 * @param decision the champion/challenger verdict
 * @param validationScore the new model's score against persistence
 * @param vsDaily its score against the daily seasonal naive forecast; NaN where none applies
 * @param vsWeekly its score against the weekly seasonal naive forecast; NaN where none applies
 * @param championScore the current model's score against persistence; empty without a comparable one
 * @param trainLosses mean training loss of each epoch run, epoch 1 first
 * @param validationScores validation score before training (index 0) and after each epoch
 * @param bestEpoch the epoch whose parameters the model holds (0: the starting point)
 * @param warmStart empty for a warm start from the champion, else why the run started from random weights
 * @param data the shape of the data the run used
 */
public record RetrainResult(GruModel model, Decision decision, double validationScore, double vsDaily,
        double vsWeekly, OptionalDouble championScore, double[] trainLosses, double[] validationScores, int bestEpoch,
        String warmStart, DataSummary data) {

    /**
     * @param keys keys in the history
     * @param events events in the history
     * @param keysTrained keys with at least one training window
     * @param sequences training windows of {@code sequenceLength} steps
     * @param trainingSteps time-steps of one pass over the windows
     * @param stepsPerEpoch time-steps one epoch trains on (a pass, or at most {@code maxSteps / epochs})
     * @param validationSteps one-step forecasts scored by validation
     * @param updatesPerEpoch parameter updates of one epoch
     * @param updates parameter updates done
     */
    public record DataSummary(int keys, long events, int keysTrained, int sequences, long trainingSteps,
            long stepsPerEpoch, long validationSteps, long updatesPerEpoch, long updates) {
    }

    /** Time-steps trained on over the run (every epoch run). */
    public long stepsTrained() {
        return data.stepsPerEpoch() * trainLosses.length;
    }

    public RetrainResult {
        trainLosses = trainLosses.clone();
        validationScores = validationScores.clone();
    }

    @Override
    public double[] trainLosses() {
        return trainLosses.clone();
    }

    @Override
    public double[] validationScores() {
        return validationScores.clone();
    }

    /** Epochs run (not counting the starting point). */
    public int epochsRun() {
        return trainLosses.length;
    }

    public boolean warmStarted() {
        return warmStart.isEmpty();
    }
}
