package io.grustreams.train;

import io.grustreams.model.Activations;
import io.grustreams.model.GruLayout;
import io.grustreams.model.Variant;
import java.util.Arrays;
import java.util.List;

/**
 * The batched forward and backward pass of one shard: rows {@code [rowFrom, rowTo)} of a mini-batch
 * stepped in lock-step over a TBPTT window, as matrix products of (rows × (H+D)) by ((H+D) × 3H).
 * All activations and scratch for up to {@code rowCapacity} rows and {@code windowCapacity} steps are
 * allocated once; the hot path allocates nothing. The shard owns its gradient buffer: shards never
 * write shared memory, and the coordinator sums their gradients in a fixed order.
 *
 * <p>Matrices are arrays of rows (see {@link Kernels}). With n rows in use, row b of step k of the
 * window (k = t − windowStart) is at index {@code k·n + b} of:
 * <ul>
 *   <li>{@code in} (H+D wide): {@code [h_{t-1} | x_t]}; entry {@code (k+1)·n + b} starts with h_t.
 *   <li>{@code act} (3H): r_t, z_t and the candidate (h~_t for cho, n_t for pytorch).
 *   <li>cho: {@code rh} (H): {@code r_t ⊙ h_{t-1}}, the candidate's recurrent input.
 *   <li>pytorch: {@code ghn} (H): {@code W_hn h_{t-1} + b_hn}, needed for dL/dr.
 *   <li>{@code dA} (3H): pre-activation gradients (cho: a_r, a_z, a_h; pytorch: of gi), and for
 *       pytorch {@code dGh} (3H): of gh.
 * </ul>
 * Not thread-safe; one instance per shard.
 *
 * <p>Public so that {@code tools.reference} can check it against PyTorch; the trainer is its only
 * production user.
 */
public final class BatchBackprop implements BatchWindow {

    /** The weights as rows for the kernels, rebuilt from the flat parameters after each update. */
    static final class PackedWeights {
        /** (H+D) rows × 3H: row j &lt; H multiplies h_j (cho: also (r ⊙ h)_j), row H + k multiplies x_k. */
        final double[][] wt;
        /** 3H rows × H: the recurrent weights by gate row (cho: W_r, W_z, W_h columns 0..H-1; pytorch: W_hh). */
        final double[][] wh;
        /** O rows × H: W_y. */
        final double[][] wy;
        private final GruLayout layout;

        PackedWeights(GruLayout layout) {
            this.layout = OneLayerGru.require(layout);
            int h = layout.hiddenSize();
            this.wt = Kernels.rows(h + layout.inputSize(), 3 * h);
            this.wh = Kernels.rows(3 * h, h);
            this.wy = Kernels.rows(layout.outputSize(), h);
        }

        /** @param params not modified */
        void pack(double[] params) {
            int h = layout.hiddenSize();
            int d = layout.inputSize();
            int hd = h + d;
            int g3 = 3 * h;
            if (layout.variant() == Variant.CHO) {
                // [W_r; W_z; W_h] is one 3H × (H+D) block.
                int w = layout.tensor("W_r", 0).offset();
                for (int g = 0; g < g3; g++) {
                    for (int k = 0; k < hd; k++) {
                        wt[k][g] = params[w + g * hd + k];
                    }
                    System.arraycopy(params, w + g * hd, wh[g], 0, h);
                }
            } else {
                int wih = layout.tensor("weight_ih", 0).offset();
                int whh = layout.tensor("weight_hh", 0).offset();
                for (int g = 0; g < g3; g++) {
                    for (int k = 0; k < h; k++) {
                        wt[k][g] = params[whh + g * h + k];
                    }
                    for (int k = 0; k < d; k++) {
                        wt[h + k][g] = params[wih + g * d + k];
                    }
                    System.arraycopy(params, whh + g * h, wh[g], 0, h);
                }
            }
            int wY = layout.tensor("W_y").offset();
            for (int i = 0; i < wy.length; i++) {
                System.arraycopy(params, wY + i * h, wy[i], 0, h);
            }
        }
    }

    private final GruLayout layout;
    private final boolean cho;
    private final int h;
    private final int d;
    private final int o;
    private final int hd;
    private final int g3;
    private final int rowCapacity;
    private final int windowCapacity;

    private final int wAll;
    private final int bAll;
    private final int wIh;
    private final int wHh;
    private final int bIh;
    private final int bHh;
    private final int wY;
    private final int bY;

