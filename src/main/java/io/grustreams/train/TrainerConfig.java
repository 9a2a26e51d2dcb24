package io.grustreams.train;

/**
 * Hyper-parameters of {@link TbpttTrainer}. Immutable; {@code with…} methods return modified copies.
 *
 * @param tbptt k1 (steps between updates) and k2 (steps back-propagated)
 * @param batchSize sequences per mini-batch (the last batch of an epoch may be smaller)
 * @param epochs passes over the dataset, at most (a listener may stop earlier)
 * @param learningRate Adam's lr
 * @param beta1 Adam's β1
 * @param beta2 Adam's β2
 * @param epsilon Adam's eps (added after the bias correction, as torch)
 * @param maxGradNorm global-norm clipping threshold; {@link Double#POSITIVE_INFINITY} disables clipping
 * @param seed seeds the per-epoch shuffling; same data + config → same model, to the bit
 * @param shards fixed number of parts a mini-batch is split into, each with its own gradient buffer,
 *     summed in shard order. Part of the result's identity: changing it changes the last bits.
 * @param threads threads that compute the shards (at most {@code shards} are used, the calling thread
 *     being one of them); never changes the result
 * @param maxEpochSteps time steps (sequences × length) an epoch visits at most: a larger dataset is
 *     visited over several epochs ({@link TbpttTrainer#fit}); {@link Long#MAX_VALUE} for whole passes
 */
public record TrainerConfig(Tbptt tbptt, int batchSize, int epochs, double learningRate, double beta1, double beta2,
        double epsilon, double maxGradNorm, long seed, int shards, int threads, long maxEpochSteps) {

    public TrainerConfig {
        if (tbptt == null) {
            throw new IllegalArgumentException("tbptt must be given");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be positive: " + batchSize);
        }
        if (epochs < 0) {
            throw new IllegalArgumentException("epochs must not be negative: " + epochs);
        }
        if (!(maxGradNorm > 0)) {
            throw new IllegalArgumentException("maxGradNorm must be positive (infinity disables clipping): " + maxGradNorm);
        }
        if (shards < 1) {
            throw new IllegalArgumentException("shards must be positive: " + shards);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be positive: " + threads);
        }
        if (maxEpochSteps < 1) {
            throw new IllegalArgumentException("maxEpochSteps must be positive: " + maxEpochSteps);
        }
        new Adam(1, learningRate, beta1, beta2, epsilon);
    }

    /**
     * TBPTT chunks of 32, batches of 64, 10 epochs, Adam lr 1e-3 (β 0.9, 0.999, eps 1e-8), clipping at
     * 1.0, seed 1, 4 shards on up to 4 threads, whole passes per epoch.
     */
    public static TrainerConfig defaults() {
        return new TrainerConfig(Tbptt.chunks(32), 64, 10, 1e-3, 0.9, 0.999, 1e-8, 1.0, 1L, 4,
                Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())), Long.MAX_VALUE);
    }

    public TrainerConfig withTbptt(Tbptt t) {
        return new TrainerConfig(t, batchSize, epochs, learningRate, beta1, beta2, epsilon, maxGradNorm, seed,
                shards, threads, maxEpochSteps);
    }

    public TrainerConfig withBatchSize(int b) {
        return new TrainerConfig(tbptt, b, epochs, learningRate, beta1, beta2, epsilon, maxGradNorm, seed, shards,
                threads, maxEpochSteps);
    }

    public TrainerConfig withEpochs(int e) {
        return new TrainerConfig(tbptt, batchSize, e, learningRate, beta1, beta2, epsilon, maxGradNorm, seed,
                shards, threads, maxEpochSteps);
    }

    public TrainerConfig withLearningRate(double lr) {
        return new TrainerConfig(tbptt, batchSize, epochs, lr, beta1, beta2, epsilon, maxGradNorm, seed, shards,
                threads, maxEpochSteps);
    }

    public TrainerConfig withAdam(double lr, double b1, double b2, double eps) {
        return new TrainerConfig(tbptt, batchSize, epochs, lr, b1, b2, eps, maxGradNorm, seed, shards, threads,
                maxEpochSteps);
    }

    public TrainerConfig withMaxGradNorm(double max) {
        return new TrainerConfig(tbptt, batchSize, epochs, learningRate, beta1, beta2, epsilon, max, seed, shards,
                threads, maxEpochSteps);
    }

    public TrainerConfig withSeed(long s) {
        return new TrainerConfig(tbptt, batchSize, epochs, learningRate, beta1, beta2, epsilon, maxGradNorm, s,
                shards, threads, maxEpochSteps);
    }

    public TrainerConfig withShards(int s) {
        return new TrainerConfig(tbptt, batchSize, epochs, learningRate, beta1, beta2, epsilon, maxGradNorm, seed,
                s, threads, maxEpochSteps);
    }

    public TrainerConfig withThreads(int t) {
        return new TrainerConfig(tbptt, batchSize, epochs, learningRate, beta1, beta2, epsilon, maxGradNorm, seed,
                shards, t, maxEpochSteps);
    }

    public TrainerConfig withMaxEpochSteps(long steps) {
        return new TrainerConfig(tbptt, batchSize, epochs, learningRate, beta1, beta2, epsilon, maxGradNorm, seed,
                shards,
                threads, steps);
    }

    /** A fresh optimizer state for {@code size} parameters with this config's Adam hyper-parameters. */
    public Adam newAdam(int size) {
        return new Adam(size, learningRate, beta1, beta2, epsilon);
    }
}
