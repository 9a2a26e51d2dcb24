package io.grustreams.train;

import java.util.List;

/**
 * Training sequences of one shape: all have the same length T, input size D and output size O, so
 * any subset of them forms a mini-batch that steps in lock-step. Windows of per-key history are cut
 * to a common length before they become a dataset. Immutable.
 */
public final class SequenceDataset {

    private final List<TrainingSequence> sequences;
    private final int length;
    private final int inputSize;
    private final int outputSize;

    /**
     * @throws IllegalArgumentException if empty or the sequences differ in T, D or O (naming the first that differs)
     */
    public SequenceDataset(List<TrainingSequence> sequences) {
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
