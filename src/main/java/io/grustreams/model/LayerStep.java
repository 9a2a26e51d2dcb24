package io.grustreams.model;

/**
 * One recurrent layer's step on weights packed by {@link Columns}: the kernels of
 * {@link RecurrentStepper}. Each instance owns the packed weights of one layer (a snapshot of the
 * parameter vector) and its scratch, and allocates nothing per step. Not thread-safe.
 *
 * <p>{@code u} is the layer's input (the network input for layer 0, the layer below's new h
 * above), {@code h} its state, updated in place; {@code c} is the LSTM's cell state, updated in
 * place, and ignored by the other cells. All three are indexed from 0 and must be distinct arrays.
 */
abstract sealed class LayerStep permits LayerStep.GruCho, LayerStep.GruPytorch, LayerStep.Rnn, LayerStep.Lstm {

    /** The kernel of layer {@code k} of {@code layout}, packed from {@code p}. {@code p} Not modified. */
    static LayerStep of(GruLayout layout, double[] p, int k) {
        return switch (layout.cell()) {
            case RNN -> new Rnn(layout, p, k);
            case LSTM -> new Lstm(layout, p, k);
            case GRU -> layout.variant() == Variant.CHO ? new GruCho(layout, p, k) : new GruPytorch(layout, p, k);
        };
    }

    /**
     * @param h the layer's hidden state, length H. Modified.
     * @param c the LSTM's cell state, length H. Modified (LSTM only; may be null for the other cells).
     * @param u the layer's input, length D_k. Not modified.
     */
    abstract void step(double[] h, double[] c, double[] u);

    /**
     * GRU, course-notes form:
     * <pre>
     * r = σ(W_r [h; u] + b_r)      z = σ(W_z [h; u] + b_z)
     * h~ = tanh(W_h [r ⊙ h; u] + b_h)        h' = (1 - z) ⊙ h + z ⊙ h~
     * </pre>
     */
    static final class GruCho extends LayerStep {
        private final int n;
        /** Input columns of [W_r; W_z; W_h] (3H), h columns of [W_r; W_z] (2H), h columns of W_h (H). */
        private final double[][] x3;
        private final double[][] h2;
        private final double[][] hc;
        /** [b_r | b_z | b_h]. */
        private final double[] bx;
        /** Scratch: pre-activations (3H); the update gate, the candidate, r ⊙ h (H each). */
        private final double[] gx;
        private final double[] z;
        private final double[] cand;
        private final double[] aux;

        GruCho(GruLayout layout, double[] p, int k) {
            int h = layout.hiddenSize();
            int d = layout.layerInputSize(k);
            this.n = h;
            Tensor wr = layout.tensor("W_r", k);
            Tensor wz = layout.tensor("W_z", k);
            Tensor wh = layout.tensor("W_h", k);
            // Columns 0..H-1 of W_g act on h (resp. r ⊙ h), columns H..H+D-1 on u.
            x3 = Columns.stack(Columns.of(p, wr, 0, h, h, d), Columns.of(p, wz, 0, h, h, d),
                    Columns.of(p, wh, 0, h, h, d));
            h2 = Columns.stack(Columns.of(p, wr, 0, h, 0, h), Columns.of(p, wz, 0, h, 0, h));
            hc = Columns.of(p, wh, 0, h, 0, h);
            bx = new double[3 * h];
            System.arraycopy(Columns.vector(p, layout.tensor("b_r", k), 0, h), 0, bx, 0, h);
            System.arraycopy(Columns.vector(p, layout.tensor("b_z", k), 0, h), 0, bx, h, h);
            System.arraycopy(Columns.vector(p, layout.tensor("b_h", k), 0, h), 0, bx, 2 * h, h);
            gx = new double[3 * h];
            z = new double[h];
            cand = new double[h];
            aux = new double[h];
        }

        @Override
        void step(double[] hv, double[] c, double[] u) {
            // gx = [a_r | a_z | a_c] = [V_r; V_z; V_h] u + [b_r | b_z | b_h], then [a_r | a_z] += [U_r; U_z] h.
            System.arraycopy(bx, 0, gx, 0, 3 * n);
            Columns.gemv(x3, u, 0, gx, 3 * n);
            Columns.gemv(h2, hv, 0, gx, 2 * n);
            // r = σ(a_r), z = σ(a_z), in place in gx[0, 2H).
            Activations.sigmoidInPlace(gx, 2 * n);
            // h~ = tanh(a_c + U_h (r ⊙ h)): the reset gate acts before the matmul.
            for (int i = 0; i < n; i++) {
                aux[i] = gx[i] * hv[i];
            }
            System.arraycopy(gx, 2 * n, cand, 0, n);
            Columns.gemv(hc, aux, 0, cand, n);
            Activations.tanhInPlace(cand, n);
            // h' = (1 - z) ⊙ h + z ⊙ h~ (z copied out so that every loop indexes its arrays alike).
            System.arraycopy(gx, n, z, 0, n);
            for (int i = 0; i < n; i++) {
                hv[i] = (1.0 - z[i]) * hv[i] + z[i] * cand[i];
            }
        }
    }

