package io.grustreams.train;

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
 * <p>Layout of the activations, step k of the window (k = t − windowStart), n rows in use:
 * <ul>
 *   <li>{@code in[k]} (n × (H+D)): {@code [h_{t-1} | x_t]}; {@code in[k+1]}'s first H columns hold h_t.
 *   <li>{@code act[k]} (n × 3H): r_t, z_t and the candidate (h~_t for cho, n_t for pytorch).
 *   <li>cho: {@code inH[k]} (n × (H+D)): {@code [r_t ⊙ h_{t-1} | x_t]}, the candidate's input.
 *   <li>pytorch: {@code ghn[k]} (n × H): {@code W_hn h_{t-1} + b_hn}, needed for dL/dr.
 * </ul>
 * Not thread-safe; one instance per shard.
 */
final class BatchBackprop {

    /** The input-major copy of the recurrent and input weights, rebuilt after each update. */
    static final class PackedWeights {
        /** (H+D) × 3H: row j &lt; H multiplies h_j (cho: also (r ⊙ h)_j), row H + k multiplies x_k. */
        final double[] wt;
        private final GruLayout layout;

        PackedWeights(GruLayout layout) {
            this.layout = layout;
            this.wt = new double[(layout.hiddenSize() + layout.inputSize()) * 3 * layout.hiddenSize()];
        }

        /** @param params not modified */
        void pack(double[] params) {
            int h = layout.hiddenSize();
            int d = layout.inputSize();
            int hd = h + d;
            int g3 = 3 * h;
            if (layout.variant() == Variant.CHO) {
                // [W_r; W_z; W_h] is one 3H × (H+D) block: transpose it.
                int w = layout.tensor("W_r").offset();
                for (int g = 0; g < g3; g++) {
                    for (int k = 0; k < hd; k++) {
                        wt[k * g3 + g] = params[w + g * hd + k];
                    }
                }
            } else {
                int wih = layout.tensor("weight_ih").offset();
                int whh = layout.tensor("weight_hh").offset();
                for (int g = 0; g < g3; g++) {
                    for (int k = 0; k < h; k++) {
                        wt[k * g3 + g] = params[whh + g * h + k];
                    }
                    for (int k = 0; k < d; k++) {
                        wt[(h + k) * g3 + g] = params[wih + g * d + k];
                    }
                }
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

    private final double[] in;
    private final double[] act;
    private final double[] inH;
    private final double[] ghn;
    private final double[] gh;
    private final double[] y;
    private final double[] dy;
    private final double[] dA;
    private final double[] dGh;
    private final double[] dh;
    private final double[] dhPrev;
    private final double[] dRh;
    private final double[] carry;
    private final double[] grad;
    private final double[] transposed;
    private final double[] product;

    private List<TrainingSequence> batch;
    private int rowFrom;
    private int n;
    private int windowStart;
    private int windowLength;

    BatchBackprop(GruLayout layout, int rowCapacity, int windowCapacity) {
        if (rowCapacity < 1 || windowCapacity < 1) {
            throw new IllegalArgumentException("capacities must be positive: rows " + rowCapacity + ", steps " + windowCapacity);
        }
        this.layout = layout;
        this.cho = layout.variant() == Variant.CHO;
        this.h = layout.hiddenSize();
        this.d = layout.inputSize();
        this.o = layout.outputSize();
        this.hd = h + d;
        this.g3 = 3 * h;
        this.rowCapacity = rowCapacity;
        this.windowCapacity = windowCapacity;
        wAll = cho ? layout.tensor("W_r").offset() : -1;
        bAll = cho ? layout.tensor("b_r").offset() : -1;
        wIh = cho ? -1 : layout.tensor("weight_ih").offset();
        wHh = cho ? -1 : layout.tensor("weight_hh").offset();
        bIh = cho ? -1 : layout.tensor("bias_ih").offset();
        bHh = cho ? -1 : layout.tensor("bias_hh").offset();
        wY = layout.tensor("W_y").offset();
        bY = layout.tensor("b_y").offset();
        int rs = rowCapacity * windowCapacity;
        in = new double[(windowCapacity + 1) * rowCapacity * hd];
        act = new double[rs * g3];
        inH = new double[cho ? rs * hd : 0];
        ghn = new double[cho ? 0 : rs * h];
        gh = new double[cho ? 0 : rowCapacity * g3];
        y = new double[rs * o];
        dy = new double[rs * o];
        dA = new double[rs * g3];
        dGh = new double[cho ? 0 : rs * g3];
        dh = new double[rowCapacity * h];
        dhPrev = new double[rowCapacity * h];
        dRh = new double[rowCapacity * h];
        carry = new double[rowCapacity * h];
        grad = new double[layout.size()];
        transposed = new double[rs * Math.max(g3, hd)];
        product = new double[g3 * hd];
    }

    GruLayout layout() {
        return layout;
    }

    int rowCapacity() {
        return rowCapacity;
    }

    int windowCapacity() {
        return windowCapacity;
    }

    /** The gradient of the last {@link #window} call (this shard's rows only); read-only by contract. */
    double[] gradient() {
        return grad;
    }

    /**
     * Takes rows {@code [rowFrom, rowTo)} of {@code batch} and loads their initial states.
     *
     * @param batch not modified; kept until the next call
     */
    void begin(List<TrainingSequence> batch, int rowFrom, int rowTo) {
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
            batch.get(rowFrom + b).initialState(h, carry, b * h);
        }
    }

    /** Rows in use. */
    int rows() {
        return n;
    }

    /**
     * Runs the window {@code [w, e)} forward from the carried state and, if {@code backward}, sets
     * {@link #gradient()} to the gradient of {@code scale · Σ_{t ∈ [s, e)} Σ_rows Σ_j (y − target)²},
     * the state entering the window held constant.
     *
     * @param params not modified
     * @param packed not modified: {@code params} packed by {@link PackedWeights#pack}
     * @return the sum of squared errors over steps {@code [s, e)} of this shard's rows
     */
    double window(double[] params, PackedWeights packed, int w, int s, int e, double scale, boolean backward) {
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
            System.arraycopy(carry, b * h, in, b * hd, h);
        }
        double sse = 0;
        for (int k = 0; k < len; k++) {
            int t = w + k;
            int inK = k * n * hd;
            for (int b = 0; b < n; b++) {
                batch.get(rowFrom + b).copyInputs(t, in, inK + b * hd + h);
            }
            if (cho) {
                forwardCho(params, packed.wt, k);
            } else {
                forwardPytorch(params, packed.wt, k);
            }
            sse += readout(params, k, t, t >= s, backward ? 2 * scale : 0.0);
        }
        if (backward) {
            backwardWindow(params, s - w);
        }
        return sse;
    }

