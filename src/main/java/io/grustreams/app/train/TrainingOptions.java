package io.grustreams.app.train;

import io.grustreams.model.Cell;
import io.grustreams.model.InputSpec;
import io.grustreams.model.Variant;
import io.grustreams.stream.StreamSettings;
import io.grustreams.train.RetrainConfig;
import io.grustreams.train.Tbptt;
import io.grustreams.train.TrainerConfig;
import picocli.CommandLine.Option;

/**
 * The training options of every command that trains models ({@code train}, {@code backtest},
 * {@code nab}, {@code bench forecast}): one declaration, applied over the trainer's defaults for
 * the stream's settings. A picocli mixin; an option not given keeps the default.
 */
public final class TrainingOptions {

    @Option(names = "--cell", description = "Recurrent cell of the new model: rnn, lstm or gru. Default: gru.")
    String cell;

    @Option(names = "--layers", paramLabel = "L", description = "Stacked layers of the new model. Default: 1.")
    Integer layers;

    @Option(names = "--variant", description = "GRU variant of the new model: cho or pytorch (rnn and lstm: pytorch)."
            + " Default: cho for gru.")
    String variant;

    @Option(names = "--hidden", paramLabel = "H", description = "Hidden size. Default: 32.")
    Integer hidden;

    @Option(names = "--sequence-length", paramLabel = "L",
            description = "Steps per training window (each starts from the zero state). Default: 256.")
    Integer sequenceLength;

    @Option(names = "--burn-in", paramLabel = "B",
            description = "First steps of every window whose loss does not count (the state warms up). Default: 32.")
    Integer burnIn;

    @Option(names = "--stride", paramLabel = "S",
            description = "Events between the starts of a key's training windows. Default: 32.")
    Integer stride;

    @Option(names = "--max-steps", paramLabel = "N",
            description = "Training time steps of a run at most, whatever the window holds. Default: 4000000.")
    Long maxSteps;

    @Option(names = "--readout", description = "direct (one readout per horizon of gru.forecast.horizon) or "
            + "iterated (the next event, fed back). Default: iterated.")
    String readout;

    @Option(names = "--publish-anyway", description = "Publish even a model that does not beat persistence and the "
            + "seasonal naive forecasts on the validation events (it must still beat the current model).")
    boolean publishAnyway;

    @Option(names = "--k1", description = "TBPTT: steps between updates. Default: 32.")
    Integer k1;

    @Option(names = "--k2", description = "TBPTT: steps back-propagated (>= k1). Default: k1.")
    Integer k2;

    @Option(names = "--batch", paramLabel = "B", description = "Sequences per mini-batch. Default: 64.")
    Integer batch;

    @Option(names = "--epochs", description = "Epochs at most. Default: 40.")
    Integer epochs;

    @Option(names = "--patience", description = "Early stopping: epochs without a better validation score. Default: 4.")
    Integer patience;

    @Option(names = "--lr", description = "Adam learning rate. Default: 3e-3.")
    Double learningRate;

    @Option(names = "--clip", description = "Gradient-norm clipping threshold (inf: none). Default: 1.0.")
    Double clip;

    @Option(names = "--validation-fraction", paramLabel = "F",
            description = "Last part of every key's events held out for validation. Default: 0.2.")
    Double validationFraction;

    @Option(names = "--warmup", paramLabel = "W",
            description = "Events replayed before scoring a key. Default: gru.ring.size (the stream's re-warm).")
    Integer warmup;

    @Option(names = "--margin", description = "Publish only if validation score < the current model's x (1 - margin). "
            + "Default: 0.01.")
    Double margin;

    @Option(names = "--seed", description = "Seed of initialization and shuffling. Default: 1.")
    Long seed;

    @Option(names = "--threads", description = "Training threads (never changes the model). Default: min(4, cores).")
    Integer threads;

    @Option(names = "--shards", description = "Gradient shards per batch (part of the model's identity). Default: 4.")
    Integer shards;

    /**
     * The trainer's defaults ({@link RetrainConfig#defaults()}) for a stream: its inputs and horizon,
     * and a warm-up of its ring size (what the stream re-warms a key from).
     */
    public static RetrainConfig forStream(StreamSettings settings) {
        return RetrainConfig.defaults().withWarmupSteps(settings.ringSize()).withInputs(settings.inputs())
                .withHorizon(settings.horizon());
    }

    /**
     * {@code base} with the options given.
     *
     * @throws IllegalArgumentException "bad training option: ..." naming what is out of range
     */
    public RetrainConfig apply(RetrainConfig base) {
        RetrainConfig c = base.withBeatNaive(base.beatNaive() && !publishAnyway);
        TrainerConfig t = c.trainer();
        try {
            if (readout != null) {
                c = c.withReadout(InputSpec.Readout.fromId(readout.trim()));
            }
            if (cell != null) {
                c = c.withCell(Cell.fromId(cell.trim()));
            }
            if (layers != null) {
                c = c.withLayers(layers);
            }
            if (variant != null) {
                c = c.withVariant(Variant.fromId(variant.trim()));
            }
            if (hidden != null) {
                c = c.withHiddenSize(hidden);
            }
            if (sequenceLength != null) {
                c = c.withSequenceLength(sequenceLength);
            }
            if (burnIn != null) {
                c = c.withBurnIn(burnIn);
            }
            if (stride != null) {
                c = c.withStride(stride);
            }
            if (maxSteps != null) {
                c = c.withMaxSteps(maxSteps);
            }
            if (validationFraction != null) {
                c = c.withValidationFraction(validationFraction);
            }
            if (warmup != null) {
                c = c.withWarmupSteps(warmup);
            }
            if (patience != null) {
                c = c.withPatience(patience);
            }
            if (margin != null) {
                c = c.withMargin(margin);
            }
            if (k1 != null || k2 != null) {
                int a = k1 != null ? k1 : t.tbptt().k1();
                t = t.withTbptt(Tbptt.of(a, k2 != null ? k2 : a));
            }
            if (batch != null) {
                t = t.withBatchSize(batch);
            }
            if (epochs != null) {
                t = t.withEpochs(epochs);
            }
            if (learningRate != null) {
                t = t.withLearningRate(learningRate);
            }
            if (clip != null) {
                t = t.withMaxGradNorm(clip);
            }
            if (seed != null) {
                t = t.withSeed(seed);
            }
            if (threads != null) {
                t = t.withThreads(threads);
            }
            if (shards != null) {
                t = t.withShards(shards);
            }
            if (t.epochs() < 1) {
                throw new IllegalArgumentException("epochs must be positive: " + t.epochs());
            }
            return c.withTrainer(t);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad training option: " + e.getMessage(), e);
        }
    }
}
