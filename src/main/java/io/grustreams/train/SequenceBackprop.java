package io.grustreams.train;

import io.grustreams.model.GruLayout;
import io.grustreams.model.Variant;

/**
 * Forward and backward pass of a GRU with linear readout over a stretch of ONE sequence, written step
 * by step as the equations read: the reference path. {@code verify-reference} checks it against
 * PyTorch, and the batched path ({@link BatchBackprop}) is tested against it.
 *
 * <p>Usage: {@link #forward} over steps {@code [from, to)} from a given state, then
 * {@link #backward} injects the loss of steps {@code [lossFrom, lossTo)} and back-propagates to
 * {@code from}, where the entering state is a constant (its gradient is reported separately).
 * Activations of the last forward pass are kept for the backward pass and for inspection. All
 * storage is allocated once for up to {@code capacity} steps. Not thread-safe.
 *
 * <p>Public so that {@code tools.reference} can check it against PyTorch; the trainer is its only
 * production user.
 */
public final class SequenceBackprop {

    private final GruLayout layout;
    private final Variant variant;
    private final int h;
    private final int d;
    private final int o;
    private final int capacity;

    // Offsets of the tensors in the flat parameter (and gradient) vector.
    private final int wR;
    private final int wZ;
    private final int wH;
    private final int bR;
    private final int bZ;
    private final int bH;
    private final int wIh;
    private final int wHh;
    private final int bIh;
    private final int bHh;
    private final int wY;
    private final int bY;

    // Activations of step t, stored at index t - from.
    private final double[][] hPrev;
    private final double[][] r;
    private final double[][] z;
    private final double[][] cand;
    private final double[][] ghn;
    private final double[][] hNew;
    private final double[][] y;
    private final double[][] x;

    // Backward scratch.
    private final double[] dh;
    private final double[] dhPrev;
    private final double[] dy;
    private final double[] daR;
    private final double[] daZ;
    private final double[] daC;
    private final double[] dRh;
    private final double[] rh;

    private TrainingSequence seq;
    private int from;
    private int to;

    public SequenceBackprop(GruLayout layout, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.layout = OneLayerGru.require(layout);
        this.variant = layout.variant();
        this.h = layout.hiddenSize();
        this.d = layout.inputSize();
        this.o = layout.outputSize();
        this.capacity = capacity;
        boolean cho = variant == Variant.CHO;
        wR = cho ? layout.tensor("W_r", 0).offset() : -1;
        wZ = cho ? layout.tensor("W_z", 0).offset() : -1;
        wH = cho ? layout.tensor("W_h", 0).offset() : -1;
        bR = cho ? layout.tensor("b_r", 0).offset() : -1;
        bZ = cho ? layout.tensor("b_z", 0).offset() : -1;
        bH = cho ? layout.tensor("b_h", 0).offset() : -1;
        wIh = cho ? -1 : layout.tensor("weight_ih", 0).offset();
        wHh = cho ? -1 : layout.tensor("weight_hh", 0).offset();
        bIh = cho ? -1 : layout.tensor("bias_ih", 0).offset();
        bHh = cho ? -1 : layout.tensor("bias_hh", 0).offset();
        wY = layout.tensor("W_y").offset();
        bY = layout.tensor("b_y").offset();
        hPrev = new double[capacity][h];
        r = new double[capacity][h];
        z = new double[capacity][h];
        cand = new double[capacity][h];
        ghn = new double[capacity][cho ? 0 : h];
        hNew = new double[capacity][h];
        y = new double[capacity][o];
        x = new double[capacity][d];
        dh = new double[h];
        dhPrev = new double[h];
        dy = new double[o];
        daR = new double[h];
        daZ = new double[h];
        daC = new double[h];
        dRh = new double[h];
        rh = new double[h];
    }

    GruLayout layout() {
        return layout;
    }