    private void forwardCho(double[] p, double[] wt, int k) {
        int inK = k * n * hd;
        int actK = k * n * g3;
        int inHK = k * n * hd;
        int next = (k + 1) * n * hd;
        // pre-activations: [a_r | a_z | a_h] = b + x_t · W_x^T, then [a_r | a_z] += h_{t-1} · W_{rz,h}^T
        for (int b = 0; b < n; b++) {
            System.arraycopy(p, bAll, act, actK + b * g3, g3);
        }
        Kernels.multAdd(n, d, g3, in, inK + h, hd, wt, h * g3, g3, act, actK, g3);
        Kernels.multAdd(n, h, 2 * h, in, inK, hd, wt, 0, g3, act, actK, g3);
        // r = σ(a_r), z = σ(a_z); the candidate's input [r ⊙ h_{t-1} | x_t]
        for (int b = 0; b < n; b++) {
            int a = actK + b * g3;
            int hp = inK + b * hd;
            int rh = inHK + b * hd;
            for (int j = 0; j < 2 * h; j++) {
                act[a + j] = sigmoid(act[a + j]);
            }
            for (int j = 0; j < h; j++) {
                inH[rh + j] = act[a + j] * in[hp + j];
            }
            System.arraycopy(in, hp + h, inH, rh + h, d);
        }
        // a_h += (r ⊙ h_{t-1}) · W_{h,h}^T; h~ = tanh(a_h); h_t = (1 - z) ⊙ h_{t-1} + z ⊙ h~
        Kernels.multAdd(n, h, h, inH, inHK, hd, wt, 2 * h, g3, act, actK + 2 * h, g3);
        for (int b = 0; b < n; b++) {
            int a = actK + b * g3;
            int hp = inK + b * hd;
            int hn = next + b * hd;
            for (int j = 0; j < h; j++) {
                double c = tanh(act[a + 2 * h + j]);
                act[a + 2 * h + j] = c;
                double z = act[a + h + j];
                in[hn + j] = (1 - z) * in[hp + j] + z * c;
            }
        }
    }