    private final double[][] in;
    private final double[][] act;
    private final double[][] rh;
    private final double[][] ghn;
    private final double[][] gh;
    private final double[][] y;
    private final double[][] dy;
    private final double[][] dA;
    private final double[][] dGh;
    private final double[][] dh;
    private final double[][] dhPrev;
    private final double[][] dRh;
    private final double[][] carry;
    /** (H+D) × 3H: the transposed gradient of the gate weights, folded into {@link #grad} per window. */
    private final double[][] dWt;
    /** O × H: the gradient of W_y. */
    private final double[][] dWy;
    private final double[] dBias;
    private final double[] dBiasHh;
    private final double[] grad;
    /** One row's gates and gate gradients, H each, for the elementwise loops. */
    private final double[] tmpR;
    private final double[] tmpZ;
    private final double[] tmpC;
    private final double[] tmpDr;
    private final double[] tmpDz;
    private final double[] tmpDc;
    private final double[] tmpDx;

    /** w_o of each output in the loss; all 1 unless {@link #outputWeights} set others. */
    private final double[] weights;

    private List<TrainingSequence> batch;
    private int rowFrom;
    private int n;
    private int windowStart;
    private int windowLength;

    BatchBackprop(GruLayout layout, int rowCapacity, int windowCapacity) {
        if (rowCapacity < 1 || windowCapacity < 1) {
            throw new IllegalArgumentException("capacities must be positive: rows " + rowCapacity + ", steps " + windowCapacity);
        }
        this.layout = OneLayerGru.require(layout);
        this.cho = layout.variant() == Variant.CHO;
        this.h = layout.hiddenSize();
        this.d = layout.inputSize();
        this.o = layout.outputSize();
        this.hd = h + d;
        this.g3 = 3 * h;
        this.rowCapacity = rowCapacity;
        this.windowCapacity = windowCapacity;
        wAll = cho ? layout.tensor("W_r", 0).offset() : -1;
        bAll = cho ? layout.tensor("b_r", 0).offset() : -1;
        wIh = cho ? -1 : layout.tensor("weight_ih", 0).offset();
        wHh = cho ? -1 : layout.tensor("weight_hh", 0).offset();
        bIh = cho ? -1 : layout.tensor("bias_ih", 0).offset();
        bHh = cho ? -1 : layout.tensor("bias_hh", 0).offset();
        wY = layout.tensor("W_y").offset();
        bY = layout.tensor("b_y").offset();
        int rs = rowCapacity * windowCapacity;
        in = Kernels.rows(rs + rowCapacity, hd);
        act = Kernels.rows(rs, g3);
        rh = Kernels.rows(cho ? rs : 0, h);
        ghn = Kernels.rows(cho ? 0 : rs, h);
        gh = Kernels.rows(cho ? 0 : rowCapacity, g3);
        y = Kernels.rows(rs, o);
        dy = Kernels.rows(rs, o);
        dA = Kernels.rows(rs, g3);
        dGh = Kernels.rows(cho ? 0 : rs, g3);
        dh = Kernels.rows(rowCapacity, h);
        dhPrev = Kernels.rows(rowCapacity, h);
        dRh = Kernels.rows(rowCapacity, h);
        carry = Kernels.rows(rowCapacity, h);
        dWt = Kernels.rows(hd, g3);
        dWy = Kernels.rows(o, h);
        dBias = new double[g3];
        dBiasHh = new double[g3];
        grad = new double[layout.size()];
        tmpR = new double[h];
        tmpZ = new double[h];
        tmpC = new double[h];
        tmpDr = new double[h];
        tmpDz = new double[h];
        tmpDc = new double[h];
        tmpDx = new double[h];
        weights = new double[o];
        Arrays.fill(weights, 1.0);
    }

    /** Sets the loss weight of every output (the dataset's). @param w O values. Not modified. */
    @Override
    public void outputWeights(double[] w) {
        if (w.length != o) {
            throw new IllegalArgumentException(w.length + " weights for " + o + " outputs");
        }
        System.arraycopy(w, 0, weights, 0, o);
    }

    GruLayout layout() {
        return layout;
    }

    @Override
    public int rowCapacity() {
        return rowCapacity;
    }

    @Override
    public int windowCapacity() {
        return windowCapacity;
    }

    /** The gradient of the last {@link #window} call (this shard's rows only); read-only by contract. */
    @Override
    public double[] gradient() {
        return grad;
    }

