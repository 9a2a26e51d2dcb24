package io.grustreams.train;

/**
 * Dense kernels on row-major blocks of flat arrays, written so the JIT vectorizes the innermost loop
 * (contiguous, independent updates of one output row). Each block is given by an offset and a row
 * stride, so sub-matrices are used in place. Output and inputs must not overlap.
 *
 * <p>The shared dimension is unrolled by four: each output element receives
 * {@code ((a0·b0 + a1·b1) + a2·b2) + a3·b3} per group, a fixed summation order, so results depend
 * only on the shapes, never on threads or timing.
 */
final class Kernels {

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
        for (int i = 0; i < n; i++) {
            int ci = cOff + i * cStride;
            int ai = aOff + i * aStride;
            int p = 0;
            for (; p + 4 <= k; p += 4) {
                double a0 = a[ai + p];
                double a1 = a[ai + p + 1];
                double a2 = a[ai + p + 2];
                double a3 = a[ai + p + 3];
                int b0 = bOff + p * bStride;
                int b1 = b0 + bStride;
                int b2 = b1 + bStride;
                int b3 = b2 + bStride;
                for (int j = 0; j < m; j++) {
                    c[ci + j] += a0 * b[b0 + j] + a1 * b[b1 + j] + a2 * b[b2 + j] + a3 * b[b3 + j];
                }
            }
            for (; p < k; p++) {
                double a0 = a[ai + p];
                int b0 = bOff + p * bStride;
                for (int j = 0; j < m; j++) {
                    c[ci + j] += a0 * b[b0 + j];
                }
            }
        }
    }

    /**
     * {@code C += Aᵀ · B}, with A {@code n × k}, B {@code n × m}, C {@code k × m}: the sum over the n
     * rows of outer products, as in a weight gradient {@code Σ_t δ_t · input_tᵀ}.
     *
     * @param a not modified
     * @param b not modified
     * @param c modified
     */
    static void multTransAAdd(int n, int k, int m, double[] a, int aOff, int aStride, double[] b, int bOff,
            int bStride, double[] c, int cOff, int cStride) {
        for (int q = 0; q < k; q++) {
            int cq = cOff + q * cStride;
            int p = 0;
            for (; p + 4 <= n; p += 4) {
                double a0 = a[aOff + p * aStride + q];
                double a1 = a[aOff + (p + 1) * aStride + q];
                double a2 = a[aOff + (p + 2) * aStride + q];
                double a3 = a[aOff + (p + 3) * aStride + q];
                int b0 = bOff + p * bStride;
                int b1 = b0 + bStride;
                int b2 = b1 + bStride;
                int b3 = b2 + bStride;
                for (int j = 0; j < m; j++) {
                    c[cq + j] += a0 * b[b0 + j] + a1 * b[b1 + j] + a2 * b[b2 + j] + a3 * b[b3 + j];
                }
            }
            for (; p < n; p++) {
                double a0 = a[aOff + p * aStride + q];
                int b0 = bOff + p * bStride;
                for (int j = 0; j < m; j++) {
                    c[cq + j] += a0 * b[b0 + j];
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
