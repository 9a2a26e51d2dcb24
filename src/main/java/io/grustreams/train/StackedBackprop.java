package io.grustreams.train;

import io.grustreams.model.Cell;
import io.grustreams.model.GruLayout;
import io.grustreams.model.Tensor;
import io.grustreams.model.Variant;
import java.util.Arrays;

/**
 * Forward pass and back-propagation through time for any {@link GruLayout}: rnn, lstm, both GRU
 * forms, L stacked layers. The forward pass over a window keeps every layer's input, previous
 * state and gate activations per step; the backward pass runs from the window's last step to its
 * first and, within a step, from the top layer down, so that the gradient reaches each layer's h
 * from three places: the readout (top layer), the same layer one step later, and the layer above
 * at the same step (it read this h as its input).
 *
 * <p>Written step by step as the equations read (plain loops, {@link Math#tanh}, {@link Math#exp}):
 * the reference path, which {@code verify-reference} checks against PyTorch's full-BPTT and TBPTT
 * gradients of every cell at one and two layers. With a window that starts at a chunk boundary and
 * the state entering it treated as a constant, {@link #backward} gives one TBPTT chunk's gradient.
 *
 * <p>States are in {@link GruLayout#stateSize()} layout (every layer's h, then every layer's c).
 * Not thread-safe; the traces are allocated once for a window capacity.
 *
 * <p>Public so that {@code tools.reference} can check it against PyTorch; the trainer is its only
 * production user.
 */
public final class StackedBackprop {

    private final GruLayout layout;
    private final Cell cell;
    private final boolean cho;
    private final boolean lstm;
    private final int layers;
    private final int h;
    private final int d;
    private final int o;
    private final int capacity;
    /** Per layer: weight_ih, weight_hh, bias_ih, bias_hh (cho: W_r, W_z, W_h, b_r, b_z, b_h). */
    private final Tensor[][] tensors;
    private final Tensor wy;
    private final Tensor by;

    /** Traces, [step][layer][...]: the layer's input, its state before the step, its gates, its state after. */
    private final double[][][] u;
    private final double[][][] hPrev;
    private final double[][][] cPrev;
    private final double[][][] gates;
    /** pytorch GRU: W_hn h + b_hn, which the reset gate scales. */
    private final double[][][] ghn;
    private final double[][][] hNew;
    private final double[][][] cNew;
    private final double[][] y;
    private int from;
    private int to;

    /** Backward scratch. */
    private final double[][] dhNext;
    private final double[][] dcNext;
    private final double[][] du;
    private final double[] dh;
    private final double[] dc;
    private final double[] dy;
    private final double[] daIn;
    private final double[] daHid;
    private final double[] aux;
    /** w_o of each output in the loss; all 1 unless {@link #outputWeights} set others. */
    private final double[] weights;

    /**
     * @param capacity the longest window {@link #forward} will be given
     * @throws IllegalArgumentException if capacity is not positive
     */
    public StackedBackprop(GruLayout layout, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.layout = layout;
        this.cell = layout.cell();
        this.cho = layout.variant() == Variant.CHO;
        this.lstm = cell.hasCellState();
        this.layers = layout.layers();
        this.h = layout.hiddenSize();
        this.d = layout.inputSize();
        this.o = layout.outputSize();
        this.capacity = capacity;
        this.tensors = new Tensor[layers][];
        String[] names = cho ? new String[] {"W_r", "W_z", "W_h", "b_r", "b_z", "b_h"}
                : new String[] {"weight_ih", "weight_hh", "bias_ih", "bias_hh"};
        for (int k = 0; k < layers; k++) {
            tensors[k] = new Tensor[names.length];
            for (int n = 0; n < names.length; n++) {
                tensors[k][n] = layout.tensor(names[n], k);
            }
        }
        this.wy = layout.tensor("W_y");
        this.by = layout.tensor("b_y");
        int g = cho ? 3 * h : cell.gates() * h;
        this.u = new double[capacity][layers][];
        this.hPrev = new double[capacity][layers][h];
        this.cPrev = new double[capacity][layers][lstm ? h : 0];
        this.gates = new double[capacity][layers][g];
        this.ghn = new double[capacity][layers][cho || cell != Cell.GRU ? 0 : h];
        this.hNew = new double[capacity][layers][h];
        this.cNew = new double[capacity][layers][lstm ? h : 0];
        for (double[][] step : u) {
            for (int k = 0; k < layers; k++) {
                step[k] = new double[layout.layerInputSize(k)];
            }
        }
        this.y = new double[capacity][o];
        this.dhNext = new double[layers][h];
        this.dcNext = new double[layers][h];
        this.du = new double[layers][];
        for (int k = 0; k < layers; k++) {
            du[k] = new double[layout.layerInputSize(k)];
        }
        this.dh = new double[h];
        this.dc = new double[h];
        this.dy = new double[o];
        this.daIn = new double[g];
        this.daHid = new double[g];
        this.aux = new double[Math.max(h, d)];
        this.weights = new double[o];
        Arrays.fill(weights, 1.0);
    }

