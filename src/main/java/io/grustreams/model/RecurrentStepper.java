package io.grustreams.model;

/**
 * The {@link Stepper} of every cell and layer count: one {@link LayerStep} kernel per layer, then
 * the readout.
 *
 * <p>The constructor packs the weights of a {@link Parameters} into its own arrays (a snapshot:
 * later changes to the {@code Parameters} do not reach the stepper). Each call writes into arrays
 * the caller owns and into scratch this object owns, so a stepper allocates nothing after
 * construction. It is therefore <b>not thread-safe</b>: use one per processor or thread.
 *
 * <p>A one-layer RNN or GRU steps the caller's state in place (it is h itself); otherwise each
 * layer's h (and c) is copied into scratch of length H, stepped, and copied back, because the
 * kernels index every array from 0 (see {@link Columns}). The copies are H doubles per layer, a
 * few nanoseconds against the layer's matrix-vector products.
 *
 * <p>Speed, at (D, H) = (8, 64), a one-layer GRU: a step reads 13,824 weights, 110.6 KB, so every
 * step streams them from L2; the column loops run at ~80 B/ns and the step takes ~1.8–1.9 µs on the
 * project's 2-core machine, of which the 3H activations take ~0.3 µs (see docs/performance.md).
 * The nonlinearities are the vectorizable ones of {@link Activations}, at the price of ~1e-14
 * absolute error per activation: over the PyTorch reference sequences of every cell at one and two
 * layers, every layer's h and c and the readout y stay within 1e-14 of PyTorch's float64 values
 * ({@code verify-reference}; the unit tests assert the 1e-9).
 */
public final class RecurrentStepper implements Stepper {

    private final GruLayout layout;
    private final int d;
    private final int hidden;
    private final int o;
    private final int layers;
    private final boolean lstm;
    /** True when the state is the one layer's h: no copies. */
    private final boolean direct;
    private final LayerStep[] steps;
    /** The readout, one array per column of W_y (length O), and b_y. */
    private final double[][] wy;
    private final double[] by;
    /** Per layer scratch h and c (c only for the LSTM). */
    private final double[][] hs;
    private final double[][] cs;

    private final Normalization normalization;
    private final double[] xNorm;
    private final double[] yNorm;

    /** Packs {@code parameters} into the layout the step loops read. {@code parameters} Not modified. */
    public RecurrentStepper(Parameters parameters) {
        this(parameters, null);
    }

    private RecurrentStepper(Parameters parameters, Normalization normalization) {
        this.layout = parameters.layout();
        this.d = layout.inputSize();
        this.hidden = layout.hiddenSize();
        this.o = layout.outputSize();
        this.layers = layout.layers();
        this.lstm = layout.cell().hasCellState();
        this.direct = layers == 1 && !lstm;
        this.normalization = normalization;
        double[] p = parameters.values();
        this.steps = new LayerStep[layers];
        this.hs = new double[layers][hidden];
        this.cs = new double[layers][lstm ? hidden : 0];
        for (int k = 0; k < layers; k++) {
            steps[k] = LayerStep.of(layout, p, k);
        }
        this.wy = Columns.of(p, layout.tensor("W_y"), 0, o, 0, hidden);
        this.by = Columns.vector(p, layout.tensor("b_y"), 0, o);
        this.xNorm = new double[d];
        this.yNorm = new double[o];
    }

    /**
     * A stepper for {@code m}'s parameters that also keeps m's normalization, so that
     * {@link #observe} can work in original units.
     */
    public static RecurrentStepper forModel(GruModel m) {
        return new RecurrentStepper(m.parameters(), m.normalization());
    }

    @Override
    public GruLayout layout() {
        return layout;
    }

    @Override
    public void step(double[] state, double[] x) {
        if (state.length != layout.stateSize() || x.length != d) {
            throw new IllegalArgumentException("step needs a state of length " + layout.stateSize()
                    + " and x of length " + d + ", got " + state.length + " and " + x.length);
        }
        if (state == x) {
            throw new IllegalArgumentException("state and x must be different arrays");
        }
        if (direct) {
            steps[0].step(state, null, x);
            return;
        }
        // Layer k's h is at state[k·H, (k+1)·H), its c (LSTM) at state[(L+k)·H, (L+k+1)·H).
        double[] u = x;
        for (int k = 0; k < layers; k++) {
            double[] h = hs[k];
            double[] c = cs[k];
            System.arraycopy(state, k * hidden, h, 0, hidden);
            if (lstm) {
                System.arraycopy(state, (layers + k) * hidden, c, 0, hidden);
            }
            steps[k].step(h, c, u);
            System.arraycopy(h, 0, state, k * hidden, hidden);
            if (lstm) {
                System.arraycopy(c, 0, state, (layers + k) * hidden, hidden);
            }
            u = h;
        }
    }

    @Override
    public void readout(double[] state, double[] y) {
        if (state.length != layout.stateSize() || y.length != o) {
            throw new IllegalArgumentException("readout needs a state of length " + layout.stateSize()
                    + " and y of length " + o + ", got " + state.length + " and " + y.length);
        }
        if (state == y) {
            throw new IllegalArgumentException("state and y must be different arrays");
        }
        // y = W_y h_top + b_y; the top layer's h is at state[(L-1)·H, L·H).
        System.arraycopy(by, 0, y, 0, o);
        Columns.gemv(wy, state, (layers - 1) * hidden, y, o);
    }

    /**
     * One event in original units: normalize {@code raw} with the model's normalization, step
     * {@code state}, read out, and denormalize the readout into {@code forecast}, the forecast of
     * the next event's values. For models whose inputs are the features themselves
     * ({@link InputSpec#legacy()}).
     *
     * @param state the key's state, length {@link GruLayout#stateSize()}. Modified.
     * @param raw the event's values in original units, length D. Not modified.
     * @param forecast the forecast in original units, length D. Modified. Must not be {@code raw}.
     * @throws IllegalStateException if this stepper was not made by {@link #forModel}
     * @throws IllegalArgumentException on a wrong length or aliased arrays
     */
    public void observe(double[] state, double[] raw, double[] forecast) {
        if (normalization == null) {
            throw new IllegalStateException("observe needs a stepper made by RecurrentStepper.forModel (it has the"
                    + " normalization)");
        }
        if (raw.length != d || forecast.length != o) {
            throw new IllegalArgumentException("observe needs raw and forecast of length " + d + ", got "
                    + raw.length + " and " + forecast.length);
        }
        if (raw == forecast || raw == state || forecast == state) {
            throw new IllegalArgumentException("state, raw and forecast must be three different arrays");
        }
        normalization.normalize(raw, xNorm);
        step(state, xNorm);
        readout(state, yNorm);
        for (int i = 0; i < o; i++) {
            forecast[i] = normalization.denormalize(i, yNorm[i]);
        }
    }
}
