package io.grustreams.model;

/**
 * The GRU equations written out as plainly as possible, reading every weight through
 * {@link Parameters#get}: the independent implementation the fast {@link RecurrentStepper} must agree
 * with. Uses {@code Math.tanh} and {@code 1 / (1 + Math.exp(-a))}; allocates freely.
 */
public final class PlainGru {

    private final Parameters p;
    private final int d;
    private final int h;
    private final int o;

    public PlainGru(Parameters p) {
        this.p = p;
        this.d = p.layout().inputSize();
        this.h = p.layout().hiddenSize();
        this.o = p.layout().outputSize();
    }

    /** The next state; {@code hPrev} and {@code x} are not modified. */
    public double[] step(double[] hPrev, double[] x) {
        return p.layout().variant() == Variant.CHO ? cho(hPrev, x) : pytorch(hPrev, x);
    }

    private double[] cho(double[] hPrev, double[] x) {
        double[] next = new double[h];
        double[] r = new double[h];
        double[] z = new double[h];
        for (int i = 0; i < h; i++) {
            // r = σ(W_r [h; x] + b_r), z = σ(W_z [h; x] + b_z)
            double ar = p.get("b_r_l0", i, 0);
            double az = p.get("b_z_l0", i, 0);
            for (int j = 0; j < h; j++) {
                ar += p.get("W_r_l0", i, j) * hPrev[j];
                az += p.get("W_z_l0", i, j) * hPrev[j];
            }
            for (int j = 0; j < d; j++) {
                ar += p.get("W_r_l0", i, h + j) * x[j];
                az += p.get("W_z_l0", i, h + j) * x[j];
            }
            r[i] = sigmoid(ar);
            z[i] = sigmoid(az);
        }
        for (int i = 0; i < h; i++) {
            // h~ = tanh(W_h [r ⊙ h; x] + b_h); h' = (1 - z) ⊙ h + z ⊙ h~
            double ac = p.get("b_h_l0", i, 0);
            for (int j = 0; j < h; j++) {
                ac += p.get("W_h_l0", i, j) * (r[j] * hPrev[j]);
            }
            for (int j = 0; j < d; j++) {
                ac += p.get("W_h_l0", i, h + j) * x[j];
            }
            double cand = Math.tanh(ac);
            next[i] = (1 - z[i]) * hPrev[i] + z[i] * cand;
        }
        return next;
    }

    private double[] pytorch(double[] hPrev, double[] x) {
        double[] next = new double[h];
        for (int i = 0; i < h; i++) {
            // gi = W_ih x + b_ih, gh = W_hh h + b_hh, rows r (i), z (H + i), n (2H + i)
            double[] gi = new double[3];
            double[] gh = new double[3];
            for (int gate = 0; gate < 3; gate++) {
                int row = gate * h + i;
                gi[gate] = p.get("bias_ih_l0", row, 0);
                gh[gate] = p.get("bias_hh_l0", row, 0);
                for (int j = 0; j < d; j++) {
                    gi[gate] += p.get("weight_ih_l0", row, j) * x[j];
                }
                for (int j = 0; j < h; j++) {
                    gh[gate] += p.get("weight_hh_l0", row, j) * hPrev[j];
                }
            }
            double r = sigmoid(gi[0] + gh[0]);
            double z = sigmoid(gi[1] + gh[1]);
            double n = Math.tanh(gi[2] + r * gh[2]);
            next[i] = (1 - z) * n + z * hPrev[i];
        }
        return next;
    }

    /** y = W_y h + b_y. */
    public double[] readout(double[] hv) {
        double[] y = new double[o];
        for (int k = 0; k < o; k++) {
            y[k] = p.get("b_y", k, 0);
            for (int j = 0; j < h; j++) {
                y[k] += p.get("W_y", k, j) * hv[j];
            }
        }
        return y;
    }

    private static double sigmoid(double a) {
        return 1 / (1 + Math.exp(-a));
    }
}
