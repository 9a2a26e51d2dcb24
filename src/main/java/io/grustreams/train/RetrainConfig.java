package io.grustreams.train;

import io.grustreams.model.Cell;
import io.grustreams.model.GruLayout;
import io.grustreams.model.InputSpec;
import io.grustreams.model.TimeInput;
import io.grustreams.model.Variant;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link Retrainer} run does with a window of history, besides the optimizer settings of
 * {@link TrainerConfig}. Immutable; {@code with…} methods return modified copies.
 *
 * @param cell the recurrent cell of a new model
 * @param layers L, its stacked layers, in [1, {@link GruLayout#MAX_LAYERS}]
 * @param variant the GRU form of a new model, pytorch for rnn and lstm (a warm start needs the champion
 *     to have the same cell, layers and variant)
 * @param hiddenSize H of a new model
 * @param sequenceLength L: training windows of L steps, each from the zero state, as the stream
 *     re-warms a key from zero
 * @param burnIn B: the first B steps of every window are not in the loss (the state warms up), in [0, L)
 * @param stride events between the starts of consecutive windows of a key (windows overlap when
 *     below L), aligned to the end of the key's training part
 * @param validationFraction the last part of every key's events held out for validation, in (0, 1)
 * @param warmupSteps W: events before a key's validation part replayed from the zero state before it
 *     is scored, as the stream re-warms a key from its last W inputs ({@code gru.ring.size})
 * @param patience early stopping: epochs without a new best validation score before training stops
 * @param margin champion/challenger: publish only if {@code challenger < champion · (1 − margin)}
 * @param inputs the inputs of new models: the stream's scaling, scale half-life, time inputs and zone
 *     ({@code gru.inputs.*}); its horizon and readout are replaced by {@code horizon} and {@code readout}
 * @param horizon N: new models are judged on forecasts 1..N events ahead; a direct readout is trained
 *     for all of them ({@code gru.forecast.horizon})
 * @param readout direct (one readout row per horizon) or iterated (the next event, fed back)
 * @param maxSteps training time steps of a run at most (windows × L over all epochs): bounds its time
 *     whatever the data; an epoch is then at most {@code maxSteps / epochs} steps
 * @param beatNaive publish only a model that beats persistence and the seasonal naive forecasts on the
 *     validation events; false forces a first model out regardless
 * @param trainer TBPTT, batch size, maximum epochs, Adam, clipping, seed, shards, threads
 */
public record RetrainConfig(Cell cell, int layers, Variant variant, int hiddenSize, int sequenceLength, int burnIn,
        int stride, double validationFraction, int warmupSteps, int patience, double margin, InputSpec inputs,
        int horizon, InputSpec.Readout readout, long maxSteps, boolean beatNaive, TrainerConfig trainer) {

    public RetrainConfig {
        Objects.requireNonNull(cell, "cell");
        Objects.requireNonNull(variant, "variant");
        if (layers < 1 || layers > GruLayout.MAX_LAYERS) {
            throw new IllegalArgumentException("layers must be in [1, " + GruLayout.MAX_LAYERS + "]: " + layers);
        }
        if (cell != Cell.GRU && variant != Variant.PYTORCH) {
            throw new IllegalArgumentException("the " + cell.id() + " cell exists in the pytorch form only, not "
                    + variant.id());
        }
        if (hiddenSize < 1) {
            throw new IllegalArgumentException("hiddenSize must be positive: " + hiddenSize);
        }
        if (sequenceLength < 2) {
            throw new IllegalArgumentException("sequenceLength must be at least 2: " + sequenceLength);
        }
        if (burnIn < 0 || burnIn >= sequenceLength) {
            throw new IllegalArgumentException("burnIn must be in [0, sequenceLength=" + sequenceLength + "): "
                    + burnIn);
        }
        if (stride < 1) {
            throw new IllegalArgumentException("stride must be positive: " + stride);
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
        Objects.requireNonNull(inputs, "inputs");
        if (horizon < 1 || horizon > InputSpec.MAX_HORIZON) {
            throw new IllegalArgumentException("horizon must be in [1, " + InputSpec.MAX_HORIZON + "]: " + horizon);
        }
        Objects.requireNonNull(readout, "readout");
        if (maxSteps < 1) {
            throw new IllegalArgumentException("maxSteps must be positive: " + maxSteps);
        }
        Objects.requireNonNull(trainer, "trainer");
    }

    /**
     * A one-layer GRU of the cho form, H 32, windows of 256 steps every 32 events with a burn-in of 32,
     * the last 20% of each key for validation, warm-up 256 (the stream's default ring), patience 4, margin 1%, per-key scaling with
     * a half-life of 288 events, time of day and day of week in UTC, horizon 1, an iterated readout (the
     * forecasting benchmark's better one, docs/forecasting.md), at most
     * 4,000,000 training steps, models must beat the naive forecasts; the trainer with chunks of 32,
     * batches of 64, at most 40 epochs, Adam lr 3e-3, clipping at 1, seed 1.
     */
    public static RetrainConfig defaults() {
        InputSpec inputs = new InputSpec(InputSpec.Scaling.PER_KEY, 288,
                List.of(TimeInput.TIME_OF_DAY, TimeInput.DAY_OF_WEEK), ZoneId.of("UTC"), 1, InputSpec.Readout.DIRECT);
        return new RetrainConfig(Cell.GRU, 1, Variant.CHO, 32, 256, 32, 32, 0.2, 256, 4, 0.01, inputs, 1,
                InputSpec.Readout.ITERATED, 4_000_000L, true,
                TrainerConfig.defaults().withLearningRate(3e-3) .withEpochs(40));
    }

    /** The inputs, horizon and readout of the models this configuration makes. */
    public InputSpec modelInputs() {
        return inputs.withHorizon(readout == InputSpec.Readout.DIRECT ? horizon : 1, readout);
    }

    /** The trainer's configuration for a run: epochs of at most {@code maxSteps / epochs} steps. */
    public TrainerConfig runTrainer() {
        return trainer.withMaxEpochSteps(Math.max(1, maxSteps / Math.max(1, trainer.epochs())));
    }

    /** Another cell; rnn and lstm take the pytorch form (the only one they have). */
    public RetrainConfig withCell(Cell c) {
        return new RetrainConfig(c, layers, c == Cell.GRU ? variant : Variant.PYTORCH, hiddenSize, sequenceLength,
                burnIn, stride, validationFraction, warmupSteps, patience, margin, inputs, horizon, readout, maxSteps,
                beatNaive, trainer);
    }

    public RetrainConfig withLayers(int l) {
        return new RetrainConfig(cell, l, variant, hiddenSize, sequenceLength, burnIn, stride, validationFraction,
                warmupSteps, patience, margin, inputs, horizon, readout, maxSteps, beatNaive, trainer);
    }

    public RetrainConfig withVariant(Variant v) {
        return new RetrainConfig(cell, layers, v, hiddenSize, sequenceLength, burnIn, stride, validationFraction,
                warmupSteps, patience, margin, inputs, horizon, readout, maxSteps, beatNaive, trainer);
    }

    public RetrainConfig withHiddenSize(int h) {
        return new RetrainConfig(cell, layers, variant, h, sequenceLength, burnIn, stride, validationFraction,
                warmupSteps, patience, margin, inputs, horizon, readout, maxSteps, beatNaive, trainer);
    }

    /** Another window length; the burn-in and stride are kept where they still fit, else cut to L − 1 and L. */
    public RetrainConfig withSequenceLength(int l) {
        return new RetrainConfig(cell, layers, variant, hiddenSize, l, Math.min(burnIn, Math.max(0, l - 1)), stride,
                validationFraction, warmupSteps, patience, margin, inputs, horizon, readout, maxSteps, beatNaive,
                trainer);
    }

    public RetrainConfig withBurnIn(int b) {
        return new RetrainConfig(cell, layers, variant, hiddenSize, sequenceLength, b, stride, validationFraction,
                warmupSteps, patience, margin, inputs, horizon, readout, maxSteps, beatNaive, trainer);
    }

    public RetrainConfig withStride(int s) {
        return new RetrainConfig(cell, layers, variant, hiddenSize, sequenceLength, burnIn, s, validationFraction,
                warmupSteps, patience, margin, inputs, horizon, readout, maxSteps, beatNaive, trainer);
    }

    public RetrainConfig withValidationFraction(double f) {
        return new RetrainConfig(cell, layers, variant, hiddenSize, sequenceLength, burnIn, stride, f, warmupSteps,
                patience, margin, inputs, horizon, readout, maxSteps, beatNaive, trainer);
    }

    public RetrainConfig withWarmupSteps(int w) {
        return new RetrainConfig(cell, layers, variant, hiddenSize, sequenceLength, burnIn, stride, validationFraction,
                w, patience, margin, inputs, horizon, readout, maxSteps, beatNaive, trainer);
    }

    public RetrainConfig withPatience(int p) {
        return new RetrainConfig(cell, layers, variant, hiddenSize, sequenceLength, burnIn, stride, validationFraction,
                warmupSteps, p, margin, inputs, horizon, readout, maxSteps, beatNaive, trainer);
    }

    public RetrainConfig withMargin(double m) {
        return new RetrainConfig(cell, layers, variant, hiddenSize, sequenceLength, burnIn, stride, validationFraction,
                warmupSteps, patience, m, inputs, horizon, readout, maxSteps, beatNaive, trainer);
    }

    public RetrainConfig withInputs(InputSpec i) {
        return new RetrainConfig(cell, layers, variant, hiddenSize, sequenceLength, burnIn, stride, validationFraction,
                warmupSteps, patience, margin, i, horizon, readout, maxSteps, beatNaive, trainer);
    }

    public RetrainConfig withHorizon(int n) {
        return new RetrainConfig(cell, layers, variant, hiddenSize, sequenceLength, burnIn, stride, validationFraction,
                warmupSteps, patience, margin, inputs, n, readout, maxSteps, beatNaive, trainer);
    }

    public RetrainConfig withReadout(InputSpec.Readout r) {
        return new RetrainConfig(cell, layers, variant, hiddenSize, sequenceLength, burnIn, stride, validationFraction,
                warmupSteps, patience, margin, inputs, horizon, r, maxSteps, beatNaive, trainer);
    }

    public RetrainConfig withMaxSteps(long s) {
        return new RetrainConfig(cell, layers, variant, hiddenSize, sequenceLength, burnIn, stride, validationFraction,
                warmupSteps, patience, margin, inputs, horizon, readout, s, beatNaive, trainer);
    }

    public RetrainConfig withBeatNaive(boolean b) {
        return new RetrainConfig(cell, layers, variant, hiddenSize, sequenceLength, burnIn, stride, validationFraction,
                warmupSteps, patience, margin, inputs, horizon, readout, maxSteps, b, trainer);
    }

    public RetrainConfig withTrainer(TrainerConfig t) {
        return new RetrainConfig(cell, layers, variant, hiddenSize, sequenceLength, burnIn, stride, validationFraction,
                warmupSteps, patience, margin, inputs, horizon, readout, maxSteps, beatNaive, t);
    }
}
