package io.grustreams.train;

import java.util.Arrays;

/**
 * One training sequence: inputs {@code x[t]} (D values) and targets {@code target[t]} (O values) for
 * {@code t = 0..T-1}, and optionally the hidden state before step 0 (zeros when absent). Every step
 * has a target. Immutable: the public constructor copies the arrays into flat row-major storage;
 * {@link #window} shares the storage of a longer series, so overlapping windows cost no copies.
 */
public final class TrainingSequence {

    private final int length;
    private final int inputSize;
    private final int outputSize;
    private final double[] inputs;
    private final double[] targets;
    /** Step 0 of this sequence is row {@code offset} of the flat storage. */
    private final int offset;
    private final double[] initialState;

    /**
     * @param inputs [T][D], not modified
     * @param targets [T][O], not modified
     * @param initialState [H] or {@code null} for zeros; not modified
     * @throws IllegalArgumentException if T is 0, rows are ragged, lengths differ or a value is not finite
     */
    public TrainingSequence(double[][] inputs, double[][] targets, double[] initialState) {
        if (inputs.length == 0) {
            throw new IllegalArgumentException("a training sequence needs at least one step");
        }
        if (targets.length != inputs.length) {
            throw new IllegalArgumentException("inputs have " + inputs.length + " steps but targets " + targets.length);
        }
        this.length = inputs.length;
        this.inputSize = inputs[0].length;
        this.outputSize = targets[0].length;
        if (inputSize == 0 || outputSize == 0) {
            throw new IllegalArgumentException("inputs and targets need at least one value per step");
        }
        this.inputs = flatten("inputs", inputs, inputSize);
        this.targets = flatten("targets", targets, outputSize);
        this.offset = 0;
        if (initialState != null) {
            checkFinite("initialState", initialState);
        }
        this.initialState = initialState == null ? null : initialState.clone();
    }

    private TrainingSequence(double[] inputs, double[] targets, int offset, int length, int inputSize,
            int outputSize) {
        this.inputs = inputs;
        this.targets = targets;
        this.offset = offset;
        this.length = length;
        this.inputSize = inputSize;
        this.outputSize = outputSize;
        this.initialState = null;
    }

    /**
     * Steps {@code [from, from + length)} of a series stored flat, from the zero state, sharing the
     * storage (which the caller must not modify afterwards).
     *
     * @param inputs row-major, {@code inputSize} values per step, finite over the window
     * @param targets row-major, {@code outputSize} values per step, finite over the window
     * @throws IllegalArgumentException if the window is outside the series or a value in it is not finite
     */
    public static TrainingSequence window(double[] inputs, int inputSize, double[] targets, int outputSize, int from,
            int length) {
        if (inputSize < 1 || outputSize < 1 || length < 1 || from < 0
                || (long) (from + length) * inputSize > inputs.length
                || (long) (from + length) * outputSize > targets.length) {
            throw new IllegalArgumentException("window [" + from + ", " + (from + length) + ") of D " + inputSize
                    + ", O " + outputSize + " is outside a series of " + inputs.length + " inputs and "
                    + targets.length + " targets");
        }
        for (int i = from * inputSize; i < (from + length) * inputSize; i++) {
            if (!Double.isFinite(inputs[i])) {
                throw new IllegalArgumentException("input " + i + " is not finite: " + inputs[i]);
            }
        }
        for (int i = from * outputSize; i < (from + length) * outputSize; i++) {
            if (!Double.isFinite(targets[i])) {
                throw new IllegalArgumentException("target " + i + " is not finite: " + targets[i]);
            }
        }
        return new TrainingSequence(inputs, targets, from, length, inputSize, outputSize);
    }

    /**
     * Next-step forecasting of a series: input {@code series[t]}, target {@code series[t+1]}, for
     * {@code t = 0..n-2} (so T = n − 1 and O = D), starting from the zero state.
     *
     * @param series [n][D] with n >= 2, not modified
     */
    public static TrainingSequence nextStep(double[][] series) {
        if (series.length < 2) {
            throw new IllegalArgumentException("next-step forecasting needs at least 2 values, got " + series.length);
        }
        return new TrainingSequence(Arrays.copyOfRange(series, 0, series.length - 1),
                Arrays.copyOfRange(series, 1, series.length), null);
    }

    private static double[] flatten(String what, double[][] rows, int width) {
        double[] flat = new double[rows.length * width];
        for (int t = 0; t < rows.length; t++) {
            if (rows[t].length != width) {
                throw new IllegalArgumentException(what + "[" + t + "] has " + rows[t].length + " values, expected " + width);
            }
            checkFinite(what + "[" + t + "]", rows[t]);
            System.arraycopy(rows[t], 0, flat, t * width, width);
        }
        return flat;
    }

    private static void checkFinite(String what, double[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException(what + "[" + i + "] is not finite: " + values[i]);
            }
        }
    }

    /** Number of steps T. */
    public int length() {
        return length;
    }

    /** D. */
    public int inputSize() {
        return inputSize;
    }

    /** O. */
    public int outputSize() {
        return outputSize;
    }

    /** Input value {@code j} of step {@code t}. */
    public double input(int t, int j) {
        return inputs[(offset + t) * inputSize + j];
    }

    /** Target value {@code j} of step {@code t}. */
    public double target(int t, int j) {
        return targets[(offset + t) * outputSize + j];
    }

    /** Whether an initial state was given. */
    public boolean hasInitialState() {
        return initialState != null;
    }

    /**
     * Copies the state before step 0 (zeros if none was given) into {@code out[off..off+H)}.
     *
     * @param out modified
     * @throws IllegalArgumentException if the given initial state does not have {@code hiddenSize} values
     */
    public void initialState(int hiddenSize, double[] out, int off) {
        if (initialState == null) {
            Arrays.fill(out, off, off + hiddenSize, 0.0);
            return;
        }
        if (initialState.length != hiddenSize) {
            throw new IllegalArgumentException("initial state has " + initialState.length
                    + " values but the network's state has " + hiddenSize);
        }
        System.arraycopy(initialState, 0, out, off, hiddenSize);
    }

    /** Copies the D inputs of step {@code t} into {@code out[off..off+D)}. @param out modified */
    void copyInputs(int t, double[] out, int off) {
        System.arraycopy(inputs, (offset + t) * inputSize, out, off, inputSize);
    }

    /** The flat target storage (row-major, O per step; step t at {@link #targetIndex}); read-only by contract. */
    double[] targetsFlat() {
        return targets;
    }

    /** Index of step t's first target in {@link #targetsFlat()}. */
    int targetIndex(int t) {
        return (offset + t) * outputSize;
    }
}
