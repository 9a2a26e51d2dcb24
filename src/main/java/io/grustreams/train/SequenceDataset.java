package io.grustreams.train;

import java.util.List;

/**
 * Training sequences of one shape: all have the same length T, input size D and output size O, so
 * any subset of them forms a mini-batch that steps in lock-step. Windows of per-key history are cut
 * to a common length before they become a dataset. The loss of the dataset is
 * <pre>
 *   Σ_sequences Σ_{t ≥ burnIn} Σ_o w_o · (y_{t,o} − target_{t,o})²
 * </pre>
 * normalized by the number of terms: the first {@code burnIn} steps of each sequence only warm its
 * state up (their loss would judge the model on what it could not know from a zero state), and
 * output o weighs {@code w_o} (mean 1; e.g. to weigh every forecast horizon alike). Immutable.
 */
public final class SequenceDataset {

    private final List<TrainingSequence> sequences;
    private final int length;
    private final int inputSize;
    private final int outputSize;
    private final int burnIn;
    private final double[] outputWeights;

    /**
     * Every step and every output of weight 1.
     *
     * @throws IllegalArgumentException if empty or the sequences differ in T, D or O (naming the first that differs)
     */
    public SequenceDataset(List<TrainingSequence> sequences) {
        this(sequences, 0, null);
    }

    /**
     * @param burnIn steps at the start of every sequence whose loss does not count, in [0, T)
     * @param outputWeights w_o, O positive finite values, or null for all 1. Copied.
     * @throws IllegalArgumentException if empty, the sequences differ in T, D or O (naming the first that
     *     differs), or burnIn or a weight is out of range
     */
    public SequenceDataset(List<TrainingSequence> sequences, int burnIn, double[] outputWeights) {
        if (sequences.isEmpty()) {
            throw new IllegalArgumentException("a dataset needs at least one sequence");
        }
        this.sequences = List.copyOf(sequences);
        TrainingSequence first = this.sequences.get(0);
        this.length = first.length();
        this.inputSize = first.inputSize();
        this.outputSize = first.outputSize();
        for (int i = 1; i < this.sequences.size(); i++) {
            TrainingSequence s = this.sequences.get(i);
            if (s.length() != length || s.inputSize() != inputSize || s.outputSize() != outputSize) {
                throw new IllegalArgumentException("sequence " + i + " has T " + s.length() + ", D " + s.inputSize()
                        + ", O " + s.outputSize() + " but sequence 0 has T " + length + ", D " + inputSize
                        + ", O " + outputSize);
            }
        }
        if (burnIn < 0 || burnIn >= length) {
            throw new IllegalArgumentException("burnIn must be in [0, " + length + "): " + burnIn);
        }
        this.burnIn = burnIn;
        if (outputWeights != null) {
            if (outputWeights.length != outputSize) {
                throw new IllegalArgumentException(outputWeights.length + " output weights for " + outputSize
                        + " outputs");
            }
            for (double w : outputWeights) {
                if (!(w > 0) || !Double.isFinite(w)) {
                    throw new IllegalArgumentException("output weights must be positive and finite: " + w);
                }
            }
        }
        this.outputWeights = outputWeights == null ? null : outputWeights.clone();
    }

    /** Steps at the start of every sequence whose loss does not count. */
    public int burnIn() {
        return burnIn;
    }

    /** w_o of output o. */
    public double outputWeight(int o) {
        return outputWeights == null ? 1.0 : outputWeights[o];
    }

    /** The weights, O values (a copy; all 1 when none were given). */
    public double[] outputWeights() {
        if (outputWeights == null) {
            double[] ones = new double[outputSize];
            java.util.Arrays.fill(ones, 1.0);
            return ones;
        }
        return outputWeights.clone();
    }

    public List<TrainingSequence> sequences() {
        return sequences;
    }

    public int size() {
        return sequences.size();
    }

    public TrainingSequence get(int i) {
        return sequences.get(i);
    }

    /** T, common to all sequences. */
    public int length() {
        return length;
    }

    public int inputSize() {
        return inputSize;
    }

    public int outputSize() {
        return outputSize;
    }
}