    /** Sets the loss weight of every output (the dataset's). @param w O values. Not modified. */
    void outputWeights(double[] w) {
        if (w.length != o) {
            throw new IllegalArgumentException(w.length + " weights for " + o + " outputs");
        }
        System.arraycopy(w, 0, weights, 0, o);
    }

    private static double sigmoid(double a) {
        return 1.0 / (1.0 + Math.exp(-a));
    }

    /**
     * Runs steps {@code from .. to-1} from {@code state0}, keeping the traces.
     *
     * @param p parameters in layout order. Not modified.
     * @param x inputs, [T][D]. Not modified.
     * @param state0 the state entering step {@code from}, {@link GruLayout#stateSize()} long. Not modified.
     */
    public void forward(double[] p, double[][] x, int from, int to, double[] state0) {
        if (to - from > capacity || to <= from) {
            throw new IllegalArgumentException("window [" + from + ", " + to + ") with capacity " + capacity);
        }
        this.from = from;
        this.to = to;
        for (int t = from; t < to; t++) {
            int i = t - from;
            for (int k = 0; k < layers; k++) {
                double[] in = k == 0 ? x[t] : hNew[i][k - 1];
                System.arraycopy(in, 0, u[i][k], 0, in.length);
                if (i == 0) {
                    System.arraycopy(state0, k * h, hPrev[i][k], 0, h);
                    if (lstm) {
                        System.arraycopy(state0, (layers + k) * h, cPrev[i][k], 0, h);
                    }
                } else {
                    System.arraycopy(hNew[i - 1][k], 0, hPrev[i][k], 0, h);
                    if (lstm) {
                        System.arraycopy(cNew[i - 1][k], 0, cPrev[i][k], 0, h);
                    }
                }
                if (cho) {
                    forwardCho(p, i, k);
                } else {
                    forwardPytorch(p, i, k);
                }
            }
            // y = W_y h_top + b_y.
            double[] top = hNew[i][layers - 1];
            for (int r = 0; r < o; r++) {
                double s = p[by.index(r, 0)];
                for (int j = 0; j < h; j++) {
                    s += p[wy.index(r, j)] * top[j];
                }
                y[i][r] = s;
            }
        }
    }

    /** rnn, lstm, pytorch GRU: a_i = W_ih u + b_ih and a_h = W_hh h + b_hh, G blocks of H rows each. */
    private void forwardPytorch(double[] p, int i, int k) {
        Tensor wih = tensors[k][0];
        Tensor whh = tensors[k][1];
        Tensor bih = tensors[k][2];
        Tensor bhh = tensors[k][3];
        double[] in = u[i][k];
        double[] hp = hPrev[i][k];
        int rows = cell.gates() * h;
        for (int r = 0; r < rows; r++) {
            double a = p[bih.index(r, 0)];
            for (int j = 0; j < in.length; j++) {
                a += p[wih.index(r, j)] * in[j];
            }
            double b = p[bhh.index(r, 0)];
            for (int j = 0; j < h; j++) {
                b += p[whh.index(r, j)] * hp[j];
            }
            daIn[r] = a;
            daHid[r] = b;
        }
        double[] g = gates[i][k];
        double[] hn = hNew[i][k];
        switch (cell) {
            case RNN -> {
                // h' = tanh(W_ih u + b_ih + W_hh h + b_hh).
                for (int j = 0; j < h; j++) {
                    g[j] = Math.tanh(daIn[j] + daHid[j]);
                    hn[j] = g[j];
                }
            }
            case LSTM -> {
                // i, f, o = σ(·), g = tanh(·) over blocks i, f, g, o; c' = f ⊙ c + i ⊙ g; h' = o ⊙ tanh(c').
                double[] cp = cPrev[i][k];
                double[] cn = cNew[i][k];
                for (int j = 0; j < h; j++) {
                    double ig = sigmoid(daIn[j] + daHid[j]);
                    double fg = sigmoid(daIn[h + j] + daHid[h + j]);
                    double gg = Math.tanh(daIn[2 * h + j] + daHid[2 * h + j]);
                    double og = sigmoid(daIn[3 * h + j] + daHid[3 * h + j]);
                    g[j] = ig;
                    g[h + j] = fg;
                    g[2 * h + j] = gg;
                    g[3 * h + j] = og;
                    cn[j] = fg * cp[j] + ig * gg;
                    hn[j] = og * Math.tanh(cn[j]);
                }
            }
            case GRU -> {
                // r, z = σ(·); n = tanh(W_in u + b_in + r ⊙ (W_hn h + b_hn)); h' = (1 - z) ⊙ n + z ⊙ h.
                double[] gh = ghn[i][k];
                for (int j = 0; j < h; j++) {
                    double r = sigmoid(daIn[j] + daHid[j]);
                    double z = sigmoid(daIn[h + j] + daHid[h + j]);
                    gh[j] = daHid[2 * h + j];
                    double n = Math.tanh(daIn[2 * h + j] + r * gh[j]);
                    g[j] = r;
                    g[h + j] = z;
                    g[2 * h + j] = n;
                    hn[j] = (1 - z) * n + z * hp[j];
                }
            }
            default -> throw new IllegalStateException("unknown cell " + cell);
        }
    }