    /**
     * Takes rows {@code [rowFrom, rowTo)} of {@code batch} and loads their initial states.
     *
     * @param batch not modified; kept until the next call
     */
    @Override
    public void begin(List<TrainingSequence> batch, int rowFrom, int rowTo) {
        int rows = rowTo - rowFrom;
        if (rows < 0 || rows > rowCapacity) {
            throw new IllegalArgumentException("rows [" + rowFrom + ", " + rowTo + ") exceed capacity " + rowCapacity);
        }
        for (int b = rowFrom; b < rowTo; b++) {
            TrainingSequence s = batch.get(b);
            if (s.inputSize() != d || s.outputSize() != o) {
                throw new IllegalArgumentException("sequence " + b + " has D " + s.inputSize() + ", O " + s.outputSize()
                        + " but the GRU is " + layout);
            }
        }
        this.batch = batch;
        this.rowFrom = rowFrom;
        this.n = rows;
        for (int b = 0; b < rows; b++) {
            batch.get(rowFrom + b).initialState(h, carry[b], 0);
        }
    }

    /** Rows in use. */
    int rows() {
        return n;
    }

    /**
     * Runs the window {@code [w, e)} forward from the carried state and, if {@code backward}, sets
     * {@link #gradient()} to the gradient of {@code scale · Σ_{t ∈ [s, e)} Σ_rows Σ_j w_j (y − target)²},
     * the state entering the window held constant.
     *
     * @param params not modified
     * @param packed not modified: {@code params} packed by {@link PackedWeights#pack}
     * @return the weighted sum of squared errors over steps {@code [s, e)} of this shard's rows
     */
    @Override
    public double window(double[] params, PackedWeights packed, int w, int s, int e, double scale, boolean backward) {
        int len = e - w;
        if (len < 1 || len > windowCapacity || s < w || s >= e) {
            throw new IllegalArgumentException("window [" + w + ", " + e + ") with loss from " + s
                    + " (capacity " + windowCapacity + ")");
        }
        windowStart = w;
        windowLength = len;
        if (backward) {
            Arrays.fill(grad, 0.0);
        }
        if (n == 0) {
            return 0.0;
        }
        for (int b = 0; b < n; b++) {
            System.arraycopy(carry[b], 0, in[b], 0, h);
        }
        double sse = 0;
        for (int k = 0; k < len; k++) {
            int t = w + k;
            for (int b = 0; b < n; b++) {
                batch.get(rowFrom + b).copyInputs(t, in[k * n + b], h);
            }
            if (cho) {
                forwardCho(params, packed, k);
            } else {
                forwardPytorch(params, packed, k);
            }
            sse += readout(params, packed, k, t, t >= s, backward ? 2 * scale : 0.0);
        }
        if (backward) {
            backwardWindow(packed, s - w);
        }
        return sse;
    }

    private void forwardCho(double[] p, PackedWeights pw, int k) {
        int row = k * n;
        // pre-activations [a_r | a_z | a_h] = b + x_t · W_x^T, then [a_r | a_z] += h_{t-1} · W_{rz,h}^T
        for (int b = 0; b < n; b++) {
            System.arraycopy(p, bAll, act[row + b], 0, g3);
        }
        Kernels.multAdd(n, d, 0, g3, in, row, h, pw.wt, h, act, row);
        Kernels.multAdd(n, h, 0, 2 * h, in, row, 0, pw.wt, 0, act, row);
        // r = σ(a_r), z = σ(a_z); the candidate's recurrent input r ⊙ h_{t-1}
        for (int b = 0; b < n; b++) {
            double[] a = act[row + b];
            double[] hp = in[row + b];
            double[] r = rh[row + b];
            Activations.sigmoidInPlace(a, 2 * h);
            for (int j = 0; j < h; j++) {
                r[j] = a[j] * hp[j];
            }
        }
        // a_h += (r ⊙ h_{t-1}) · W_{h,h}^T (columns 2H..3H); h~ = tanh(a_h); h_t = (1 - z) ⊙ h_{t-1} + z ⊙ h~
        Kernels.multAdd(n, h, 2 * h, g3, rh, row, 0, pw.wt, 0, act, row);
        // Gates into rows of their own, so every loop reads and writes its arrays at index j and vectorizes.
        double[] c = tmpC;
        double[] z = tmpZ;
        for (int b = 0; b < n; b++) {
            double[] a = act[row + b];
            double[] hp = in[row + b];
            double[] hn = in[row + n + b];
            System.arraycopy(a, 2 * h, c, 0, h);
            Activations.tanhInPlace(c, h);
            System.arraycopy(c, 0, a, 2 * h, h);
            System.arraycopy(a, h, z, 0, h);
            for (int j = 0; j < h; j++) {
                hn[j] = (1 - z[j]) * hp[j] + z[j] * c[j];
            }
        }
    }

