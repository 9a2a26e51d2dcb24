package io.grustreams.train;

import java.util.List;

/**
 * One shard of the trainer's mini-batch: rows of sequences stepped in lock-step through TBPTT
 * windows. {@link BatchBackprop} is the fast one-layer GRU; {@link StackedBatch} runs any cell and
 * layer count. Not thread-safe; the trainer gives each shard its own.
 */
interface BatchWindow {

    /** Sets the loss weight of every output (the dataset's). @param w O values. Not modified. */
    void outputWeights(double[] w);

    int rowCapacity();

    int windowCapacity();

    /**
     * Takes rows {@code [rowFrom, rowTo)} of {@code batch} and loads their initial states.
     *
     * @param batch not modified; kept until the next call
     */
    void begin(List<TrainingSequence> batch, int rowFrom, int rowTo);

    /**
     * Runs the window {@code [w, e)} forward from the carried state and, if {@code backward}, sets
     * {@link #gradient()} to the gradient of {@code scale · Σ_{t ∈ [s, e)} Σ_rows Σ_j w_j (y − target)²},
     * the state entering the window held constant.
     *
     * @param params not modified
     * @param packed {@code params} packed for {@link BatchBackprop}; null for the others. Not modified.
     * @return the weighted sum of squared errors over steps {@code [s, e)} of this shard's rows
     */
    double window(double[] params, BatchBackprop.PackedWeights packed, int w, int s, int e, double scale,
            boolean backward);

    /** The gradient of the last {@link #window} call (this shard's rows only); read-only by contract. */
    double[] gradient();

    /** Makes the state after step {@code t} of the last window the state entering the next window. */
    void carryStateAfter(int t);

    /**
     * Copies the state after step {@code t} of the last window, row b to {@code out[firstRow + b]}.
     *
     * @param out modified
     */
    void stateAfter(int t, double[][] out, int firstRow);
}