    /** cho: r, z = σ(W_g [h; u] + b_g); h~ = tanh(W_h [r ⊙ h; u] + b_h); h' = (1 - z) ⊙ h + z ⊙ h~. */
    private void forwardCho(double[] p, int i, int k) {
        Tensor wr = tensors[k][0];
        Tensor wz = tensors[k][1];
        Tensor wh = tensors[k][2];
        double[] in = u[i][k];
        double[] hp = hPrev[i][k];
        double[] g = gates[i][k];
        for (int r = 0; r < h; r++) {
            double ar = p[tensors[k][3].index(r, 0)];
            double az = p[tensors[k][4].index(r, 0)];
            for (int j = 0; j < h; j++) {
                ar += p[wr.index(r, j)] * hp[j];
                az += p[wz.index(r, j)] * hp[j];
            }
            for (int j = 0; j < in.length; j++) {
                ar += p[wr.index(r, h + j)] * in[j];
                az += p[wz.index(r, h + j)] * in[j];
            }
            g[r] = sigmoid(ar);
            g[h + r] = sigmoid(az);
        }
        for (int r = 0; r < h; r++) {
            double ac = p[tensors[k][5].index(r, 0)];
            for (int j = 0; j < h; j++) {
                ac += p[wh.index(r, j)] * (g[j] * hp[j]);
            }
            for (int j = 0; j < in.length; j++) {
                ac += p[wh.index(r, h + j)] * in[j];
            }
            g[2 * h + r] = Math.tanh(ac);
        }
        double[] hn = hNew[i][k];
        for (int j = 0; j < h; j++) {
            double z = g[h + j];
            hn[j] = (1 - z) * hp[j] + z * g[2 * h + j];
        }
    }

    /** The whole state after step t of the last forward pass (a new array). */
    public double[] state(int t) {
        double[] s = new double[layout.stateSize()];
        stateInto(t, s);
        return s;
    }

    /** The whole state after step t of the last forward pass into {@code out}. @param out modified */
    void stateInto(int t, double[] out) {
        int i = t - from;
        for (int k = 0; k < layers; k++) {
            System.arraycopy(hNew[i][k], 0, out, k * h, h);
            if (lstm) {
                System.arraycopy(cNew[i][k], 0, out, (layers + k) * h, h);
            }
        }
    }

    /** The readout after step t (the array itself; not to be modified). */
    public double[] output(int t) {
        return y[t - from];
    }

    /** Σ over steps lossFrom .. lossTo-1 and outputs of w_o (y - target)². */
    public double squaredError(double[][] target, int lossFrom, int lossTo) {
        double s = 0;
        for (int t = lossFrom; t < lossTo; t++) {
            for (int r = 0; r < o; r++) {
                double e = y[t - from][r] - target[t][r];
                s += weights[r] * e * e;
            }
        }
        return s;
    }