    private void forwardPytorch(double[] p, PackedWeights pw, int k) {
        int row = k * n;
        // gi = x_t · W_ih^T + b_ih (into act); gh = h_{t-1} · W_hh^T + b_hh
        for (int b = 0; b < n; b++) {
            System.arraycopy(p, bIh, act[row + b], 0, g3);
            System.arraycopy(p, bHh, gh[b], 0, g3);
        }
        Kernels.multAdd(n, d, 0, g3, in, row, h, pw.wt, h, act, row);
        Kernels.multAdd(n, h, 0, g3, in, row, 0, pw.wt, 0, gh, 0);
        // r = σ(gi_r + gh_r), z = σ(gi_z + gh_z), n = tanh(gi_n + r ⊙ gh_n), h = (1 - z) ⊙ n + z ⊙ h_{t-1};
        // gates into rows of their own, so every loop reads and writes its arrays at index j and vectorizes.
        double[] nn = tmpC;
        double[] z = tmpZ;
        for (int b = 0; b < n; b++) {
            double[] a = act[row + b];
            double[] g = gh[b];
            double[] hp = in[row + b];
            double[] hn = in[row + n + b];
            double[] gn = ghn[row + b];
            for (int j = 0; j < 2 * h; j++) {
                a[j] += g[j];
            }
            Activations.sigmoidInPlace(a, 2 * h);
            System.arraycopy(g, 2 * h, gn, 0, h);
            System.arraycopy(a, 2 * h, nn, 0, h);
            for (int j = 0; j < h; j++) {
                nn[j] += a[j] * gn[j];
            }
            Activations.tanhInPlace(nn, h);
            System.arraycopy(nn, 0, a, 2 * h, h);
            System.arraycopy(a, h, z, 0, h);
            for (int j = 0; j < h; j++) {
                hn[j] = (1 - z[j]) * nn[j] + z[j] * hp[j];
            }
        }
    }

    /** y_t = W_y h_t + b_y for every row; returns the step's squared error if it is a loss step. */
    private double readout(double[] p, PackedWeights pw, int k, int t, boolean lossStep, double twoScale) {
        int row = k * n;
        double sse = 0;
        for (int b = 0; b < n; b++) {
            double[] hb = in[row + n + b];
            double[] yb = y[row + b];
            TrainingSequence seq = batch.get(rowFrom + b);
            double[] targets = seq.targetsFlat();
            int tOff = seq.targetIndex(t);
            for (int i = 0; i < o; i++) {
                double[] wyi = pw.wy[i];
                double sum = p[bY + i];
                for (int j = 0; j < h; j++) {
                    sum += wyi[j] * hb[j];
                }
                yb[i] = sum;
                if (lossStep) {
                    double err = sum - targets[tOff + i];
                    double we = weights[i] * err;
                    sse += we * err;
                    // L = scale Σ w (y - target)²  ⇒  dL/dy = 2 scale w (y - target)
                    dy[row + b][i] = twoScale * we;
                }
            }
        }
        return sse;
    }

    /** Back-propagates from the window's last step to its first; losses enter from step index k0. */
    private void backwardWindow(PackedWeights pw, int k0) {
        int len = windowLength;
        for (int b = 0; b < n; b++) {
            Arrays.fill(dh[b], 0.0);
        }
        for (int k = len - 1; k >= 0; k--) {
            if (k >= k0) {
                // dL/dh_t += dy_t · W_y
                Kernels.multAdd(n, o, 0, h, dy, k * n, 0, pw.wy, 0, dh, 0);
            }
            if (cho) {
                backwardCho(pw, k);
            } else {
                backwardPytorch(pw, k);
            }
            for (int b = 0; b < n; b++) {
                System.arraycopy(dhPrev[b], 0, dh[b], 0, h);
            }
        }
        accumulateWeightGradients(k0);
    }

