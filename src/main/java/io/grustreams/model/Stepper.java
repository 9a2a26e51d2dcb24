package io.grustreams.model;

/**
 * Runs a recurrent network one event at a time: the per-event inference path. A key's whole
 * recurrent state is one array of {@link GruLayout#stateSize()} doubles, laid out as that method
 * says (every layer's h, then for the LSTM every layer's c), which the caller owns.
 *
 * <p>Implementations allocate nothing per call and are <b>not thread-safe</b> (they own scratch):
 * use one per processor or thread.
 */
public interface Stepper {

    /** A stepper for {@code parameters}' layout, with the weights packed from them (a snapshot). */
    static Stepper of(Parameters parameters) {
        return new RecurrentStepper(parameters);
    }

    GruLayout layout();

    /**
     * One step of every layer, bottom to top: layer 0 reads {@code x}, layer k ≥ 1 reads layer k−1's
     * new h.
     *
     * @param state the key's state, length {@link GruLayout#stateSize()}. Modified.
     * @param x the network input, length D. Not modified. Must not be {@code state}.
     * @throws IllegalArgumentException on a wrong length or if {@code x == state}
     */
    void step(double[] state, double[] x);

    /**
     * The readout {@code y <- W_y h_top + b_y} of the top layer's h.
     *
     * @param state the key's state, length {@link GruLayout#stateSize()}. Not modified.
     * @param y the output, length O. Modified. Must not be {@code state}.
     * @throws IllegalArgumentException on a wrong length or if {@code y == state}
     */
    void readout(double[] state, double[] y);
}