    /**
     * Runs steps {@code [from, to)} of {@code seq} from state {@code hStart} and keeps the activations.
     *
     * @param params not modified
     * @param hStart not modified: the state entering step {@code from}
     */
    public void forward(double[] params, TrainingSequence seq, int from, int to, double[] hStart) {
        if (from < 0 || to > seq.length() || to - from < 1 || to - from > capacity) {
            throw new IllegalArgumentException("steps [" + from + ", " + to + ") of a sequence of " + seq.length()
                    + " with capacity " + capacity);
        }
        checkShapes(params, seq);
        this.seq = seq;
        this.from = from;
        this.to = to;
        double[] prev = hStart;
        for (int t = from; t < to; t++) {
            int k = t - from;
            System.arraycopy(prev, 0, hPrev[k], 0, h);
            seq.copyInputs(t, x[k], 0);
            if (variant == Variant.CHO) {
                stepCho(params, k);
            } else {
                stepPytorch(params, k);
            }
            // y_t = W_y h_t + b_y
            for (int i = 0; i < o; i++) {
                double s = params[bY + i];
                for (int j = 0; j < h; j++) {
                    s += params[wY + i * h + j] * hNew[k][j];
                }
                y[k][i] = s;
            }
            prev = hNew[k];
        }
    }

    private void checkShapes(double[] params, TrainingSequence seq) {
        if (params.length != layout.size()) {
            throw new IllegalArgumentException("params have " + params.length + " values, " + layout + " needs " + layout.size());
        }
        if (seq.inputSize() != d || seq.outputSize() != o) {
            throw new IllegalArgumentException("sequence has D " + seq.inputSize() + ", O " + seq.outputSize()
                    + " but the GRU is " + layout);
        }
    }

    private void stepCho(double[] p, int k) {
        double[] hp = hPrev[k];
        double[] xt = x[k];
        int cols = h + d;
        for (int i = 0; i < h; i++) {
            // r_t = σ(W_r [h_{t-1}; x_t] + b_r), z_t = σ(W_z [h_{t-1}; x_t] + b_z)
            double ar = p[bR + i];
            double az = p[bZ + i];
            int rowR = wR + i * cols;
            int rowZ = wZ + i * cols;
            for (int j = 0; j < h; j++) {
                ar += p[rowR + j] * hp[j];
                az += p[rowZ + j] * hp[j];
            }
            for (int j = 0; j < d; j++) {
                ar += p[rowR + h + j] * xt[j];
                az += p[rowZ + h + j] * xt[j];
            }
            r[k][i] = sigmoid(ar);
            z[k][i] = sigmoid(az);
        }
        for (int j = 0; j < h; j++) {
            rh[j] = r[k][j] * hp[j];
        }
        for (int i = 0; i < h; i++) {
            // h~_t = tanh(W_h [r_t ⊙ h_{t-1}; x_t] + b_h); h_t = (1 - z_t) ⊙ h_{t-1} + z_t ⊙ h~_t
            double ac = p[bH + i];
            int row = wH + i * cols;
            for (int j = 0; j < h; j++) {
                ac += p[row + j] * rh[j];
            }
            for (int j = 0; j < d; j++) {
                ac += p[row + h + j] * xt[j];
            }
            double c = Math.tanh(ac);
            cand[k][i] = c;
            hNew[k][i] = (1 - z[k][i]) * hp[i] + z[k][i] * c;
        }
    }

    private void stepPytorch(double[] p, int k) {
        double[] hp = hPrev[k];
        double[] xt = x[k];
        for (int i = 0; i < h; i++) {
            // gi = W_ih x + b_ih, gh = W_hh h + b_hh, gate rows r (0..H), z (H..2H), n (2H..3H)
            double giR = preact(p, wIh, bIh, i, xt, d);
            double giZ = preact(p, wIh, bIh, h + i, xt, d);
            double giN = preact(p, wIh, bIh, 2 * h + i, xt, d);
            double ghR = preact(p, wHh, bHh, i, hp, h);
            double ghZ = preact(p, wHh, bHh, h + i, hp, h);
            double ghN = preact(p, wHh, bHh, 2 * h + i, hp, h);
            // r = σ(gi_r + gh_r), z = σ(gi_z + gh_z), n = tanh(gi_n + r ⊙ gh_n), h = (1 - z) ⊙ n + z ⊙ h_{t-1}
            double ri = sigmoid(giR + ghR);
            double zi = sigmoid(giZ + ghZ);
            double ni = Math.tanh(giN + ri * ghN);
            r[k][i] = ri;
            z[k][i] = zi;
            cand[k][i] = ni;
            ghn[k][i] = ghN;
            hNew[k][i] = (1 - zi) * ni + zi * hp[i];
        }
    }

