package io.grustreams.model;

/**
 * Runs a GRU one step at a time: the per-event inference path.
 *
 * <p>The constructor packs the weights of a {@link Parameters} into its own arrays (a snapshot:
 * later changes to the {@code Parameters} do not reach the stepper). Each call writes into
 * arrays the caller owns and into scratch this object owns, so a stepper allocates nothing after
 * construction. It is therefore <b>not thread-safe</b>: use one per processor or thread.
 *
 * <p>The equations are those of {@link Variant}; with D inputs, H hidden units and O outputs:
 * <pre>
 * cho:      r = σ(W_r [h; x] + b_r)      z = σ(W_z [h; x] + b_z)
 *           c = tanh(W_h [r ⊙ h; x] + b_h)                h' = (1 - z) ⊙ h + z ⊙ c
 * pytorch:  r = σ(W_ir x + b_ir + W_hr h + b_hr)   z = σ(W_iz x + b_iz + W_hz h + b_hz)
 *           n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))  h' = (1 - z) ⊙ n + z ⊙ h
 * readout:  y = W_y h + b_y
 * </pre>
 *
 * <p>Packing: every matrix is stored transposed, column j of the gate matrices contiguous, so
 * a matrix-vector product is a sequence of {@code acc[k] += w[j*n + k] * v[j]} passes over
 * contiguous memory (which the JIT vectorizes), instead of dot products (scalar reductions it
 * does not). Gates that multiply the same vector share one pass.
 */
public final class GruStepper {

    private final GruLayout layout;
    private final Variant variant;
    private final int d;
    private final int hidden;
    private final int o;

    /**
     * cho: the x-part of the three gates, D columns of [r | z | c] (3H each).
     * pytorch: W_ih transposed, D columns of [r | z | n] (3H each).
     */
    private final double[] wx;
    /**
     * cho: the h-part of r and z, H columns of [r | z] (2H each).
     * pytorch: W_hh transposed, H columns of [n | r | z] (3H each), see {@link #g}.
     */
    private final double[] wh;
    /** cho only: the h-part of the candidate, H columns of H, applied to r ⊙ h. */
    private final double[] whc;
    /** Initial value of {@link #g} for each step: the biases in g's order. */
    private final double[] bias;
    /** W_y transposed: H columns of O. */
    private final double[] wy;
    private final double[] by;

    /**
     * Pre-activations of one step. cho: [r | z | c], 3H. pytorch: [W_hn h + b_hn | r | z | W_in x
     * + b_in], 4H, ordered so that the x-pass writes g[H, 4H) and the h-pass g[0, 3H), each one
     * contiguous run.
     */
    private final double[] g;
    /** cho: r ⊙ h. */
    private final double[] rh;

    private final Normalization normalization;
    private final double[] xNorm;
    private final double[] yNorm;

    /** Packs {@code parameters} into the layout the step loops read. {@code parameters} Not modified. */
    public GruStepper(Parameters parameters) {
        this(parameters, null);
    }

