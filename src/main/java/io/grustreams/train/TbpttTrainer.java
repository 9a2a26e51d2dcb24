package io.grustreams.train;

import io.grustreams.model.Cell;
import io.grustreams.model.GruLayout;
import io.grustreams.model.Parameters;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * Trains a recurrent network (any {@link Cell}, L layers) with linear readout by truncated BPTT on
 * mini-batches of sequences: MSE loss, global norm clipping, Adam. Trainers make weights; models
 * predict. For each epoch the sequences are
 * shuffled (a {@link SplittableRandom} seeded by the config, one stream for the whole fit) and cut into
 * batches of {@code batchSize}; each batch steps through its T steps in lock-step, starting from each
 * sequence's initial state, with one update per {@link Tbptt} segment:
 * <ol>
 *   <li>the window of the segment is run forward and backward on every shard in parallel, the loss of
 *       the update being the mean over the segment's steps, the batch's rows and the outputs
 *       ({@code F.mse_loss} of the batch's segment);
 *   <li>the shards' gradients are summed in shard order, clipped ({@link GradientClipping}) and
 *       applied by {@link Adam}.
 * </ol>
 * Same data, same initial parameters and same config give the same parameters to the bit, whatever the
 * thread count or timing. Warm start is {@link #fit} from the current model's parameters.
 *
 * <p>The trainer owns its threads and workspaces: reuse it for several fits, and close it.
 * Not thread-safe.
 */
public final class TbpttTrainer implements AutoCloseable {

    private final TrainerConfig config;
    private final ShardRunner runner;
    private Workspace workspace;

    public TbpttTrainer(TrainerConfig config) {
        this.config = config;
        this.runner = new ShardRunner(Math.min(config.threads(), config.shards()));
    }

    public TrainerConfig config() {
        return config;
    }

    /** Shard workspaces and the summed gradient for one layout; allocated once, reused across batches. */
    private static final class Workspace {
        final GruLayout layout;
        final BatchWindow[] shards;
        /** The one-layer GRU's packed weights; null for the other layouts, whose shards read params directly. */
        final BatchBackprop.PackedWeights packed;
        final double[] grad;
        final double[] sse;
        final int[] rowFrom;
        final int[] rowTo;
        final IntConsumer task;
        double[] params;
        int w;
        int s;
        int e;
        double scale;
        boolean backward;

        void weights(double[] w) {
            for (BatchWindow shard : shards) {
                shard.outputWeights(w);
            }
        }

        void pack(double[] p) {
            if (packed != null) {
                packed.pack(p);
            }
        }

        Workspace(GruLayout layout, int shardCount, int batchSize, int window) {
            this.layout = layout;
            int rowsPerShard = (batchSize + shardCount - 1) / shardCount;
            // The one-layer GRU has the batched kernels; every other cell and layer count runs row by row.
            boolean batched = layout.cell() == Cell.GRU && layout.layers() == 1;
            this.shards = new BatchWindow[shardCount];
            for (int i = 0; i < shardCount; i++) {
                shards[i] = batched ? new BatchBackprop(layout, Math.max(1, rowsPerShard), window)
                        : new StackedBatch(layout, Math.max(1, rowsPerShard), window);
            }
            this.packed = batched ? new BatchBackprop.PackedWeights(layout) : null;
            this.grad = new double[layout.size()];
            this.sse = new double[shardCount];
            this.rowFrom = new int[shardCount];
            this.rowTo = new int[shardCount];
            this.task = i -> sse[i] = shards[i].window(params, packed, w, s, e, scale, backward);
        }

        boolean fits(GruLayout l, int batchSize, int window) {
            return layout.equals(l) && shards[0].rowCapacity() * shards.length >= batchSize
                    && shards[0].windowCapacity() >= window;
        }

        /** Splits rows [0, batch) evenly over the shards (a fixed function of the sizes) and loads initial states. */
        void begin(List<TrainingSequence> batch) {
            int count = shards.length;
            for (int i = 0; i < count; i++) {
                rowFrom[i] = (int) ((long) batch.size() * i / count);
                rowTo[i] = (int) ((long) batch.size() * (i + 1) / count);
                shards[i].begin(batch, rowFrom[i], rowTo[i]);
            }
        }
    }

    private Workspace workspace(GruLayout layout, int batchSize) {
        int window = config.tbptt().maxWindowLength();
        if (workspace == null || !workspace.fits(layout, batchSize, window)) {
            workspace = new Workspace(layout, config.shards(), Math.max(batchSize, config.batchSize()), window);
        }
        return workspace;
    }

    /**
     * Trains from {@code initial} (not modified) on {@code data} for up to {@code config.epochs()} epochs.
     * An epoch is a pass over the sequences in an order shuffled by the fit's random stream, or, when a
     * pass would exceed {@link TrainerConfig#maxEpochSteps()} time steps, the next that many steps of
     * sequences in that order (the order continues across epochs and is shuffled anew when used up), so
     * a large dataset is validated and can stop early within a bounded time.
     *
     * @param listener told about every update and epoch; may stop the run after an epoch
     * @throws IllegalArgumentException if the data does not fit the layout
     */
    public TrainingResult fit(Parameters initial, SequenceDataset data, TrainingListener listener) {
        GruLayout layout = initial.layout();
        if (data.inputSize() != layout.inputSize() || data.outputSize() != layout.outputSize()) {
            throw new IllegalArgumentException("data has D " + data.inputSize() + ", O " + data.outputSize()
                    + " but the network is " + layout);
        }
        double[] params = initial.values().clone();
        Adam adam = config.newAdam(params.length);
        SplittableRandom rng = new SplittableRandom(config.seed());
        int[] order = new int[data.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        int perEpoch = sequencesPerEpoch(data);
        Workspace ws = workspace(layout, Math.min(config.batchSize(), data.size()));
        ws.weights(data.outputWeights());
        double[][] finalStates = new double[Math.min(config.batchSize(), data.size())][layout.stateSize()];
        List<TrainingSequence> batch = new ArrayList<>(config.batchSize());
        double[] losses = new double[config.epochs()];
        int epochsRun = 0;
        UpdateCounter counter = new UpdateCounter(listener);
        double termsPerSequence = (double) (data.length() - data.burnIn()) * layout.outputSize();
        int cursor = order.length;
        for (int epoch = 1; epoch <= config.epochs(); epoch++) {
            double sse = 0;
            int taken = 0;
            while (taken < perEpoch) {
                if (cursor == order.length) {
                    shuffle(order, rng);
                    cursor = 0;
                }
                int to = Math.min(order.length, Math.min(cursor + config.batchSize(), cursor + perEpoch - taken));
                batch.clear();
                for (int i = cursor; i < to; i++) {
                    batch.add(data.get(order[i]));
                }
                sse += trainBatch(layout, params, adam, batch, data.burnIn(), finalStates, counter);
                taken += to - cursor;
                cursor = to;
            }
            losses[epoch - 1] = sse / (taken * termsPerSequence);
            epochsRun = epoch;
            if (!listener.onEpoch(epoch, losses[epoch - 1], new Parameters(layout, params.clone()))) {
                break;
            }
        }
        return new TrainingResult(new Parameters(layout, params), java.util.Arrays.copyOf(losses, epochsRun),
                counter.updates, config);
    }

    /** Sequences one epoch visits: all, or as many as {@link TrainerConfig#maxEpochSteps()} steps allow (at least 1). */
    public int sequencesPerEpoch(SequenceDataset data) {
        long cap = Math.max(1L, config.maxEpochSteps() / data.length());
        return (int) Math.min(data.size(), cap);
    }

    /** Updates one sequence of {@code length} steps makes: the segments with a step past the burn-in. */
    public int updatesPerSequence(int length, int burnIn) {
        Tbptt tb = config.tbptt();
        int n = 0;
        for (int i = 0; i < tb.segmentCount(length); i++) {
            if (tb.segmentEnd(i, length) > burnIn) {
                n++;
            }
        }
        return n;
    }

    /** Fisher–Yates with the fit's random stream. @param order modified */
    private static void shuffle(int[] order, SplittableRandom rng) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
    }

    /** Numbers the updates of a whole fit before passing them on. */
    private static final class UpdateCounter implements UpdateListener {
        private final UpdateListener listener;
        private long updates;

        UpdateCounter(UpdateListener listener) {
            this.listener = listener;
        }

        @Override
        public void onUpdate(long update, double loss, double gradNorm, double clipCoefficient) {
            updates++;
            listener.onUpdate(updates, loss, gradNorm, clipCoefficient);
        }
    }

    /**
     * Trains on one mini-batch for its whole length: one update of {@code params} by {@code adam} per
     * segment of {@code ceil(T / k1)} that has a step at or after {@code burnIn}, as described in the
     * class comment; a segment inside the burn-in only carries the state forward.
     *
     * @param params modified: updated in place
     * @param adam modified: its state advances one step per update
     * @param batch not modified: sequences of the same length and shape
     * @param burnIn steps at the start of each sequence whose loss does not count
     * @param finalStates modified: row b receives the state of sequence b after its last step
     * @param listener told about each update, numbered from 1 within this batch
     * @return the weighted sum of squared errors over the loss steps, rows and outputs of the batch, each
     *     segment's measured at the parameters before its update
     */
    public double trainBatch(GruLayout layout, double[] params, Adam adam, List<TrainingSequence> batch, int burnIn,
            double[][] finalStates, UpdateListener listener) {
        if (batch.isEmpty()) {
            throw new IllegalArgumentException("empty batch");
        }
        int length = batch.get(0).length();
        for (TrainingSequence seq : batch) {
            if (seq.length() != length) {
                throw new IllegalArgumentException("sequences of one batch must have the same length: "
                        + seq.length() + " vs " + length);
            }
        }
        Workspace ws = workspace(layout, batch.size());
        ws.begin(batch);
        ws.params = params;
        ws.backward = true;
        Tbptt tb = config.tbptt();
        int segments = tb.segmentCount(length);
        int outputs = layout.outputSize();
        double batchSse = 0;
        int update = 0;
        for (int i = 0; i < segments; i++) {
            ws.w = tb.windowStart(i);
            ws.s = Math.max(tb.segmentStart(i), burnIn);
            ws.e = tb.segmentEnd(i, length);
            if (ws.s >= ws.e) {
                // All of the segment is burn-in: run it forward only, to carry the state.
                ws.s = ws.w;
                ws.backward = false;
                ws.pack(params);
                runner.run(ws.shards.length, ws.task);
                ws.backward = true;
                carry(ws, tb, i, segments);
                continue;
            }
            double count = (double) batch.size() * (ws.e - ws.s) * outputs;
            // loss of the update = mean over the segment: scale = 1 / (rows · steps · outputs)
            ws.scale = 1.0 / count;
            ws.pack(params);
            runner.run(ws.shards.length, ws.task);
            double sse = 0;
            System.arraycopy(ws.shards[0].gradient(), 0, ws.grad, 0, ws.grad.length);
            sse += ws.sse[0];
            for (int k = 1; k < ws.shards.length; k++) {
                double[] g = ws.shards[k].gradient();
                for (int j = 0; j < g.length; j++) {
                    ws.grad[j] += g[j];
                }
                sse += ws.sse[k];
            }
            double norm = config.maxGradNorm() == Double.POSITIVE_INFINITY
                    ? GradientClipping.globalNorm(ws.grad)
                    : GradientClipping.clip(ws.grad, config.maxGradNorm());
            adam.step(params, ws.grad);
            batchSse += sse;
            listener.onUpdate(++update, sse / count, norm, GradientClipping.coefficient(norm, config.maxGradNorm()));
            carry(ws, tb, i, segments);
        }
        for (int k = 0; k < ws.shards.length; k++) {
            ws.shards[k].stateAfter(length - 1, finalStates, ws.rowFrom[k]);
        }
        return batchSse;
    }

    /** Carries each row's state to the start of segment {@code i + 1}'s window. */
    private static void carry(Workspace ws, Tbptt tb, int i, int segments) {
        if (i + 1 < segments) {
            int next = tb.windowStart(i + 1);
            if (next > 0) {
                for (BatchWindow shard : ws.shards) {
                    shard.carryStateAfter(next - 1);
                }
            }
        }
    }

    /**
     * The dataset's loss at {@code params}: the weighted mean squared error over every step past the
     * burn-in, sequence and output of {@code data} (forward only, in windows of k2 steps carrying the
     * state; no update).
     */
    public double meanLoss(Parameters params, SequenceDataset data) {
        GruLayout layout = params.layout();
        Workspace ws = workspace(layout, Math.min(config.batchSize(), data.size()));
        ws.params = params.values();
        ws.backward = false;
        ws.scale = 0;
        ws.pack(params.values());
        ws.weights(data.outputWeights());
        int length = data.length();
        int burnIn = data.burnIn();
        int window = config.tbptt().maxWindowLength();
        List<TrainingSequence> batch = new ArrayList<>(config.batchSize());
        double sse = 0;
        for (int from = 0; from < data.size(); from += config.batchSize()) {
            batch.clear();
            for (int i = from; i < Math.min(data.size(), from + config.batchSize()); i++) {
                batch.add(data.get(i));
            }
            ws.begin(batch);
            for (int start = 0; start < length; start += window) {
                ws.w = start;
                ws.e = Math.min(length, start + window);
                boolean counted = ws.e > burnIn;
                ws.s = counted ? Math.max(start, burnIn) : start;
                runner.run(ws.shards.length, ws.task);
                for (int k = 0; k < ws.shards.length; k++) {
                    if (counted) {
                        sse += ws.sse[k];
                    }
                    if (ws.e < length) {
                        ws.shards[k].carryStateAfter(ws.e - 1);
                    }
                }
            }
        }
        return sse / ((double) data.size() * (length - burnIn) * layout.outputSize());
    }

    @Override
    public void close() {
        runner.close();
    }
}