    /** {@code b[row] + Σ_j W[row][j] v[j]} for a row-major W with {@code cols} columns at offset {@code w}. */
    private static double preact(double[] p, int w, int b, int row, double[] v, int cols) {
        double s = p[b + row];
        int base = w + row * cols;
        for (int j = 0; j < cols; j++) {
            s += p[base + j] * v[j];
        }
        return s;
    }

    /**
     * Back-propagates {@code scale · Σ_{t ∈ [lossFrom, lossTo)} Σ_j (y[t][j] − target[t][j])²} through
     * the steps of the last {@link #forward}, adding its gradient to {@code grad}.
     *
     * @param grad modified: the gradient is added to it (same layout as the parameters)
     * @param gradHStart modified unless {@code null}: receives the gradient w.r.t. the state entering
     *     step {@code from}
     */
    public void backward(double[] params, int lossFrom, int lossTo, double scale, double[] grad, double[] gradHStart) {
        if (lossFrom < from || lossTo > to || lossFrom >= lossTo) {
            throw new IllegalArgumentException("loss steps [" + lossFrom + ", " + lossTo + ") outside the forward steps ["
                    + from + ", " + to + ")");
        }
        java.util.Arrays.fill(dh, 0);
        for (int t = to - 1; t >= from; t--) {
            int k = t - from;
            if (t >= lossFrom && t < lossTo) {
                // L = scale Σ (y - target)²: dL/dy = 2 scale (y - target); y = W_y h + b_y
                for (int i = 0; i < o; i++) {
                    dy[i] = 2 * scale * (y[k][i] - seq.target(t, i));
                    grad[bY + i] += dy[i];
                    for (int j = 0; j < h; j++) {
                        grad[wY + i * h + j] += dy[i] * hNew[k][j];
                        dh[j] += params[wY + i * h + j] * dy[i];
                    }
                }
            }
            if (variant == Variant.CHO) {
                backCho(params, k, grad);
            } else {
                backPytorch(params, k, grad);
            }
            System.arraycopy(dhPrev, 0, dh, 0, h);
        }
        if (gradHStart != null) {
            System.arraycopy(dh, 0, gradHStart, 0, h);
        }
    }

    /** Reads dh (dL/dh_t), writes dhPrev (dL/dh_{t-1}) and adds the step's parameter gradients. */
    private void backCho(double[] p, int k, double[] g) {
        double[] hp = hPrev[k];
        double[] xt = x[k];
        int cols = h + d;
        for (int i = 0; i < h; i++) {
            // h = (1-z) h_prev + z c: dc = dh z, dz = dh (c - h_prev), dh_prev = dh (1 - z)
            double zi = z[k][i];
            double c = cand[k][i];
            double dc = dh[i] * zi;
            double dz = dh[i] * (c - hp[i]);
            dhPrev[i] = dh[i] * (1 - zi);
            daC[i] = dc * (1 - c * c);
            daZ[i] = dz * zi * (1 - zi);
            rh[i] = r[k][i] * hp[i];
        }
        // d(r ⊙ h_prev) = W_h[:, 0:H]^T da_c
        java.util.Arrays.fill(dRh, 0);
        for (int i = 0; i < h; i++) {
            int row = wH + i * cols;
            for (int j = 0; j < h; j++) {
                dRh[j] += p[row + j] * daC[i];
            }
        }
        for (int j = 0; j < h; j++) {
            double rj = r[k][j];
            dhPrev[j] += dRh[j] * rj;
            daR[j] = dRh[j] * hp[j] * rj * (1 - rj);
        }
        for (int i = 0; i < h; i++) {
            int rowR = wR + i * cols;
            int rowZ = wZ + i * cols;
            int rowH = wH + i * cols;
            for (int j = 0; j < h; j++) {
                dhPrev[j] += p[rowR + j] * daR[i] + p[rowZ + j] * daZ[i];
                g[rowR + j] += daR[i] * hp[j];
                g[rowZ + j] += daZ[i] * hp[j];
                g[rowH + j] += daC[i] * rh[j];
            }
            for (int j = 0; j < d; j++) {
                g[rowR + h + j] += daR[i] * xt[j];
                g[rowZ + h + j] += daZ[i] * xt[j];
                g[rowH + h + j] += daC[i] * xt[j];
            }
            g[bR + i] += daR[i];
            g[bZ + i] += daZ[i];
            g[bH + i] += daC[i];
        }
    }

