package io.grustreams.train;

import io.grustreams.model.Parameters;

/**
 * What {@link TbpttTrainer#fit} produced: the final parameters and how it got there.
 *
 * @param parameters the parameters after the last update
 * @param epochLosses mean training loss of each epoch run, in order; its length is the number of epochs run
 * @param updates parameter updates done
 * @param config the configuration used (provenance)
 */
public record TrainingResult(Parameters parameters, double[] epochLosses, long updates, TrainerConfig config) {

    public TrainingResult {
        epochLosses = epochLosses.clone();
    }

    @Override
    public double[] epochLosses() {
        return epochLosses.clone();
    }

    public int epochsRun() {
        return epochLosses.length;
    }
}