    /**
     * GRU, PyTorch's form (rows r, z, n):
     * <pre>
     * r = σ(W_ir u + b_ir + W_hr h + b_hr)   z = σ(W_iz u + b_iz + W_hz h + b_hz)
     * n = tanh(W_in u + b_in + r ⊙ (W_hn h + b_hn))  h' = (1 - z) ⊙ n + z ⊙ h
     * </pre>
     */
    static final class GruPytorch extends LayerStep {
        private final int n;
        private final double[][] x3;
        private final double[][] h3;
        /** [b_ir + b_hr | b_iz + b_hz | b_in]. */
        private final double[] bx;
        /** [0 | 0 | b_hn], the start of the hidden-side accumulator. */
        private final double[] bh;
        private final double[] gx;
        private final double[] gh;
        private final double[] z;
        private final double[] cand;
        private final double[] aux;

        GruPytorch(GruLayout layout, double[] p, int k) {
            int h = layout.hiddenSize();
            int d = layout.layerInputSize(k);
            this.n = h;
            // Rows of weight_ih / weight_hh and of the biases are already stacked r, z, n.
            x3 = Columns.of(p, layout.tensor("weight_ih", k), 0, 3 * h, 0, d);
            h3 = Columns.of(p, layout.tensor("weight_hh", k), 0, 3 * h, 0, h);
            double[] bih = Columns.vector(p, layout.tensor("bias_ih", k), 0, 3 * h);
            double[] bhh = Columns.vector(p, layout.tensor("bias_hh", k), 0, 3 * h);
            // b_ir + b_hr and b_iz + b_hz only act through their sums; b_hn is scaled by r, so it stays apart.
            bx = bih.clone();
            bh = new double[3 * h];
            for (int i = 0; i < 2 * h; i++) {
                bx[i] = bih[i] + bhh[i];
            }
            System.arraycopy(bhh, 2 * h, bh, 2 * h, h);
            gx = new double[3 * h];
            gh = new double[3 * h];
            z = new double[h];
            cand = new double[h];
            aux = new double[h];
        }

        @Override
        void step(double[] hv, double[] c, double[] u) {
            // gx = W_ih u + [b_ir + b_hr | b_iz + b_hz | b_in];  gh = W_hh h + [0 | 0 | b_hn].
            System.arraycopy(bx, 0, gx, 0, 3 * n);
            System.arraycopy(bh, 0, gh, 0, 3 * n);
            Columns.gemv(x3, u, 0, gx, 3 * n);
            Columns.gemv(h3, hv, 0, gh, 3 * n);
            // r = σ(W_ir u + W_hr h + b_ir + b_hr), z likewise, in place in gx[0, 2H).
            for (int i = 0; i < 2 * n; i++) {
                gx[i] += gh[i];
            }
            Activations.sigmoidInPlace(gx, 2 * n);
            // n = tanh(W_in u + b_in + r ⊙ (W_hn h + b_hn)): the reset gate acts after the matmul.
            System.arraycopy(gx, 2 * n, cand, 0, n);
            System.arraycopy(gh, 2 * n, aux, 0, n);
            for (int i = 0; i < n; i++) {
                cand[i] += gx[i] * aux[i];
            }
            Activations.tanhInPlace(cand, n);
            // h' = (1 - z) ⊙ n + z ⊙ h.
            System.arraycopy(gx, n, z, 0, n);
            for (int i = 0; i < n; i++) {
                hv[i] = (1.0 - z[i]) * cand[i] + z[i] * hv[i];
            }
        }
    }

    /** Vanilla RNN ({@code nn.RNN}, tanh): {@code h' = tanh(W_ih u + b_ih + W_hh h + b_hh)}. */
    static final class Rnn extends LayerStep {
        private final int n;
        private final double[][] x1;
        private final double[][] h1;
        /** b_ih + b_hh: only the sum acts. */
        private final double[] b;
        private final double[] a;

        Rnn(GruLayout layout, double[] p, int k) {
            int h = layout.hiddenSize();
            int d = layout.layerInputSize(k);
            this.n = h;
            x1 = Columns.of(p, layout.tensor("weight_ih", k), 0, h, 0, d);
            h1 = Columns.of(p, layout.tensor("weight_hh", k), 0, h, 0, h);
            b = Columns.vector(p, layout.tensor("bias_ih", k), 0, h);
            double[] bhh = Columns.vector(p, layout.tensor("bias_hh", k), 0, h);
            for (int i = 0; i < h; i++) {
                b[i] += bhh[i];
            }
            a = new double[h];
        }

