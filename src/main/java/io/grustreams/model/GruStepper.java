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
 * <p>Packing: every matrix is stored by columns, one array per column, so a matrix-vector
 * product is a sequence of {@code acc[k] += col[k] * v[j]} passes over contiguous memory, which
 * C2 vectorizes, instead of dot products (scalar reductions it does not). The nonlinearities
 * are vectorizable too ({@link Activations}), at the price of ~1e-14 absolute error per
 * activation: over the PyTorch reference sequences (50 steps) h and y stay within 7.4e-15 of
 * PyTorch's float64 values (the tolerance is 1e-12).
 *
 * <p>Where the time goes, at (D, H) = (8, 64) on the 2-core AMD EPYC (Zen 4, 32 KiB L1d) with
 * JDK 17: a step reads 13,824 weights, 110.6 KB, so every step streams them from L2. The column
 * loops do so at ~80 B/ns (0.10 ns per multiply-add, against 0.066 ns with the same loops on
 * L1-resident data): ~1.4 µs of a ~1.8–1.9 µs step, against a floor of ~1.06 µs for merely loading
 * those bytes from L2 (a C loop of AVX-512 loads, README "Performance"); the 3H activations take ~0.3 µs. Without
 * superword ({@code -XX:-UseSuperWord}) the step takes 7 µs. Tried and measured, none faster:
 * one flat array per matrix (column offsets make C2 keep the loop scalar, over 2× slower), 8 columns
 * per pass (C2 does not vectorize that body at the default {@code LoopUnrollLimit}; at 200 it does,
 * and is within 10 % of 4), 6 columns with fma, {@code -XX:MaxVectorSize=32}, {@code -XX:UseAVX=2}.
 * A register-blocked kernel (32 rows held in four 512-bit accumulators, weights in one linear
 * stream) needs the incubating Vector API; written so, the products at this size took ~1.0–1.2 µs
 * against 1.4–1.7 µs, and a whole pytorch step 1.6–1.9 µs against 1.8–2.3 µs in the same JVM.
 */
public final class GruStepper {

    private final GruLayout layout;
    private final Variant variant;
    private final int d;
    private final int hidden;
    private final int o;

    /*
     * Weights, one array per column: x3[j] is column j of the three gates' input matrices
     * stacked [r; z; c] (length 3H), h3[j] of their hidden matrices, wy[j] of W_y (length O).
     * A matrix-vector product is then acc[k] += col[k] * v[j] with acc and col indexed alike,
     * the only shape C2 (JDK 17) vectorizes; with an offset on either side it cannot rule out
     * overlap and the loop stays scalar. Stacking the gates makes the loops 2H or 3H long, which
     * the vectorized loop amortizes better than H.
     * cho: h3 holds only r, z (2H; the candidate's h-part acts on r ⊙ h, later): hc[j].
     * pytorch: h3 holds r, z, n (3H, rows of weight_hh); hc is unused.
     */
    private final double[][] x3;
    private final double[][] h3;
    private final double[][] hc;
    private final double[][] wy;

    /** cho: [b_r | b_z | b_h]. pytorch: [b_ir + b_hr | b_iz + b_hz | b_in]. */
    private final double[] bx;
    /** pytorch only: [0 | 0 | b_hn], the start of the hidden-side accumulator. */
    private final double[] bh;
    private final double[] by;

