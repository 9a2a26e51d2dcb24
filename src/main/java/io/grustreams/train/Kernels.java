package io.grustreams.train;

/**
 * Dense kernels on row-major blocks of flat arrays, written so the JIT vectorizes the innermost loop
 * (contiguous, independent updates of output rows). Each block is given by an offset and a row
 * stride, so sub-matrices are used in place. Outputs and inputs must not overlap.
 *
 * <p>Register blocking: two output rows at a time share each load of B, and the shared dimension is
 * consumed four at a time as a chain of fused multiply-adds,
 * {@code c ← fma(a3, b3, fma(a2, b2, fma(a1, b1, fma(a0, b0, c))))}. The summation order is a fixed
 * function of the shapes, so results never depend on threads or timing.
 */
final class Kernels {

    /** Rows of B per pass over C: 32 rows of up to ~100 doubles fit a 32 KiB L1 data cache. */
    static final int K_BLOCK = 32;

    private Kernels() {
    }

    /**
     * {@code C += A · B}, with A {@code n × k}, B {@code k × m}, C {@code n × m}.
     *
     * @param a not modified
     * @param b not modified
     * @param c modified
     */
    static void multAdd(int n, int k, int m, double[] a, int aOff, int aStride, double[] b, int bOff, int bStride,
            double[] c, int cOff, int cStride) {
        // Blocks of the shared dimension keep the rows of B they use in L1 while every row of C passes.
        for (int p0 = 0; p0 < k; p0 += K_BLOCK) {
            int kb = Math.min(K_BLOCK, k - p0);
            multAddBlock(n, kb, m, a, aOff + p0, aStride, b, bOff + p0 * bStride, bStride, c, cOff, cStride);
        }
    }