    private void backPytorch(double[] p, int k, double[] g) {
        double[] hp = hPrev[k];
        double[] xt = x[k];
        java.util.Arrays.fill(dhPrev, 0);
        for (int i = 0; i < h; i++) {
            // h = (1-z) n + z h_prev: dn = dh (1-z), dz = dh (h_prev - n), dh_prev = dh z
            double zi = z[k][i];
            double ri = r[k][i];
            double n = cand[k][i];
            double dn = dh[i] * (1 - zi);
            double dz = dh[i] * (hp[i] - n);
            dhPrev[i] += dh[i] * zi;
            // n = tanh(gi_n + r ⊙ gh_n): da_n = dn (1 - n²), dr = da_n gh_n, d gh_n = da_n r
            double daN = dn * (1 - n * n);
            double dr = daN * ghn[k][i];
            daR[i] = dr * ri * (1 - ri);
            daZ[i] = dz * zi * (1 - zi);
            daC[i] = daN;
        }
        for (int gate = 0; gate < 3; gate++) {
            for (int i = 0; i < h; i++) {
                int row = gate * h + i;
                double dgi = gate == 0 ? daR[i] : gate == 1 ? daZ[i] : daC[i];
                double dgh = gate == 2 ? daC[i] * r[k][i] : dgi;
                for (int j = 0; j < d; j++) {
                    g[wIh + row * d + j] += dgi * xt[j];
                }
                g[bIh + row] += dgi;
                int base = wHh + row * h;
                for (int j = 0; j < h; j++) {
                    g[base + j] += dgh * hp[j];
                    dhPrev[j] += p[base + j] * dgh;
                }
                g[bHh + row] += dgh;
            }
        }
    }

    /** {@code Σ_{t ∈ [a, b)} Σ_j (y[t][j] − target[t][j])²} over steps of the last forward pass. */
    public double squaredError(int a, int b) {
        double s = 0;
        for (int t = a; t < b; t++) {
            for (int i = 0; i < o; i++) {
                double e = y[t - from][i] - seq.target(t, i);
                s += e * e;
            }
        }
        return s;
    }

    /** State after step {@code t} (a view; not to be modified). */
    public double[] state(int t) {
        return hNew[t - from];
    }

    /** Output of step {@code t} (a view). */
    public double[] output(int t) {
        return y[t - from];
    }

    /** Reset gate of step {@code t} (a view). */
    public double[] resetGate(int t) {
        return r[t - from];
    }

    /** Update gate of step {@code t} (a view). */
    public double[] updateGate(int t) {
        return z[t - from];
    }

    /** Candidate of step {@code t}: h~ (cho) or n (pytorch) (a view). */
    public double[] candidate(int t) {
        return cand[t - from];
    }

    static double sigmoid(double a) {
        return 1.0 / (1.0 + Math.exp(-a));
    }
}