    /** Scratch of one step: gx (3H) the x-side (cho: also the h-side of r, z) pre-activations, gh (3H) the h-side. */
    private final double[] gx;
    private final double[] gh;
    /** Scratch of length H: the update gate, the candidate, and cho r ⊙ h / pytorch W_hn h + b_hn. */
    private final double[] z;
    private final double[] c;
    private final double[] aux;

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
        final int h = hidden;
        this.xNorm = new double[d];
        this.yNorm = new double[o];
        this.gx = new double[3 * h];
        this.gh = new double[3 * h];
        this.z = new double[h];
        this.c = new double[h];
        this.aux = new double[h];
        double[] p = parameters.values();
        if (variant == Variant.CHO) {
            Tensor wr = layout.tensor("W_r");
            Tensor wz = layout.tensor("W_z");
            Tensor wh = layout.tensor("W_h");
            // Columns 0..H-1 of W_g act on h (resp. r ⊙ h), columns H..H+D-1 on x.
            x3 = stack(columns(p, wr, 0, h, h, d), columns(p, wz, 0, h, h, d), columns(p, wh, 0, h, h, d));
            h3 = stack(columns(p, wr, 0, h, 0, h), columns(p, wz, 0, h, 0, h));
            hc = columns(p, wh, 0, h, 0, h);
            bx = new double[3 * h];
            System.arraycopy(vector(p, layout.tensor("b_r"), 0, h), 0, bx, 0, h);
            System.arraycopy(vector(p, layout.tensor("b_z"), 0, h), 0, bx, h, h);
            System.arraycopy(vector(p, layout.tensor("b_h"), 0, h), 0, bx, 2 * h, h);
            bh = null;
        } else {
            // Rows of weight_ih / weight_hh and of the biases are already stacked r, z, n.
            x3 = columns(p, layout.tensor("weight_ih"), 0, 3 * h, 0, d);
            h3 = columns(p, layout.tensor("weight_hh"), 0, 3 * h, 0, h);
            hc = null;
            double[] bih = vector(p, layout.tensor("bias_ih"), 0, 3 * h);
            double[] bhh = vector(p, layout.tensor("bias_hh"), 0, 3 * h);
            // b_ir + b_hr and b_iz + b_hz only act through their sums; b_hn is scaled by r, so it stays apart.
            bx = bih.clone();
            bh = new double[3 * h];
            for (int i = 0; i < 2 * h; i++) {
                bx[i] = bih[i] + bhh[i];
            }
            System.arraycopy(bhh, 2 * h, bh, 2 * h, h);
        }
        wy = columns(p, layout.tensor("W_y"), 0, o, 0, h);
        by = vector(p, layout.tensor("b_y"), 0, o);
    }

    /** Columns col0..col0+cols-1 of rows row0..row0+rows-1 of matrix t, one array per column. */
    private static double[][] columns(double[] p, Tensor t, int row0, int rows, int col0, int cols) {
        double[][] out = new double[cols][rows];
        for (int j = 0; j < cols; j++) {
            for (int i = 0; i < rows; i++) {
                out[j][i] = p[t.index(row0 + i, col0 + j)];
            }
        }
        return out;
    }

    /** Column j of the result is the concatenation of column j of each block. */
    private static double[][] stack(double[][]... blocks) {
        int cols = blocks[0].length;
        int len = 0;
        for (double[][] b : blocks) {
            len += b[0].length;
        }
        double[][] out = new double[cols][len];
        for (int j = 0; j < cols; j++) {
            int at = 0;
            for (double[][] b : blocks) {
                System.arraycopy(b[j], 0, out[j], at, b[j].length);
                at += b[j].length;
            }
        }
        return out;
    }

    /** Elements from..from+n-1 of vector t. */
    private static double[] vector(double[] p, Tensor t, int from, int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = p[t.index(from + i, 0)];
        }
        return out;
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
        // gx = [a_r | a_z | a_c] = [V_r; V_z; V_h] x + [b_r | b_z | b_h], then [a_r | a_z] += [U_r; U_z] h.
        System.arraycopy(bx, 0, gx, 0, 3 * n);
        gemv(x3, x, gx, 3 * n);
        gemv(h3, hv, gx, 2 * n);
        // r = σ(a_r), z = σ(a_z), in place in gx[0, 2H).
        Activations.sigmoidInPlace(gx, 2 * n);
        // h~ = tanh(a_c + U_h (r ⊙ h)): the reset gate acts before the matmul.
        for (int i = 0; i < n; i++) {
            aux[i] = gx[i] * hv[i];
        }
        System.arraycopy(gx, 2 * n, c, 0, n);
        gemv(hc, aux, c, n);
        Activations.tanhInPlace(c, n);
        // h' = (1 - z) ⊙ h + z ⊙ h~ (z copied out so that every loop indexes its arrays alike).
        System.arraycopy(gx, n, z, 0, n);
        for (int i = 0; i < n; i++) {
            hv[i] = (1.0 - z[i]) * hv[i] + z[i] * c[i];
        }
    }

    private void stepPytorch(double[] hv, double[] x) {
        final int n = hidden;
        // gx = W_ih x + [b_ir + b_hr | b_iz + b_hz | b_in];  gh = W_hh h + [0 | 0 | b_hn].
        System.arraycopy(bx, 0, gx, 0, 3 * n);
        System.arraycopy(bh, 0, gh, 0, 3 * n);
        gemv(x3, x, gx, 3 * n);
        gemv(h3, hv, gh, 3 * n);
        // r = σ(W_ir x + W_hr h + b_ir + b_hr), z likewise, in place in gx[0, 2H).
        for (int k = 0; k < 2 * n; k++) {
            gx[k] += gh[k];
        }
        Activations.sigmoidInPlace(gx, 2 * n);
        // n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)): the reset gate acts after the matmul.
        System.arraycopy(gx, 2 * n, c, 0, n);
        System.arraycopy(gh, 2 * n, aux, 0, n);
        for (int i = 0; i < n; i++) {
            c[i] += gx[i] * aux[i];
        }
        Activations.tanhInPlace(c, n);
        // h' = (1 - z) ⊙ n + z ⊙ h.
        System.arraycopy(gx, n, z, 0, n);
        for (int i = 0; i < n; i++) {
            hv[i] = (1.0 - z[i]) * c[i] + z[i] * hv[i];
        }
    }

    /**
     * {@code acc[k] += Σ_j cols[j][k] · v[j]} for k in [0, len): four columns per pass, so acc is
     * loaded and stored once per four multiply-adds. Summation order is column by column, as in a
     * plain loop.
     *
     * @param cols Not modified. @param v Not modified. @param acc Modified.
     */
    private static void gemv(double[][] cols, double[] v, double[] acc, int len) {
        final int m = cols.length;
        int j = 0;
        for (; j + 3 < m; j += 4) {
            final double s0 = v[j];
            final double s1 = v[j + 1];
            final double s2 = v[j + 2];
            final double s3 = v[j + 3];
            final double[] c0 = cols[j];
            final double[] c1 = cols[j + 1];
            final double[] c2 = cols[j + 2];
            final double[] c3 = cols[j + 3];
            for (int k = 0; k < len; k++) {
                acc[k] = acc[k] + c0[k] * s0 + c1[k] * s1 + c2[k] * s2 + c3[k] * s3;
            }
        }
        for (; j < m; j++) {
            final double s = v[j];
            final double[] c0 = cols[j];
            for (int k = 0; k < len; k++) {
                acc[k] += c0[k] * s;
            }
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
        gemv(wy, h, y, o);
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
