package io.grustreams.model;

/**
 * Packing of weight matrices by columns, and the matrix-vector product the steppers run on them.
 *
 * <p>Every matrix is stored one array per column, so a matrix-vector product is a sequence of
 * {@code acc[k] += col[k] * v[j]} passes over contiguous memory, which C2 vectorizes, instead of
 * dot products (scalar reductions it does not). The loop indexes {@code acc} and the column alike
 * from 0: with an offset on either side C2 (JDK 17) cannot rule out overlap and the loop stays
 * scalar. The vector {@code v} is read one scalar per column, so it may be read at an offset.
 */
final class Columns {

    private Columns() {
    }

    /** Columns col0..col0+cols-1 of rows row0..row0+rows-1 of matrix t, one array per column. */
    static double[][] of(double[] p, Tensor t, int row0, int rows, int col0, int cols) {
        double[][] out = new double[cols][rows];
        for (int j = 0; j < cols; j++) {
            for (int i = 0; i < rows; i++) {
                out[j][i] = p[t.index(row0 + i, col0 + j)];
            }
        }
        return out;
    }

    /** Column j of the result is the concatenation of column j of each block. */
    static double[][] stack(double[][]... blocks) {
        int cols = blocks[0].length;
        int len = 0;
        for (double[][] b : blocks) {
            len += b[0].length;
        }
        double[][] out = new double[cols][len];
        for (int j = 0; j < cols; j++) {
            int at = 0;
            for (double[][] b : blocks) {
                System.arraycopy(b[j], 0, out[j], at, b[j].length);
                at += b[j].length;
            }
        }
        return out;
    }

    /** Elements from..from+n-1 of vector t. */
    static double[] vector(double[] p, Tensor t, int from, int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = p[t.index(from + i, 0)];
        }
        return out;
    }

    /**
     * {@code acc[k] += Σ_j cols[j][k] · v[vOff + j]} for k in [0, len): four columns per pass, so
     * acc is loaded and stored once per four multiply-adds. Summation order is column by column,
     * as in a plain loop.
     *
     * @param cols Not modified. @param v Not modified. @param acc Modified.
     */
    static void gemv(double[][] cols, double[] v, int vOff, double[] acc, int len) {
        final int m = cols.length;
        int j = 0;
        for (; j + 3 < m; j += 4) {
            final double s0 = v[vOff + j];
            final double s1 = v[vOff + j + 1];
            final double s2 = v[vOff + j + 2];
            final double s3 = v[vOff + j + 3];
            final double[] c0 = cols[j];
            final double[] c1 = cols[j + 1];
            final double[] c2 = cols[j + 2];
            final double[] c3 = cols[j + 3];
            for (int k = 0; k < len; k++) {
                acc[k] = acc[k] + c0[k] * s0 + c1[k] * s1 + c2[k] * s2 + c3[k] * s3;
            }
        }
        for (; j < m; j++) {
            final double s = v[vOff + j];
            final double[] c0 = cols[j];
            for (int k = 0; k < len; k++) {
                acc[k] += c0[k] * s;
            }
        }
    }
}