    private static void multAddBlock(int n, int k, int m, double[] a, int aOff, int aStride, double[] b, int bOff,
            int bStride, double[] c, int cOff, int cStride) {
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            int c0 = cOff + i * cStride;
            int c1 = c0 + cStride;
            int c2 = c1 + cStride;
            int c3 = c2 + cStride;
            int r0 = aOff + i * aStride;
            int r1 = r0 + aStride;
            int r2 = r1 + aStride;
            int r3 = r2 + aStride;
            int p = 0;
            for (; p + 4 <= k; p += 4) {
                double a00 = a[r0 + p];
                double a01 = a[r0 + p + 1];
                double a02 = a[r0 + p + 2];
                double a03 = a[r0 + p + 3];
                double a10 = a[r1 + p];
                double a11 = a[r1 + p + 1];
                double a12 = a[r1 + p + 2];
                double a13 = a[r1 + p + 3];
                double a20 = a[r2 + p];
                double a21 = a[r2 + p + 1];
                double a22 = a[r2 + p + 2];
                double a23 = a[r2 + p + 3];
                double a30 = a[r3 + p];
                double a31 = a[r3 + p + 1];
                double a32 = a[r3 + p + 2];
                double a33 = a[r3 + p + 3];
                int b0 = bOff + p * bStride;
                int b1 = b0 + bStride;
                int b2 = b1 + bStride;
                int b3 = b2 + bStride;
                for (int j = 0; j < m; j++) {
                    double x0 = b[b0 + j];
                    double x1 = b[b1 + j];
                    double x2 = b[b2 + j];
                    double x3 = b[b3 + j];
                    c[c0 + j] = Math.fma(a03, x3, Math.fma(a02, x2, Math.fma(a01, x1, Math.fma(a00, x0, c[c0 + j]))));
                    c[c1 + j] = Math.fma(a13, x3, Math.fma(a12, x2, Math.fma(a11, x1, Math.fma(a10, x0, c[c1 + j]))));
                    c[c2 + j] = Math.fma(a23, x3, Math.fma(a22, x2, Math.fma(a21, x1, Math.fma(a20, x0, c[c2 + j]))));
                    c[c3 + j] = Math.fma(a33, x3, Math.fma(a32, x2, Math.fma(a31, x1, Math.fma(a30, x0, c[c3 + j]))));
                }
            }
            for (; p < k; p++) {
                double a00 = a[r0 + p];
                double a10 = a[r1 + p];
                double a20 = a[r2 + p];
                double a30 = a[r3 + p];
                int b0 = bOff + p * bStride;
                for (int j = 0; j < m; j++) {
                    double x0 = b[b0 + j];
                    c[c0 + j] = Math.fma(a00, x0, c[c0 + j]);
                    c[c1 + j] = Math.fma(a10, x0, c[c1 + j]);
                    c[c2 + j] = Math.fma(a20, x0, c[c2 + j]);
                    c[c3 + j] = Math.fma(a30, x0, c[c3 + j]);
                }
            }
        }
        for (; i < n; i++) {
            multAddRow(k, m, a, aOff + i * aStride, b, bOff, bStride, c, cOff + i * cStride);
        }
    }

    /** One row: {@code c[0..m) += a[0..k) · B}. */
    private static void multAddRow(int k, int m, double[] a, int r0, double[] b, int bOff, int bStride, double[] c,
            int c0) {
        int p = 0;
        for (; p + 4 <= k; p += 4) {
            double a0 = a[r0 + p];
            double a1 = a[r0 + p + 1];
            double a2 = a[r0 + p + 2];
            double a3 = a[r0 + p + 3];
            int b0 = bOff + p * bStride;
            int b1 = b0 + bStride;
            int b2 = b1 + bStride;
            int b3 = b2 + bStride;
            for (int j = 0; j < m; j++) {
                c[c0 + j] = Math.fma(a3, b[b3 + j], Math.fma(a2, b[b2 + j], Math.fma(a1, b[b1 + j],
                        Math.fma(a0, b[b0 + j], c[c0 + j]))));
            }
        }
        for (; p < k; p++) {
            double a0 = a[r0 + p];
            int b0 = bOff + p * bStride;
            for (int j = 0; j < m; j++) {
                c[c0 + j] = Math.fma(a0, b[b0 + j], c[c0 + j]);
            }
        }
    }

    /**
     * {@code C += Aᵀ · B}, with A {@code n × k}, B {@code n × m}, C {@code k × m}: the sum over the n
     * rows of outer products, as in a weight gradient {@code Σ_t δ_t · input_tᵀ}. Runs on the
     * {@link #multAdd} kernel with the longer of k and m as its contiguous inner loop: when
     * {@code k <= m} as {@code C += (Aᵀ) · B}; otherwise as {@code D = (Bᵀ) · A}, {@code C += Dᵀ}
     * (a short inner loop, such as the H + D = 68 columns of a cho weight, leaves a scalar remainder).
     *
     * @param a not modified
     * @param b not modified
     * @param c modified
     * @param scratch modified: at least {@code n · max(k, m)} values
     * @param scratch2 modified: at least {@code k · m} values
     */
    static void multTransAAdd(int n, int k, int m, double[] a, int aOff, int aStride, double[] b, int bOff,
            int bStride, double[] c, int cOff, int cStride, double[] scratch, double[] scratch2) {
        if (k <= m) {
            transpose(n, k, a, aOff, aStride, scratch);
            multAdd(k, n, m, scratch, 0, n, b, bOff, bStride, c, cOff, cStride);
            return;
        }
        transpose(n, m, b, bOff, bStride, scratch);
        java.util.Arrays.fill(scratch2, 0, m * k, 0.0);
        multAdd(m, n, k, scratch, 0, n, a, aOff, aStride, scratch2, 0, k);
        for (int q = 0; q < k; q++) {
            int cq = cOff + q * cStride;
            for (int j = 0; j < m; j++) {
                c[cq + j] += scratch2[j * k + q];
            }
        }
    }

    /**
     * {@code out (k × n) = Aᵀ} for A {@code n × k}, in tiles so both sides stay in cache.
     *
     * @param out modified
     */
    static void transpose(int n, int k, double[] a, int aOff, int aStride, double[] out) {
        final int tile = 16;
        for (int i0 = 0; i0 < n; i0 += tile) {
            int i1 = Math.min(n, i0 + tile);
            for (int q0 = 0; q0 < k; q0 += tile) {
                int q1 = Math.min(k, q0 + tile);
                for (int i = i0; i < i1; i++) {
                    int ai = aOff + i * aStride;
                    for (int q = q0; q < q1; q++) {
                        out[q * n + i] = a[ai + q];
                    }
                }
            }
        }
    }

    /**
     * {@code c[j] += Σ_i A[i][j]} over the n rows of A ({@code n × m}): a bias gradient.
     *
     * @param c modified
     */
    static void columnSumsAdd(int n, int m, double[] a, int aOff, int aStride, double[] c, int cOff) {
        for (int i = 0; i < n; i++) {
            int ai = aOff + i * aStride;
            for (int j = 0; j < m; j++) {
                c[cOff + j] += a[ai + j];
            }
        }
    }
}