    /**
     * Back-propagates {@code scale · Σ w_o (y − target)²} over the loss steps {@code lossFrom .. lossTo-1}
     * through the whole window of the last forward pass, to its first step; the state entering the
     * window is a constant.
     *
     * @param p parameters. Not modified.
     * @param grad modified: the gradient is added to it, in layout order
     * @param gradInit modified if not null: the gradient with respect to the state entering the window
     */
    public void backward(double[] p, double[][] target, int lossFrom, int lossTo, double scale, double[] grad,
            double[] gradInit) {
        for (int k = 0; k < layers; k++) {
            Arrays.fill(dhNext[k], 0.0);
            Arrays.fill(dcNext[k], 0.0);
        }
        for (int t = to - 1; t >= from; t--) {
            int i = t - from;
            // dL/dy = 2·scale·w·(y − target) on the loss steps; W_y and b_y collect dy ⊗ h_top and dy.
            boolean loss = t >= lossFrom && t < lossTo;
            double[] top = hNew[i][layers - 1];
            for (int r = 0; r < o; r++) {
                dy[r] = loss ? 2 * scale * weights[r] * (y[i][r] - target[t][r]) : 0.0;
                grad[by.index(r, 0)] += dy[r];
                for (int j = 0; j < h; j++) {
                    grad[wy.index(r, j)] += dy[r] * top[j];
                }
            }
            for (int k = layers - 1; k >= 0; k--) {
                // dL/dh of layer k at t: from the readout (top), from step t+1, from layer k+1 at t.
                for (int j = 0; j < h; j++) {
                    double s = dhNext[k][j];
                    if (k == layers - 1) {
                        for (int r = 0; r < o; r++) {
                            s += p[wy.index(r, j)] * dy[r];
                        }
                    } else {
                        s += du[k + 1][j];
                    }
                    dh[j] = s;
                }
                if (lstm) {
                    System.arraycopy(dcNext[k], 0, dc, 0, h);
                }
                if (cho) {
                    backwardCho(p, i, k, grad);
                } else {
                    backwardPytorch(p, i, k, grad);
                }
            }
        }
        if (gradInit != null) {
            for (int k = 0; k < layers; k++) {
                System.arraycopy(dhNext[k], 0, gradInit, k * h, h);
                if (lstm) {
                    System.arraycopy(dcNext[k], 0, gradInit, (layers + k) * h, h);
                }
            }
        }
    }

    /**
     * rnn, lstm, pytorch GRU: from dh (and dc) to the pre-activation gradients of the input side
     * (daIn) and the hidden side (daHid), then W_ih, b_ih += daIn ⊗ u, daIn; W_hh, b_hh += daHid ⊗ h, daHid;
     * du = W_ih^T daIn; dh_prev = (direct part) + W_hh^T daHid.
     */
    private void backwardPytorch(double[] p, int i, int k, double[] grad) {
        double[] g = gates[i][k];
        double[] hp = hPrev[i][k];
        double[] direct = dhNext[k];
        switch (cell) {
            case RNN -> {
                // h' = tanh(a): da = dh ⊙ (1 − h'²), on both sides.
                for (int j = 0; j < h; j++) {
                    double da = dh[j] * (1 - g[j] * g[j]);
                    daIn[j] = da;
                    daHid[j] = da;
                    direct[j] = 0.0;
                }
            }
            case LSTM -> {
                // h' = o ⊙ tanh(c'), c' = f ⊙ c + i ⊙ g: dc' = dc + dh ⊙ o ⊙ (1 − tanh²c'); dc_prev = dc' ⊙ f.
                double[] cp = cPrev[i][k];
                double[] cn = cNew[i][k];
                for (int j = 0; j < h; j++) {
                    double ig = g[j];
                    double fg = g[h + j];
                    double gg = g[2 * h + j];
                    double og = g[3 * h + j];
                    double tc = Math.tanh(cn[j]);
                    double dcj = dc[j] + dh[j] * og * (1 - tc * tc);
                    daIn[j] = dcj * gg * ig * (1 - ig);
                    daIn[h + j] = dcj * cp[j] * fg * (1 - fg);
                    daIn[2 * h + j] = dcj * ig * (1 - gg * gg);
                    daIn[3 * h + j] = dh[j] * tc * og * (1 - og);
                    dcNext[k][j] = dcj * fg;
                    direct[j] = 0.0;
                }
                System.arraycopy(daIn, 0, daHid, 0, 4 * h);
            }
            case GRU -> {
                // h' = (1 − z) ⊙ n + z ⊙ h; n = tanh(a_n + r ⊙ ghn): da_n = dh ⊙ (1 − z) ⊙ (1 − n²),
                // da_z = dh ⊙ (h − n) ⊙ z(1 − z), da_r = da_n ⊙ ghn ⊙ r(1 − r); the hidden side's n block is da_n ⊙ r.
                double[] gh = ghn[i][k];
                for (int j = 0; j < h; j++) {
                    double r = g[j];
                    double z = g[h + j];
                    double n = g[2 * h + j];
                    double dan = dh[j] * (1 - z) * (1 - n * n);
                    double daz = dh[j] * (hp[j] - n) * z * (1 - z);
                    double dar = dan * gh[j] * r * (1 - r);
                    daIn[j] = dar;
                    daIn[h + j] = daz;
                    daIn[2 * h + j] = dan;
                    daHid[j] = dar;
                    daHid[h + j] = daz;
                    daHid[2 * h + j] = dan * r;
                    direct[j] = dh[j] * z;
                }
            }
            default -> throw new IllegalStateException("unknown cell " + cell);
        }
        Tensor wih = tensors[k][0];
        Tensor whh = tensors[k][1];
        Tensor bih = tensors[k][2];
        Tensor bhh = tensors[k][3];
        double[] in = u[i][k];
        double[] dIn = du[k];
        Arrays.fill(dIn, 0.0);
        int rows = cell.gates() * h;
        for (int r = 0; r < rows; r++) {
            double a = daIn[r];
            double b = daHid[r];
            grad[bih.index(r, 0)] += a;
            grad[bhh.index(r, 0)] += b;
            for (int j = 0; j < in.length; j++) {
                grad[wih.index(r, j)] += a * in[j];
                dIn[j] += p[wih.index(r, j)] * a;
            }
            for (int j = 0; j < h; j++) {
                grad[whh.index(r, j)] += b * hp[j];
                direct[j] += p[whh.index(r, j)] * b;
            }
        }
    }