    private GruStepper(Parameters parameters, Normalization normalization) {
        this.layout = parameters.layout();
        this.variant = layout.variant();
        this.d = layout.inputSize();
        this.hidden = layout.hiddenSize();
        this.o = layout.outputSize();
        this.normalization = normalization;
        this.xNorm = new double[d];
        this.yNorm = new double[o];
        final int h = hidden;
        double[] p = parameters.values();
        if (variant == Variant.CHO) {
            Tensor[] w = {layout.tensor("W_r"), layout.tensor("W_z"), layout.tensor("W_h")};
            Tensor[] b = {layout.tensor("b_r"), layout.tensor("b_z"), layout.tensor("b_h")};
            wx = new double[d * 3 * h];
            wh = new double[h * 2 * h];
            whc = new double[h * h];
            bias = new double[3 * h];
            for (int gate = 0; gate < 3; gate++) {
                for (int i = 0; i < h; i++) {
                    for (int j = 0; j < d; j++) {
                        wx[j * 3 * h + gate * h + i] = p[w[gate].index(i, h + j)];
                    }
                    for (int j = 0; j < h; j++) {
                        if (gate < 2) {
                            wh[j * 2 * h + gate * h + i] = p[w[gate].index(i, j)];
                        } else {
                            whc[j * h + i] = p[w[gate].index(i, j)];
                        }
                    }
                    bias[gate * h + i] = p[b[gate].index(i, 0)];
                }
            }
            g = new double[3 * h];
            rh = new double[h];
        } else {
            Tensor wih = layout.tensor("weight_ih");
            Tensor whh = layout.tensor("weight_hh");
            Tensor bih = layout.tensor("bias_ih");
            Tensor bhh = layout.tensor("bias_hh");
            wx = new double[d * 3 * h];
            wh = new double[h * 3 * h];
            whc = null;
            bias = new double[4 * h];
            for (int k = 0; k < 3 * h; k++) {
                for (int j = 0; j < d; j++) {
                    wx[j * 3 * h + k] = p[wih.index(k, j)];
                }
                // Rows of weight_hh are r, z, n; g holds n first, so row k goes to (k + H) mod 3H.
                int slot = (k + h) % (3 * h);
                for (int j = 0; j < h; j++) {
                    wh[j * 3 * h + slot] = p[whh.index(k, j)];
                }
            }
            for (int i = 0; i < h; i++) {
                // b_ir + b_hr and b_iz + b_hz only act through their sums; b_hn is scaled by r.
                bias[i] = p[bhh.index(2 * h + i, 0)];
                bias[h + i] = p[bih.index(i, 0)] + p[bhh.index(i, 0)];
                bias[2 * h + i] = p[bih.index(h + i, 0)] + p[bhh.index(h + i, 0)];
                bias[3 * h + i] = p[bih.index(2 * h + i, 0)];
            }
            g = new double[4 * h];
            rh = null;
        }
        Tensor wyT = layout.tensor("W_y");
        Tensor byT = layout.tensor("b_y");
        wy = new double[h * o];
        by = new double[o];
        for (int k = 0; k < o; k++) {
            for (int j = 0; j < h; j++) {
                wy[j * o + k] = p[wyT.index(k, j)];
            }
            by[k] = p[byT.index(k, 0)];
        }
    }

    /**
     * A stepper for {@code m}'s parameters that also keeps m's normalization, so that
     * {@link #observe} can work in original units.
     */
    public static GruStepper forModel(GruModel m) {
        return new GruStepper(m.parameters(), m.normalization());
    }

    public GruLayout layout() {
        return layout;
    }

    /**
     * One GRU step: {@code h <- GRU(h, x)}.
     *
     * @param h the hidden state, length H. Modified.
     * @param x the normalized input, length D. Not modified. Must not be {@code h}.
     * @throws IllegalArgumentException on a wrong length or if {@code x == h}
     */
    public void step(double[] h, double[] x) {
        if (h.length != this.hidden || x.length != d) {
            throw new IllegalArgumentException("step needs h of length " + this.hidden + " and x of length " + d
                    + ", got " + h.length + " and " + x.length);
        }
        if (h == x) {
            throw new IllegalArgumentException("h and x must be different arrays");
        }
        if (variant == Variant.CHO) {
            stepCho(h, x);
        } else {
            stepPytorch(h, x);
        }
    }

    private void stepCho(double[] hv, double[] x) {
        final int n = hidden;
        final int n3 = 3 * n;
        final double[] g = this.g;
        System.arraycopy(bias, 0, g, 0, n3);
        // [a_r | a_z | a_c] += [V_r; V_z; V_h] x  (the x columns of all three gates, one pass each).
        for (int j = 0; j < d; j++) {
            axpy(wx, j * n3, x[j], g, 0, n3);
        }
        // [a_r | a_z] += [U_r; U_z] h.
        final int n2 = 2 * n;
        for (int j = 0; j < n; j++) {
            axpy(wh, j * n2, hv[j], g, 0, n2);
        }
        // r = σ(a_r), z = σ(a_z) (kept in g), rh = r ⊙ h.
        for (int i = 0; i < n; i++) {
            rh[i] = Activations.sigmoid(g[i]) * hv[i];
            g[n + i] = Activations.sigmoid(g[n + i]);
        }
        // a_c += U_h (r ⊙ h).
        for (int j = 0; j < n; j++) {
            axpy(whc, j * n, rh[j], g, n2, n);
        }
        // c = tanh(a_c);  h' = (1 - z) ⊙ h + z ⊙ c.
        for (int i = 0; i < n; i++) {
            double z = g[n + i];
            double c = Activations.tanh(g[n2 + i]);
            hv[i] = (1.0 - z) * hv[i] + z * c;
        }
    }

