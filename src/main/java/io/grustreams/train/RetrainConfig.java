package io.grustreams.train;

import io.grustreams.model.Variant;

/**
 * What a {@link Retrainer} run does with a window of history, besides the optimizer settings of
 * {@link TrainerConfig}. Immutable; {@code with…} methods return modified copies.
 *
 * @param variant the GRU form of a new model (a warm start needs the champion to have the same)
 * @param hiddenSize H of a new model
 * @param sequenceLength L: each key's training part is cut into sequences of L steps (L + 1 events),
 *     aligned to its end; each starts from the zero state, as the stream re-warms a key from zero
 * @param validationFraction the last part of every key's events held out for validation, in [0, 1)
 * @param warmupSteps W: events before a key's validation part replayed from the zero state before it
 *     is scored, as the stream re-warms a key from its last W inputs ({@code gru.ring.size})
 * @param patience early stopping: epochs without a new best validation MSE before training stops
 * @param margin champion/challenger: publish only if {@code challengerMse < championMse · (1 − margin)}
 * @param trainer TBPTT, batch size, maximum epochs, Adam, clipping, seed, shards, threads
 */
public record RetrainConfig(Variant variant, int hiddenSize, int sequenceLength, double validationFraction,
        int warmupSteps, int patience, double margin, TrainerConfig trainer) {

    public RetrainConfig {
        if (variant == null) {
            throw new IllegalArgumentException("variant must be given");
        }
        if (hiddenSize < 1) {
            throw new IllegalArgumentException("hiddenSize must be positive: " + hiddenSize);
        }
        if (sequenceLength < 2) {
            throw new IllegalArgumentException("sequenceLength must be at least 2: " + sequenceLength);
        }
        if (!(validationFraction > 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validationFraction must be in (0, 1): " + validationFraction);
        }
        if (warmupSteps < 1) {
            throw new IllegalArgumentException("warmupSteps must be positive: " + warmupSteps);
        }
        if (patience < 1) {
            throw new IllegalArgumentException("patience must be positive: " + patience);
        }
        if (!(margin >= 0 && margin < 1)) {
            throw new IllegalArgumentException("margin must be in [0, 1): " + margin);
        }
        if (trainer == null) {
            throw new IllegalArgumentException("trainer must be given");
        }
    }

    /**
     * cho, H 32, sequences of 128 steps, the last 20% of each key for validation, warm-up 256 (the
     * stream's default ring), patience 2, margin 1%; the trainer with chunks of 32, batches of 64, at most
     * 10 epochs, Adam lr 3e-3, clipping at 1, seed 1.
     */
    public static RetrainConfig defaults() {
        return new RetrainConfig(Variant.CHO, 32, 128, 0.2, 256, 2, 0.01,
                TrainerConfig.defaults().withLearningRate(3e-3));
    }

    public RetrainConfig withVariant(Variant v) {
        return new RetrainConfig(v, hiddenSize, sequenceLength, validationFraction, warmupSteps, patience, margin,
                trainer);
    }

    public RetrainConfig withHiddenSize(int h) {
        return new RetrainConfig(variant, h, sequenceLength, validationFraction, warmupSteps, patience, margin,
                trainer);
    }

    public RetrainConfig withSequenceLength(int l) {
        return new RetrainConfig(variant, hiddenSize, l, validationFraction, warmupSteps, patience, margin, trainer);
    }

    public RetrainConfig withValidationFraction(double f) {
        return new RetrainConfig(variant, hiddenSize, sequenceLength, f, warmupSteps, patience, margin, trainer);
    }

    public RetrainConfig withWarmupSteps(int w) {
        return new RetrainConfig(variant, hiddenSize, sequenceLength, validationFraction, w, patience, margin,
                trainer);
    }

    public RetrainConfig withPatience(int p) {
        return new RetrainConfig(variant, hiddenSize, sequenceLength, validationFraction, warmupSteps, p, margin,
                trainer);
    }

    public RetrainConfig withMargin(double m) {
        return new RetrainConfig(variant, hiddenSize, sequenceLength, validationFraction, warmupSteps, patience, m,
                trainer);
    }

    public RetrainConfig withTrainer(TrainerConfig t) {
        return new RetrainConfig(variant, hiddenSize, sequenceLength, validationFraction, warmupSteps, patience,
                margin, t);
    }
}
