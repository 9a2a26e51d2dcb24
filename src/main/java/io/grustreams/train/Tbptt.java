package io.grustreams.train;

/**
 * Truncated back-propagation through time, BPTT(k2; k1) of Williams &amp; Peng (1990): every
 * {@code k1} steps one parameter update, whose gradient back-propagates the losses of those
 * {@code k1} steps through at most {@code k2} steps. Immutable; {@code 1 <= k1 <= k2}.
 *
 * <p>Precisely, over a sequence of length T:
 * <ul>
 *   <li>Segment {@code i} (one update) covers steps {@code [i·k1, min((i+1)·k1, T))}; there are
 *       {@code ceil(T / k1)} segments (the last may be shorter).
 *   <li>Its window is {@code [max(0, i·k1 − (k2 − k1)), segment end)}: the state entering the window
 *       is held constant (detached) and the forward pass over the window is computed at the current
 *       parameters. Only the losses of the segment's own steps enter the gradient, so the loss at step
 *       t flows back through {@code t − windowStart + 1 <= k2} steps (at least {@code k2 − k1 + 1},
 *       fewer near the sequence start).
 *   <li>The state carried onward is the one the window computed, before the update (torch's
 *       "detach and continue").
 * </ul>
 * With {@code k1 = k2 = K} the windows are the segments: the chunked TBPTT of the PyTorch reference
 * files (chunks {@code [0,K) [K,2K) ...}, state detached at each chunk start).
 */
public final class Tbptt {

    private final int k1;
    private final int k2;

    private Tbptt(int k1, int k2) {
        if (k1 < 1 || k2 < k1) {
            throw new IllegalArgumentException("TBPTT needs 1 <= k1 <= k2, got k1 " + k1 + ", k2 " + k2);
        }
        this.k1 = k1;
        this.k2 = k2;
    }

    /** BPTT(k2; k1): an update every {@code k1} steps, back-propagated through at most {@code k2} steps. */
    public static Tbptt of(int k1, int k2) {
        return new Tbptt(k1, k2);
    }

    /** {@code k1 = k2 = k}: the sequence cut into chunks of {@code k} steps, each back-propagated alone. */
    public static Tbptt chunks(int k) {
        return new Tbptt(k, k);
    }

    /** Steps between updates. */
    public int k1() {
        return k1;
    }

    /** Steps back-propagated, at most. */
    public int k2() {
        return k2;
    }

    /** Number of segments (updates) over a sequence of {@code length} steps: {@code ceil(length / k1)}. */
    public int segmentCount(int length) {
        if (length < 1) {
            throw new IllegalArgumentException("sequence length must be positive: " + length);
        }
        return (length + k1 - 1) / k1;
    }

    /** First step of segment {@code i}. */
    public int segmentStart(int i) {
        return i * k1;
    }

    /** One past the last step of segment {@code i} in a sequence of {@code length} steps. */
    public int segmentEnd(int i, int length) {
        return Math.min((i + 1) * k1, length);
    }

    /** First step of the window back-propagated for segment {@code i}. */
    public int windowStart(int i) {
        return Math.max(0, i * k1 - (k2 - k1));
    }

    /** The longest window: {@code k2} steps. */
    public int maxWindowLength() {
        return k2;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tbptt t && t.k1 == k1 && t.k2 == k2;
    }

    @Override
    public int hashCode() {
        return k1 * 31 + k2;
    }

    @Override
    public String toString() {
        return "TBPTT(k1 " + k1 + ", k2 " + k2 + ")";
    }
}