    /**
     * cho: h' = (1 − z) ⊙ h + z ⊙ h~. da_h = dh ⊙ z ⊙ (1 − h~²) reaches W_h through [r ⊙ h; u] and
     * flows to r ⊙ h; da_z = dh ⊙ (h~ − h) ⊙ z(1 − z); da_r = (W_h[:, :H]^T da_h) ⊙ h ⊙ r(1 − r).
     */
    private void backwardCho(double[] p, int i, int k, double[] grad) {
        double[] g = gates[i][k];
        double[] hp = hPrev[i][k];
        double[] in = u[i][k];
        double[] direct = dhNext[k];
        double[] dIn = du[k];
        Arrays.fill(dIn, 0.0);
        Tensor wr = tensors[k][0];
        Tensor wz = tensors[k][1];
        Tensor wh = tensors[k][2];
        for (int j = 0; j < h; j++) {
            double z = g[h + j];
            double ht = g[2 * h + j];
            daHid[2 * h + j] = dh[j] * z * (1 - ht * ht);
            daHid[h + j] = dh[j] * (ht - hp[j]) * z * (1 - z);
            direct[j] = dh[j] * (1 - z);
        }
        // Through W_h: its h columns saw r ⊙ h; aux = d(r ⊙ h).
        Arrays.fill(aux, 0, h, 0.0);
        for (int r = 0; r < h; r++) {
            double a = daHid[2 * h + r];
            grad[tensors[k][5].index(r, 0)] += a;
            for (int j = 0; j < h; j++) {
                grad[wh.index(r, j)] += a * g[j] * hp[j];
                aux[j] += p[wh.index(r, j)] * a;
            }
            for (int j = 0; j < in.length; j++) {
                grad[wh.index(r, h + j)] += a * in[j];
                dIn[j] += p[wh.index(r, h + j)] * a;
            }
        }
        for (int j = 0; j < h; j++) {
            double r = g[j];
            daHid[j] = aux[j] * hp[j] * r * (1 - r);
            direct[j] += aux[j] * r;
        }
        // Through W_r and W_z, whose h columns saw h and input columns u.
        for (int gate = 0; gate < 2; gate++) {
            Tensor w = gate == 0 ? wr : wz;
            Tensor b = tensors[k][3 + gate];
            for (int r = 0; r < h; r++) {
                double a = daHid[gate * h + r];
                grad[b.index(r, 0)] += a;
                for (int j = 0; j < h; j++) {
                    grad[w.index(r, j)] += a * hp[j];
                    direct[j] += p[w.index(r, j)] * a;
                }
                for (int j = 0; j < in.length; j++) {
                    grad[w.index(r, h + j)] += a * in[j];
                    dIn[j] += p[w.index(r, h + j)] * a;
                }
            }
        }
    }
}
