package io.grustreams.train;

/**
 * Dense kernels on matrices stored as arrays of rows. Every inner loop reads and writes
 * {@code row[j]} of the output and of B at the same index j, so HotSpot's C2 may vectorize it even
 * though it cannot prove the rows are distinct arrays (with flat arrays and different row offsets it
 * cannot, and the loops ran scalar). Column ranges {@code [j0, j1)} are shared by B and C.
 *
 * <p>Each output element receives the shared dimension four terms at a time as a chain of fused
 * multiply-adds, {@code c ← fma(a3, b3, fma(a2, b2, fma(a1, b1, fma(a0, b0, c))))}, in blocks of
 * {@link #K_BLOCK} so the rows of B in use stay in L1. The summation order is a fixed function of the
 * shapes: results never depend on threads or timing. Outputs must not be inputs.
 */
final class Kernels {

    /**
     * Rows of B per pass over C, so that they stay in L1 while every row of A passes over them:
     * the widest B is a row of the 3H gate pre-activations, and at H = 64 sixteen such rows are
     * 24 KiB of a 32 KiB L1d (thirty-two, the earlier value, were 48 KiB, re-read from L2 for each row
     * of A). Measured interleaved with 32 ({@code bench train}): cho H = 128 +5–30 %, H = 64 +3–7 %.
     * Every bit of the results is independent of it: each element of C takes its terms one fused
     * multiply-add at a time, in ascending p, however the passes are cut.
     */
    static final int K_BLOCK = 16;

    private Kernels() {
    }

    /**
     * {@code C[cRow+i][j] += Σ_p A[aRow+i][aCol+p] · B[bRow+p][j]} for i &lt; n, p &lt; k, j in [j0, j1).
     *
     * @param a not modified
     * @param b not modified
     * @param c modified
     */
    static void multAdd(int n, int k, int j0, int j1, double[][] a, int aRow, int aCol, double[][] b, int bRow,
            double[][] c, int cRow) {
        multAdd(K_BLOCK, n, k, j0, j1, a, aRow, aCol, b, bRow, c, cRow);
    }

    /** {@link #multAdd} with {@code kBlock} rows of B per pass. */
    static void multAdd(int kBlock, int n, int k, int j0, int j1, double[][] a, int aRow, int aCol, double[][] b,
            int bRow, double[][] c, int cRow) {
        for (int p0 = 0; p0 < k; p0 += kBlock) {
            int p1 = Math.min(k, p0 + kBlock);
            for (int i = 0; i < n; i++) {
                double[] ai = a[aRow + i];
                double[] ci = c[cRow + i];
                int p = p0;
                for (; p + 4 <= p1; p += 4) {
                    fma4(ai[aCol + p], ai[aCol + p + 1], ai[aCol + p + 2], ai[aCol + p + 3],
                            b[bRow + p], b[bRow + p + 1], b[bRow + p + 2], b[bRow + p + 3], ci, j0, j1);
                }
                for (; p < p1; p++) {
                    fma1(ai[aCol + p], b[bRow + p], ci, j0, j1);
                }
            }
        }
    }

    /**
     * {@code C[cRow+i][j] += Σ_p A[aRow+p][aCol+i] · B[bRow+p][j]} for i &lt; n, p &lt; k, j in [j0, j1):
     * {@code C += Aᵀ B} over k rows of A and B, as in a weight gradient {@code Σ_t input_t · δ_tᵀ}.
     *
     * @param a not modified
     * @param b not modified
     * @param c modified
     */
    static void multTransAAdd(int n, int k, int j0, int j1, double[][] a, int aRow, int aCol, double[][] b, int bRow,
            double[][] c, int cRow) {
        multTransAAdd(K_BLOCK, n, k, j0, j1, a, aRow, aCol, b, bRow, c, cRow);
    }

    /** {@link #multTransAAdd} with {@code kBlock} rows of A and B per pass. */
    static void multTransAAdd(int kBlock, int n, int k, int j0, int j1, double[][] a, int aRow, int aCol,
            double[][] b, int bRow, double[][] c, int cRow) {
        for (int p0 = 0; p0 < k; p0 += kBlock) {
            int p1 = Math.min(k, p0 + kBlock);
            for (int i = 0; i < n; i++) {
                double[] ci = c[cRow + i];
                int col = aCol + i;
                int p = p0;
                for (; p + 4 <= p1; p += 4) {
                    fma4(a[aRow + p][col], a[aRow + p + 1][col], a[aRow + p + 2][col], a[aRow + p + 3][col],
                            b[bRow + p], b[bRow + p + 1], b[bRow + p + 2], b[bRow + p + 3], ci, j0, j1);
                }
                for (; p < p1; p++) {
                    fma1(a[aRow + p][col], b[bRow + p], ci, j0, j1);
                }
            }
        }
    }

    /** {@code c[j] ← fma(a3, b3[j], fma(a2, b2[j], fma(a1, b1[j], fma(a0, b0[j], c[j]))))}. */
    private static void fma4(double a0, double a1, double a2, double a3, double[] b0, double[] b1, double[] b2,
            double[] b3, double[] c, int j0, int j1) {
        for (int j = j0; j < j1; j++) {
            c[j] = Math.fma(a3, b3[j], Math.fma(a2, b2[j], Math.fma(a1, b1[j], Math.fma(a0, b0[j], c[j]))));
        }
    }

    private static void fma1(double a0, double[] b0, double[] c, int j0, int j1) {
        for (int j = j0; j < j1; j++) {
            c[j] = Math.fma(a0, b0[j], c[j]);
        }
    }

    /**
     * {@code c[j] += Σ_i A[aRow+i][j]} over n rows, j in [j0, j1): a bias gradient.
     *
     * @param c modified
     */
    static void columnSumsAdd(int n, int j0, int j1, double[][] a, int aRow, double[] c) {
        for (int i = 0; i < n; i++) {
            double[] ai = a[aRow + i];
            for (int j = j0; j < j1; j++) {
                c[j] += ai[j];
            }
        }
    }

    /** Rows of {@code cols} zeros. */
    static double[][] rows(int count, int cols) {
        return new double[count][cols];
    }
}