        @Override
        void step(double[] hv, double[] c, double[] u) {
            // a = W_ih u + W_hh h + (b_ih + b_hh); h' = tanh(a).
            System.arraycopy(b, 0, a, 0, n);
            Columns.gemv(x1, u, 0, a, n);
            Columns.gemv(h1, hv, 0, a, n);
            Activations.tanhInPlace(a, n);
            System.arraycopy(a, 0, hv, 0, n);
        }
    }

    /**
     * LSTM ({@code nn.LSTM}, rows i, f, g, o in the parameters):
     * <pre>
     * i = σ(W_ii u + b_ii + W_hi h + b_hi)   f = σ(W_if u + b_if + W_hf h + b_hf)
     * g = tanh(W_ig u + b_ig + W_hg h + b_hg) o = σ(W_io u + b_io + W_ho h + b_ho)
     * c' = f ⊙ c + i ⊙ g                      h' = o ⊙ tanh(c')
     * </pre>
     * Packed with the rows reordered i, f, o, g, so that one sigmoid pass covers [0, 3H) and the
     * candidate g is the last block.
     */
    static final class Lstm extends LayerStep {
        private final int n;
        private final double[][] x4;
        private final double[][] h4;
        /** (b_ih + b_hh) in the packed order i, f, o, g: only the sums act. */
        private final double[] b;
        /** Scratch: pre-activations (4H), then the gates i, f, o, g and tanh(c') (H each). */
        private final double[] a;
        private final double[] ig;
        private final double[] fg;
        private final double[] og;
        private final double[] gg;
        private final double[] tc;

        Lstm(GruLayout layout, double[] p, int k) {
            int h = layout.hiddenSize();
            int d = layout.layerInputSize(k);
            this.n = h;
            Tensor wih = layout.tensor("weight_ih", k);
            Tensor whh = layout.tensor("weight_hh", k);
            // PyTorch's blocks i, f, g, o start at rows 0, H, 2H, 3H; packed as i, f, o, g.
            x4 = Columns.stack(Columns.of(p, wih, 0, 2 * h, 0, d), Columns.of(p, wih, 3 * h, h, 0, d),
                    Columns.of(p, wih, 2 * h, h, 0, d));
            h4 = Columns.stack(Columns.of(p, whh, 0, 2 * h, 0, h), Columns.of(p, whh, 3 * h, h, 0, h),
                    Columns.of(p, whh, 2 * h, h, 0, h));
            double[] bih = Columns.vector(p, layout.tensor("bias_ih", k), 0, 4 * h);
            double[] bhh = Columns.vector(p, layout.tensor("bias_hh", k), 0, 4 * h);
            b = new double[4 * h];
            for (int i = 0; i < h; i++) {
                b[i] = bih[i] + bhh[i];
                b[h + i] = bih[h + i] + bhh[h + i];
                b[2 * h + i] = bih[3 * h + i] + bhh[3 * h + i];
                b[3 * h + i] = bih[2 * h + i] + bhh[2 * h + i];
            }
            a = new double[4 * h];
            ig = new double[h];
            fg = new double[h];
            og = new double[h];
            gg = new double[h];
            tc = new double[h];
        }

        @Override
        void step(double[] hv, double[] c, double[] u) {
            // a = [a_i | a_f | a_o | a_g] = W_ih u + W_hh h + (b_ih + b_hh), rows packed i, f, o, g.
            System.arraycopy(b, 0, a, 0, 4 * n);
            Columns.gemv(x4, u, 0, a, 4 * n);
            Columns.gemv(h4, hv, 0, a, 4 * n);
            // i, f, o = σ(a_i), σ(a_f), σ(a_o) in place in a[0, 3H); g = tanh(a_g).
            Activations.sigmoidInPlace(a, 3 * n);
            System.arraycopy(a, 3 * n, gg, 0, n);
            Activations.tanhInPlace(gg, n);
            // Gates copied out so that every loop indexes its arrays alike (see Columns).
            System.arraycopy(a, 0, ig, 0, n);
            System.arraycopy(a, n, fg, 0, n);
            System.arraycopy(a, 2 * n, og, 0, n);
            // c' = f ⊙ c + i ⊙ g.
            for (int i = 0; i < n; i++) {
                c[i] = fg[i] * c[i] + ig[i] * gg[i];
            }
            // h' = o ⊙ tanh(c').
            System.arraycopy(c, 0, tc, 0, n);
            Activations.tanhInPlace(tc, n);
            for (int i = 0; i < n; i++) {
                hv[i] = og[i] * tc[i];
            }
        }
    }
}