    private void forwardPytorch(double[] p, double[] wt, int k) {
        int inK = k * n * hd;
        int actK = k * n * g3;
        int ghnK = k * n * h;
        int next = (k + 1) * n * hd;
        // gi = x_t · W_ih^T + b_ih (into act); gh = h_{t-1} · W_hh^T + b_hh
        for (int b = 0; b < n; b++) {
            System.arraycopy(p, bIh, act, actK + b * g3, g3);
            System.arraycopy(p, bHh, gh, b * g3, g3);
        }
        Kernels.multAdd(n, d, g3, in, inK + h, hd, wt, h * g3, g3, act, actK, g3);
        Kernels.multAdd(n, h, g3, in, inK, hd, wt, 0, g3, gh, 0, g3);
        for (int b = 0; b < n; b++) {
            int a = actK + b * g3;
            int gb = b * g3;
            int hp = inK + b * hd;
            int hn = next + b * hd;
            for (int j = 0; j < h; j++) {
                // r = σ(gi_r + gh_r), z = σ(gi_z + gh_z), n = tanh(gi_n + r ⊙ gh_n), h = (1 - z) ⊙ n + z ⊙ h_{t-1}
                double r = sigmoid(act[a + j] + gh[gb + j]);
                double z = sigmoid(act[a + h + j] + gh[gb + h + j]);
                double ghN = gh[gb + 2 * h + j];
                double nn = tanh(act[a + 2 * h + j] + r * ghN);
                act[a + j] = r;
                act[a + h + j] = z;
                act[a + 2 * h + j] = nn;
                ghn[ghnK + b * h + j] = ghN;
                in[hn + j] = (1 - z) * nn + z * in[hp + j];
            }
        }
    }

    /** y_t = W_y h_t + b_y for every row; returns the step's squared error if it is a loss step. */
    private double readout(double[] p, int k, int t, boolean lossStep, double twoScale) {
        int next = (k + 1) * n * hd;
        int yk = k * n * o;
        double sse = 0;
        for (int b = 0; b < n; b++) {
            int hb = next + b * hd;
            double[] targets = batch.get(rowFrom + b).targetsFlat();
            int tOff = t * o;
            for (int i = 0; i < o; i++) {
                double sum = p[bY + i];
                int row = wY + i * h;
                for (int j = 0; j < h; j++) {
                    sum += p[row + j] * in[hb + j];
                }
                y[yk + b * o + i] = sum;
                if (lossStep) {
                    double err = sum - targets[tOff + i];
                    sse += err * err;
                    // L = scale Σ (y - target)²  ⇒  dL/dy = 2 scale (y - target)
                    dy[yk + b * o + i] = twoScale * err;
                }
            }
        }
        return sse;
    }

    /** Back-propagates from the window's last step to its first; losses enter from step index k0. */
    private void backwardWindow(double[] p, int k0) {
        int len = windowLength;
        Arrays.fill(dh, 0, n * h, 0.0);
        for (int k = len - 1; k >= 0; k--) {
            if (k >= k0) {
                // dL/dh_t += dy_t · W_y
                Kernels.multAdd(n, o, h, dy, k * n * o, o, p, wY, h, dh, 0, h);
            }
            if (cho) {
                backwardCho(p, k);
            } else {
                backwardPytorch(p, k);
            }
            System.arraycopy(dhPrev, 0, dh, 0, n * h);
        }
        int rows = len * n;
        if (cho) {
            // dW_{r,z} += Σ_t [da_r | da_z]^T [h_{t-1} | x_t];  dW_h += Σ_t da_h^T [r ⊙ h_{t-1} | x_t]
            Kernels.multTransAAdd(rows, 2 * h, hd, dA, 0, g3, in, 0, hd, grad, wAll, hd, transposed, product);
            Kernels.multTransAAdd(rows, h, hd, dA, 2 * h, g3, inH, 0, hd, grad, wAll + 2 * h * hd, hd, transposed, product);
            Kernels.columnSumsAdd(rows, g3, dA, 0, g3, grad, bAll);
        } else {
            // dW_ih += Σ_t dgi^T x_t;  dW_hh += Σ_t dgh^T h_{t-1}
            Kernels.multTransAAdd(rows, g3, d, dA, 0, g3, in, h, hd, grad, wIh, d, transposed, product);
            Kernels.multTransAAdd(rows, g3, h, dGh, 0, g3, in, 0, hd, grad, wHh, h, transposed, product);
            Kernels.columnSumsAdd(rows, g3, dA, 0, g3, grad, bIh);
            Kernels.columnSumsAdd(rows, g3, dGh, 0, g3, grad, bHh);
        }
        // dW_y += Σ_t dy_t^T h_t;  db_y += Σ_t dy_t (loss steps only)
        int lossRows = (len - k0) * n;
        Kernels.multTransAAdd(lossRows, o, h, dy, k0 * n * o, o, in, (k0 + 1) * n * hd, hd, grad, wY, h, transposed, product);
        Kernels.columnSumsAdd(lossRows, o, dy, k0 * n * o, o, grad, bY);
    }