    private void stepPytorch(double[] hv, double[] x) {
        final int n = hidden;
        final int n3 = 3 * n;
        final double[] g = this.g;
        System.arraycopy(bias, 0, g, 0, 4 * n);
        // g[H, 4H) = [a_r | a_z | W_in x + b_in] += W_ih x.
        for (int j = 0; j < d; j++) {
            axpy(wx, j * n3, x[j], g, n, n3);
        }
        // g[0, 3H) = [W_hn h + b_hn | a_r | a_z] += [W_hn; W_hr; W_hz] h.
        for (int j = 0; j < n; j++) {
            axpy(wh, j * n3, hv[j], g, 0, n3);
        }
        // r = σ(a_r), z = σ(a_z), n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)), h' = (1 - z) ⊙ n + z ⊙ h.
        for (int i = 0; i < n; i++) {
            double r = Activations.sigmoid(g[n + i]);
            double z = Activations.sigmoid(g[2 * n + i]);
            double c = Activations.tanh(g[n3 + i] + r * g[i]);
            hv[i] = (1.0 - z) * c + z * hv[i];
        }
    }

    /** {@code acc[accOff + k] += w[wOff + k] * s} for k in [0, len): a contiguous, vectorizable pass. */
    private static void axpy(double[] w, int wOff, double s, double[] acc, int accOff, int len) {
        for (int k = 0; k < len; k++) {
            acc[accOff + k] += w[wOff + k] * s;
        }
    }

    /**
     * The readout {@code y <- W_y h + b_y}, in normalized units.
     *
     * @param h the hidden state, length H. Not modified.
     * @param y the output, length O. Modified. Must not be {@code h}.
     * @throws IllegalArgumentException on a wrong length or if {@code y == h}
     */
    public void readout(double[] h, double[] y) {
        if (h.length != this.hidden || y.length != o) {
            throw new IllegalArgumentException("readout needs h of length " + this.hidden + " and y of length " + o
                    + ", got " + h.length + " and " + y.length);
        }
        if (h == y) {
            throw new IllegalArgumentException("h and y must be different arrays");
        }
        System.arraycopy(by, 0, y, 0, o);
        for (int j = 0; j < this.hidden; j++) {
            axpy(wy, j * o, h[j], y, 0, o);
        }
    }

    /**
     * One event in original units: normalize {@code raw} with the model's normalization, step
     * {@code h}, read out, and denormalize the readout into {@code forecast}, the forecast of the
     * next event's values.
     *
     * @param h the hidden state, length H. Modified.
     * @param raw the event's values in original units, length D. Not modified.
     * @param forecast the forecast in original units, length D. Modified. Must not be {@code raw}.
     * @throws IllegalStateException if this stepper was not made by {@link #forModel}
     * @throws IllegalArgumentException on a wrong length or aliased arrays
     */
    public void observe(double[] h, double[] raw, double[] forecast) {
        if (normalization == null) {
            throw new IllegalStateException("observe needs a stepper made by GruStepper.forModel (it has the normalization)");
        }
        if (raw.length != d || forecast.length != o) {
            throw new IllegalArgumentException("observe needs raw and forecast of length " + d + ", got "
                    + raw.length + " and " + forecast.length);
        }
        if (raw == forecast || raw == h || forecast == h) {
            throw new IllegalArgumentException("h, raw and forecast must be three different arrays");
        }
        normalization.normalize(raw, xNorm);
        step(h, xNorm);
        readout(h, yNorm);
        for (int i = 0; i < o; i++) {
            forecast[i] = normalization.denormalize(i, yNorm[i]);
        }
    }
}
