package io.grustreams.train;

import io.grustreams.model.Activations;
import io.grustreams.model.Cell;
import io.grustreams.model.GruLayout;
import io.grustreams.model.Parameters;
import io.grustreams.model.Stepper;
import io.grustreams.model.Variant;
import java.util.Arrays;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * EJML's dense products against the hand-made kernels on the shapes they run, in one JVM, rounds
 * interleaved (README, "EJML"). Not part of the build (EJML is not a dependency); from the project
 * directory, after {@code mvn -o -DskipTests package}:
 *
 * <pre>
 * mvn dependency:get -Dartifact=org.ejml:ejml-ddense:0.43.1
 * EJML=~/.m2/repository/org/ejml/ejml-ddense/0.43.1/ejml-ddense-0.43.1.jar:~/.m2/repository/org/ejml/ejml-core/0.43.1/ejml-core-0.43.1.jar
 * javac -d /tmp/ejml-cmp -cp target/classes:$EJML docs/bench/EjmlComparison.java
 * java -cp /tmp/ejml-cmp:target/classes:$EJML io.grustreams.train.EjmlComparison
 * </pre>
 *
 * <p>Two shapes. The stepper: one LSTM step at (D, H) = (8, 64), the serving {@link Stepper}
 * against the same step with its two products ({@code W_ih x}, {@code W_hh h}, 256 rows) done by
 * {@code CommonOps_DDRM.mult/multAdd} and the same activations. The trainer: the batched forward
 * product of a GRU window, {@code C[64][192] += A[64][72] · B[72][192]} (64 rows of [h; x] times the
 * stacked gate weights at H = 64, D = 8), {@link Kernels#multAdd} against {@code CommonOps_DDRM.multAdd}.
 */
public final class EjmlComparison {

    private static final int D = 8;
    private static final int H = 64;

    public static void main(String[] args) {
        Random rnd = new Random(1);
        // --- the stepper's shape
        GruLayout layout = GruLayout.of(Cell.LSTM, Variant.PYTORCH, 1, D, H, D);
        double[] p = new double[layout.size()];
        for (int i = 0; i < p.length; i++) {
            p[i] = (2 * rnd.nextDouble() - 1) / Math.sqrt(H);
        }
        Stepper stepper = Stepper.of(new Parameters(layout, p));
        EjmlLstm ejml = new EjmlLstm(layout, p);
        double[][] xs = new double[256][D];
        for (double[] x : xs) {
            for (int j = 0; j < D; j++) {
                x[j] = rnd.nextGaussian();
            }
        }
        double[] s1 = new double[layout.stateSize()];
        double[] s2 = new double[layout.stateSize()];
        // --- the trainer's shape
        int rows = 64;
        int k = H + D;
        int cols = 3 * H;
        double[][] a = Kernels.rows(rows, k);
        double[][] b = Kernels.rows(k, cols);
        double[][] c = Kernels.rows(rows, cols);
        DMatrixRMaj ea = new DMatrixRMaj(rows, k);
        DMatrixRMaj eb = new DMatrixRMaj(k, cols);
        DMatrixRMaj ec = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < k; j++) {
                a[i][j] = rnd.nextGaussian();
                ea.set(i, j, a[i][j]);
            }
        }
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < cols; j++) {
                b[i][j] = rnd.nextGaussian();
                eb.set(i, j, b[i][j]);
            }
        }

        int rounds = 15;
        double[][] ns = new double[4][rounds];
        for (int r = -5; r < rounds; r++) {
            double[] t = new double[4];
            t[0] = time(() -> {
                for (int i = 0; i < 200_000; i++) {
                    stepper.step(s1, xs[i & 255]);
                }
            }) / 200_000;
            t[1] = time(() -> {
                for (int i = 0; i < 200_000; i++) {
                    ejml.step(s2, xs[i & 255]);
                }
            }) / 200_000;
            t[2] = time(() -> {
                for (int i = 0; i < 2_000; i++) {
                    Kernels.multAdd(rows, k, 0, cols, a, 0, 0, b, 0, c, 0);
                }
            }) / 2_000;
            t[3] = time(() -> {
                for (int i = 0; i < 2_000; i++) {
                    CommonOps_DDRM.multAdd(ea, eb, ec);
                }
            }) / 2_000;
            if (r >= 0) {
                for (int q = 0; q < 4; q++) {
                    ns[q][r] = t[q];
                }
            }
        }
        String[] names = {"LSTM step (8, 64), Stepper", "LSTM step (8, 64), EJML products",
            "C[64][192] += A[64][72] B[72][192], Kernels", "C[64][192] += A[64][72] B[72][192], EJML"};
        for (int q = 0; q < 4; q++) {
            Arrays.sort(ns[q]);
            System.out.printf("%-48s median %9.0f ns (min %9.0f, max %9.0f)%n", names[q], ns[q][rounds / 2], ns[q][0],
                    ns[q][rounds - 1]);
        }
        System.out.printf("agreement of the two LSTM states: %.1e; finite: %b %b%n", maxDiff(s1, s2),
                Double.isFinite(c[0][0]), Double.isFinite(ec.get(0, 0)));
    }

    private static double time(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return System.nanoTime() - t0;
    }

    private static double maxDiff(double[] x, double[] y) {
        double m = 0;
        for (int i = 0; i < x.length; i++) {
            m = Math.max(m, Math.abs(x[i] - y[i]));
        }
        return m;
    }

    /** The LSTM step with EJML's products: a = W_ih x + W_hh h + b (rows i, f, g, o), then the gates. */
    private static final class EjmlLstm {
        final DMatrixRMaj wih;
        final DMatrixRMaj whh;
        final double[] bias;
        final DMatrixRMaj x = new DMatrixRMaj(D, 1);
        final DMatrixRMaj h = new DMatrixRMaj(H, 1);
        final DMatrixRMaj a = new DMatrixRMaj(4 * H, 1);
        final double[] sig = new double[3 * H];
        final double[] g = new double[H];
        final double[] tc = new double[H];

        EjmlLstm(GruLayout layout, double[] p) {
            wih = new DMatrixRMaj(4 * H, D);
            whh = new DMatrixRMaj(4 * H, H);
            System.arraycopy(p, layout.tensor("weight_ih", 0).offset(), wih.data, 0, 4 * H * D);
            System.arraycopy(p, layout.tensor("weight_hh", 0).offset(), whh.data, 0, 4 * H * H);
            bias = new double[4 * H];
            for (int i = 0; i < 4 * H; i++) {
                bias[i] = p[layout.tensor("bias_ih", 0).offset() + i] + p[layout.tensor("bias_hh", 0).offset() + i];
            }
        }

        void step(double[] state, double[] in) {
            System.arraycopy(in, 0, x.data, 0, D);
            System.arraycopy(state, 0, h.data, 0, H);
            CommonOps_DDRM.mult(wih, x, a);
            CommonOps_DDRM.multAdd(whh, h, a);
            double[] v = a.data;
            // sig = [i | f | o], g = tanh(a_g): the same activations as the stepper.
            for (int i = 0; i < H; i++) {
                sig[i] = v[i] + bias[i];
                sig[H + i] = v[H + i] + bias[H + i];
                sig[2 * H + i] = v[3 * H + i] + bias[3 * H + i];
                g[i] = v[2 * H + i] + bias[2 * H + i];
            }
            Activations.sigmoidInPlace(sig, 3 * H);
            Activations.tanhInPlace(g, H);
            for (int i = 0; i < H; i++) {
                double c = sig[H + i] * state[H + i] + sig[i] * g[i];
                state[H + i] = c;
                tc[i] = c;
            }
            Activations.tanhInPlace(tc, H);
            for (int i = 0; i < H; i++) {
                state[i] = sig[2 * H + i] * tc[i];
            }
        }
    }
}