    private void backwardCho(double[] p, int k) {
        int inK = k * n * hd;
        int actK = k * n * g3;
        for (int b = 0; b < n; b++) {
            int a = actK + b * g3;
            int hp = inK + b * hd;
            int hb = b * h;
            for (int j = 0; j < h; j++) {
                // h = (1-z) h_prev + z c: dc = dh z, dz = dh (c - h_prev), dh_prev = dh (1 - z)
                double z = act[a + h + j];
                double c = act[a + 2 * h + j];
                double g = dh[hb + j];
                dhPrev[hb + j] = g * (1 - z);
                dA[a + h + j] = g * (c - in[hp + j]) * z * (1 - z);
                dA[a + 2 * h + j] = g * z * (1 - c * c);
            }
        }
        // d(r ⊙ h_prev) = da_h · W_h[:, 0:H]
        Arrays.fill(dRh, 0, n * h, 0.0);
        Kernels.multAdd(n, h, h, dA, actK + 2 * h, g3, p, wAll + 2 * h * hd, hd, dRh, 0, h);
        for (int b = 0; b < n; b++) {
            int a = actK + b * g3;
            int hp = inK + b * hd;
            int hb = b * h;
            for (int j = 0; j < h; j++) {
                double r = act[a + j];
                double g = dRh[hb + j];
                dhPrev[hb + j] += g * r;
                dA[a + j] = g * in[hp + j] * r * (1 - r);
            }
        }
        // dh_prev += [da_r | da_z] · [W_r; W_z][:, 0:H]
        Kernels.multAdd(n, 2 * h, h, dA, actK, g3, p, wAll, hd, dhPrev, 0, h);
    }

    private void backwardPytorch(double[] p, int k) {
        int inK = k * n * hd;
        int actK = k * n * g3;
        int ghnK = k * n * h;
        for (int b = 0; b < n; b++) {
            int a = actK + b * g3;
            int hp = inK + b * hd;
            int hb = b * h;
            for (int j = 0; j < h; j++) {
                // h = (1-z) n + z h_prev; n = tanh(gi_n + r ⊙ gh_n)
                double r = act[a + j];
                double z = act[a + h + j];
                double nn = act[a + 2 * h + j];
                double g = dh[hb + j];
                dhPrev[hb + j] = g * z;
                double daN = g * (1 - z) * (1 - nn * nn);
                double daR = daN * ghn[ghnK + hb + j] * r * (1 - r);
                double daZ = g * (in[hp + j] - nn) * z * (1 - z);
                dA[a + j] = daR;
                dA[a + h + j] = daZ;
                dA[a + 2 * h + j] = daN;
                dGh[a + j] = daR;
                dGh[a + h + j] = daZ;
                dGh[a + 2 * h + j] = daN * r;
            }
        }
        // dh_prev += dgh · W_hh
        Kernels.multAdd(n, g3, h, dGh, actK, g3, p, wHh, h, dhPrev, 0, h);
    }

    /** Makes the state after step {@code t} of the last window the state entering the next window. */
    void carryStateAfter(int t) {
        int k = t - windowStart;
        if (k < 0 || k >= windowLength) {
            throw new IllegalArgumentException("step " + t + " is not in the last window");
        }
        int off = (k + 1) * n * hd;
        for (int b = 0; b < n; b++) {
            System.arraycopy(in, off + b * hd, carry, b * h, h);
        }
    }

    /**
     * Copies the state after step {@code t} of the last window, row b to {@code out[firstRow + b]}.
     *
     * @param out modified
     */
    void stateAfter(int t, double[][] out, int firstRow) {
        int k = t - windowStart;
        if (k < 0 || k >= windowLength) {
            throw new IllegalArgumentException("step " + t + " is not in the last window");
        }
        int off = (k + 1) * n * hd;
        for (int b = 0; b < n; b++) {
            System.arraycopy(in, off + b * hd, out[firstRow + b], 0, h);
        }
    }

    static double sigmoid(double a) {
        return 1.0 / (1.0 + Math.exp(-a));
    }

    /**
     * tanh from the {@link Math#exp} intrinsic: {@code sign(a) · (1 − e^{−2|a|}) / (1 + e^{−2|a|})}.
     * {@link Math#tanh} is not an intrinsic on JDK 17 (a StrictMath call); this form made a training
     * step about 8% faster at H = 64. The absolute error stays within a few ulps of 1, the relative
     * error grows only as |a| → 0, where the value itself is negligible next to the state's other terms.
     */
    static double tanh(double a) {
        double e = Math.exp(-2 * Math.abs(a));
        double t = (1 - e) / (1 + e);
        return a < 0 ? -t : t;
    }

    /**
     * The TBPTT gradient of one sequence at fixed parameters (no update between segments): the sum
     * over segments of the gradient of {@code scale · Σ_{t ∈ segment} Σ_j (y − target)²}, each window
     * entered from the state the previous window computed. Used to check the batched path alone.
     *
     * @param params not modified
     * @param out modified: the gradient is added to it
     */
    static void tbpttGradientAtFixedParameters(GruLayout layout, double[] params, TrainingSequence seq, Tbptt tbptt,
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
