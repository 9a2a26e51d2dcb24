package io.grustreams.model;

import java.util.Arrays;

/**
 * The parameters of a GRU with readout: a {@link GruLayout} and one flat vector laid out by it.
 * Gradients and optimizer moments use the same layout, so clipping and Adam work on flat arrays.
 *
 * <p>The vector is exposed for speed; a {@code Parameters} held by a {@link GruModel} must not be
 * modified.
 */
public final class Parameters {

    private final GruLayout layout;
    private final double[] values;

    /**
     * @param values flat vector of length {@code layout.size()}. Not copied: the caller hands it over.
     */
    public Parameters(GruLayout layout, double[] values) {
        if (values.length != layout.size()) {
            throw new IllegalArgumentException("parameters of " + layout + " need " + layout.size()
                    + " values, got " + values.length);
        }
        this.layout = layout;
        this.values = values;
    }

    /** All zeros. */
    public static Parameters zeros(GruLayout layout) {
        return new Parameters(layout, new double[layout.size()]);
    }

    public GruLayout layout() {
        return layout;
    }

    /** The flat vector itself, not a copy. */
    public double[] values() {
        return values;
    }

    public double get(String tensor, int row, int col) {
        return values[layout.tensor(tensor).index(row, col)];
    }

    public void set(String tensor, int row, int col, double value) {
        values[layout.tensor(tensor).index(row, col)] = value;
    }

    public Parameters copy() {
        return new Parameters(layout, values.clone());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Parameters other && other.layout.equals(layout) && Arrays.equals(other.values, values);
    }

    @Override
    public int hashCode() {
        return layout.hashCode() * 31 + Arrays.hashCode(values);
    }
}