    private void backwardCho(PackedWeights pw, int k) {
        int row = k * n;
        double[] z = tmpZ;
        double[] c = tmpC;
        double[] daZ = tmpDz;
        double[] daC = tmpDc;
        for (int b = 0; b < n; b++) {
            // gates into rows of their own, so every array below is read and written at index j and the loop vectorizes
            double[] a = act[row + b];
            System.arraycopy(a, h, z, 0, h);
            System.arraycopy(a, 2 * h, c, 0, h);
            double[] hp = in[row + b];
            double[] g = dh[b];
            double[] dp = dhPrev[b];
            for (int j = 0; j < h; j++) {
                // h = (1-z) h_prev + z c: dc = dh z, dz = dh (c - h_prev), dh_prev = dh (1 - z)
                dp[j] = g[j] * (1 - z[j]);
                daZ[j] = g[j] * (c[j] - hp[j]) * z[j] * (1 - z[j]);
                daC[j] = g[j] * z[j] * (1 - c[j] * c[j]);
            }
            double[] da = dA[row + b];
            System.arraycopy(daZ, 0, da, h, h);
            System.arraycopy(daC, 0, da, 2 * h, h);
            Arrays.fill(dRh[b], 0.0);
        }
        // d(r ⊙ h_prev) = da_h · W_h[:, 0:H]
        Kernels.multAdd(n, h, 0, h, dA, row, 2 * h, pw.wh, 2 * h, dRh, 0);
        double[] r = tmpR;
        double[] daR = tmpDr;
        for (int b = 0; b < n; b++) {
            System.arraycopy(act[row + b], 0, r, 0, h);
            double[] hp = in[row + b];
            double[] g = dRh[b];
            double[] dp = dhPrev[b];
            for (int j = 0; j < h; j++) {
                dp[j] += g[j] * r[j];
                daR[j] = g[j] * hp[j] * r[j] * (1 - r[j]);
            }
            System.arraycopy(daR, 0, dA[row + b], 0, h);
        }
        // dh_prev += [da_r | da_z] · [W_r; W_z][:, 0:H]
        Kernels.multAdd(n, 2 * h, 0, h, dA, row, 0, pw.wh, 0, dhPrev, 0);
    }

    private void backwardPytorch(PackedWeights pw, int k) {
        int row = k * n;
        double[] r = tmpR;
        double[] z = tmpZ;
        double[] nn = tmpC;
        double[] daR = tmpDr;
        double[] daZ = tmpDz;
        double[] daN = tmpDc;
        double[] daNr = tmpDx;
        for (int b = 0; b < n; b++) {
            // gates into rows of their own, so every array below is read and written at index j and the loop vectorizes
            double[] a = act[row + b];
            System.arraycopy(a, 0, r, 0, h);
            System.arraycopy(a, h, z, 0, h);
            System.arraycopy(a, 2 * h, nn, 0, h);
            double[] hp = in[row + b];
            double[] g = dh[b];
            double[] dp = dhPrev[b];
            double[] gn = ghn[row + b];
            for (int j = 0; j < h; j++) {
                // h = (1-z) n + z h_prev; n = tanh(gi_n + r ⊙ gh_n)
                dp[j] = g[j] * z[j];
                double dn = g[j] * (1 - z[j]) * (1 - nn[j] * nn[j]);
                daN[j] = dn;
                daNr[j] = dn * r[j];
                daR[j] = dn * gn[j] * r[j] * (1 - r[j]);
                daZ[j] = g[j] * (hp[j] - nn[j]) * z[j] * (1 - z[j]);
            }
            double[] gi = dA[row + b];
            double[] gg = dGh[row + b];
            System.arraycopy(daR, 0, gi, 0, h);
            System.arraycopy(daZ, 0, gi, h, h);
            System.arraycopy(daN, 0, gi, 2 * h, h);
            System.arraycopy(daR, 0, gg, 0, h);
            System.arraycopy(daZ, 0, gg, h, h);
            System.arraycopy(daNr, 0, gg, 2 * h, h);
        }
        // dh_prev += dgh · W_hh
        Kernels.multAdd(n, g3, 0, h, dGh, row, 0, pw.wh, 0, dhPrev, 0);
    }

