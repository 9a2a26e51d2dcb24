package io.grustreams.train;

import io.grustreams.model.GruLayout;
import java.util.Arrays;
import java.util.List;

/**
 * The trainer's shard for any cell and layer count: one {@link StackedBackprop} per row, each row's
 * window copied out of its sequence, the rows' gradients summed in row order. Slower than the batched
 * one-layer GRU ({@link BatchBackprop}), with the same arithmetic contract. Not thread-safe.
 */
final class StackedBatch implements BatchWindow {

    private final GruLayout layout;
    private final int rowCapacity;
    private final int windowCapacity;
    private final StackedBackprop[] rows;
    /** The state entering the next window, per row, {@link GruLayout#stateSize()} long. */
    private final double[][] carry;
    private final double[][] xs;
    private final double[][] targets;
    private final double[] grad;
    private List<TrainingSequence> batch;
    private int rowFrom;
    private int n;
    private int windowStart;
    private int windowLength;

    StackedBatch(GruLayout layout, int rowCapacity, int windowCapacity) {
        if (rowCapacity < 1 || windowCapacity < 1) {
            throw new IllegalArgumentException("capacities must be positive: rows " + rowCapacity + ", steps "
                    + windowCapacity);
        }
        this.layout = layout;
        this.rowCapacity = rowCapacity;
        this.windowCapacity = windowCapacity;
        this.rows = new StackedBackprop[rowCapacity];
        for (int b = 0; b < rowCapacity; b++) {
            rows[b] = new StackedBackprop(layout, windowCapacity);
        }
        this.carry = new double[rowCapacity][layout.stateSize()];
        this.xs = new double[windowCapacity][layout.inputSize()];
        this.targets = new double[windowCapacity][layout.outputSize()];
        this.grad = new double[layout.size()];
    }

    @Override
    public void outputWeights(double[] w) {
        for (StackedBackprop row : rows) {
            row.outputWeights(w);
        }
    }

    @Override
    public int rowCapacity() {
        return rowCapacity;
    }

    @Override
    public int windowCapacity() {
        return windowCapacity;
    }

    @Override
    public void begin(List<TrainingSequence> batch, int rowFrom, int rowTo) {
        int count = rowTo - rowFrom;
        if (count < 0 || count > rowCapacity) {
            throw new IllegalArgumentException("rows [" + rowFrom + ", " + rowTo + ") exceed capacity " + rowCapacity);
        }
        for (int b = rowFrom; b < rowTo; b++) {
            TrainingSequence s = batch.get(b);
            if (s.inputSize() != layout.inputSize() || s.outputSize() != layout.outputSize()) {
                throw new IllegalArgumentException("sequence " + b + " has D " + s.inputSize() + ", O "
                        + s.outputSize() + " but the network is " + layout);
            }
        }
        this.batch = batch;
        this.rowFrom = rowFrom;
        this.n = count;
        for (int b = 0; b < count; b++) {
            batch.get(rowFrom + b).initialState(layout.stateSize(), carry[b], 0);
        }
    }

    @Override
    public double window(double[] params, BatchBackprop.PackedWeights packed, int w, int s, int e, double scale,
            boolean backward) {
        int len = e - w;
        if (len < 1 || len > windowCapacity || s < w || s >= e) {
            throw new IllegalArgumentException("window [" + w + ", " + e + ") with loss from " + s
                    + " (capacity " + windowCapacity + ")");
        }
        windowStart = w;
        windowLength = len;
        if (backward) {
            Arrays.fill(grad, 0.0);
        }
        int o = layout.outputSize();
        double sse = 0;
        for (int b = 0; b < n; b++) {
            TrainingSequence seq = batch.get(rowFrom + b);
            double[] flat = seq.targetsFlat();
            for (int k = 0; k < len; k++) {
                seq.copyInputs(w + k, xs[k], 0);
                System.arraycopy(flat, seq.targetIndex(w + k), targets[k], 0, o);
            }
            // Steps are indexed from the window's start: the traces hold [0, len).
            rows[b].forward(params, xs, 0, len, carry[b]);
            sse += rows[b].squaredError(targets, s - w, len);
            if (backward) {
                rows[b].backward(params, targets, s - w, len, scale, grad, null);
            }
        }
        return sse;
    }

    @Override
    public double[] gradient() {
        return grad;
    }

    @Override
    public void carryStateAfter(int t) {
        int k = step(t);
        for (int b = 0; b < n; b++) {
            rows[b].stateInto(k, carry[b]);
        }
    }

    @Override
    public void stateAfter(int t, double[][] out, int firstRow) {
        int k = step(t);
        for (int b = 0; b < n; b++) {
            rows[b].stateInto(k, out[firstRow + b]);
        }
    }

    private int step(int t) {
        int k = t - windowStart;
        if (k < 0 || k >= windowLength) {
            throw new IllegalArgumentException("step " + t + " is not in the last window");
        }
        return k;
    }
}