    /** The window's weight and bias gradients, summed over its steps and rows, into {@link #grad}. */
    private void accumulateWeightGradients(int k0) {
        int rows = windowLength * n;
        for (double[] r : dWt) {
            Arrays.fill(r, 0.0);
        }
        for (double[] r : dWy) {
            Arrays.fill(r, 0.0);
        }
        Arrays.fill(dBias, 0.0);
        if (cho) {
            // dW^T[input][gate] = Σ_t input_t ⊗ da_t: inputs [h_{t-1} | x_t] for r, z and x for h~; r ⊙ h_{t-1} for h~
            Kernels.multTransAAdd(h, rows, 0, 2 * h, in, 0, 0, dA, 0, dWt, 0);
            Kernels.multTransAAdd(h, rows, 2 * h, g3, rh, 0, 0, dA, 0, dWt, 0);
            Kernels.multTransAAdd(d, rows, 0, g3, in, 0, h, dA, 0, dWt, h);
            Kernels.columnSumsAdd(rows, 0, g3, dA, 0, dBias);
            for (int g = 0; g < g3; g++) {
                int base = wAll + g * hd;
                for (int c = 0; c < hd; c++) {
                    grad[base + c] += dWt[c][g];
                }
                grad[bAll + g] += dBias[g];
            }
        } else {
            // dW_hh^T = Σ_t h_{t-1} ⊗ dgh_t, dW_ih^T = Σ_t x_t ⊗ dgi_t
            Kernels.multTransAAdd(h, rows, 0, g3, in, 0, 0, dGh, 0, dWt, 0);
            Kernels.multTransAAdd(d, rows, 0, g3, in, 0, h, dA, 0, dWt, h);
            Kernels.columnSumsAdd(rows, 0, g3, dA, 0, dBias);
            Arrays.fill(dBiasHh, 0.0);
            Kernels.columnSumsAdd(rows, 0, g3, dGh, 0, dBiasHh);
            for (int g = 0; g < g3; g++) {
                for (int c = 0; c < h; c++) {
                    grad[wHh + g * h + c] += dWt[c][g];
                }
                for (int c = 0; c < d; c++) {
                    grad[wIh + g * d + c] += dWt[h + c][g];
                }
                grad[bIh + g] += dBias[g];
                grad[bHh + g] += dBiasHh[g];
            }
        }
        // dW_y = Σ_t dy_t ⊗ h_t, db_y = Σ_t dy_t over the loss steps
        int lossRows = (windowLength - k0) * n;
        Kernels.multTransAAdd(o, lossRows, 0, h, dy, k0 * n, 0, in, (k0 + 1) * n, dWy, 0);
        for (int i = 0; i < o; i++) {
            for (int j = 0; j < h; j++) {
                grad[wY + i * h + j] += dWy[i][j];
            }
            double sum = 0;
            for (int r = 0; r < lossRows; r++) {
                sum += dy[k0 * n + r][i];
            }
            grad[bY + i] += sum;
        }
    }

    /** Makes the state after step {@code t} of the last window the state entering the next window. */
    @Override
    public void carryStateAfter(int t) {
        int k = t - windowStart;
        if (k < 0 || k >= windowLength) {
            throw new IllegalArgumentException("step " + t + " is not in the last window");
        }
        for (int b = 0; b < n; b++) {
            System.arraycopy(in[(k + 1) * n + b], 0, carry[b], 0, h);
        }
    }

    /**
     * Copies the state after step {@code t} of the last window, row b to {@code out[firstRow + b]}.
     *
     * @param out modified
     */
    @Override
    public void stateAfter(int t, double[][] out, int firstRow) {
        int k = t - windowStart;
        if (k < 0 || k >= windowLength) {
            throw new IllegalArgumentException("step " + t + " is not in the last window");
        }
        for (int b = 0; b < n; b++) {
            System.arraycopy(in[(k + 1) * n + b], 0, out[firstRow + b], 0, h);
        }
    }

    /**
     * The TBPTT gradient of one sequence at fixed parameters (no update between segments): the sum
     * over segments of the gradient of {@code scale · Σ_{t ∈ segment} Σ_j (y − target)²}, each window
     * entered from the state the previous window computed. Used to check the batched path alone.
     *
     * @param params not modified
     * @param out modified: the gradient is added to it
     */
    public static void tbpttGradientAtFixedParameters(GruLayout layout, double[] params, TrainingSequence seq, Tbptt tbptt,
            double scale, double[] out) {
        BatchBackprop bp = new BatchBackprop(layout, 1, tbptt.maxWindowLength());
        PackedWeights packed = new PackedWeights(layout);
        packed.pack(params);
        bp.begin(List.of(seq), 0, 1);
        int length = seq.length();
        int segments = tbptt.segmentCount(length);
        for (int i = 0; i < segments; i++) {
            int e = tbptt.segmentEnd(i, length);
            bp.window(params, packed, tbptt.windowStart(i), tbptt.segmentStart(i), e, scale, true);
            for (int j = 0; j < out.length; j++) {
                out[j] += bp.grad[j];
            }
            if (i + 1 < segments && tbptt.windowStart(i + 1) > 0) {
                bp.carryStateAfter(tbptt.windowStart(i + 1) - 1);
            }
        }
    }
}
