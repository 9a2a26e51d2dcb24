package io.grustreams.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class KernelsTest {

    private static double[][] random(Random rnd, int rows, int cols) {
        double[][] m = new double[rows][cols];
        for (double[] r : m) {
            for (int j = 0; j < cols; j++) {
                r[j] = rnd.nextGaussian();
            }
        }
        return m;
    }

    private static double[][] copy(double[][] m) {
        double[][] out = new double[m.length][];
        for (int i = 0; i < m.length; i++) {
            out[i] = m[i].clone();
        }
        return out;
    }

    private static void assertClose(double[][] expected, double[][] c) {
        for (int i = 0; i < c.length; i++) {
            for (int j = 0; j < c[i].length; j++) {
                assertEquals(expected[i][j], c[i][j], 1e-12, "C[" + i + "][" + j + "]");
            }
        }
    }

    @Test
    void shouldAddTheProductOfTheChosenBlocks() {
        Random rnd = new Random(11);
        // C[2+i][j] += Σ_p A[1+i][3+p] B[4+p][j], i < 5, p < 70, j in [8, 100)
        double[][] a = random(rnd, 8, 80);
        double[][] b = random(rnd, 80, 120);
        double[][] c = random(rnd, 9, 120);
        double[][] expected = copy(c);
        for (int i = 0; i < 5; i++) {
            for (int j = 8; j < 100; j++) {
                double s = 0;
                for (int p = 0; p < 70; p++) {
                    s += a[1 + i][3 + p] * b[4 + p][j];
                }
                expected[2 + i][j] += s;
            }
        }
        Kernels.multAdd(5, 70, 8, 100, a, 1, 3, b, 4, c, 2);
        assertClose(expected, c);
    }

    @Test
    void shouldAddTheTransposedProductOfTheChosenBlocks() {
        Random rnd = new Random(12);
        // C[1+i][j] += Σ_p A[2+p][5+i] B[3+p][j], i < 6, p < 66, j in [0, 64)
        double[][] a = random(rnd, 70, 12);
        double[][] b = random(rnd, 70, 64);
        double[][] c = random(rnd, 8, 64);
        double[][] expected = copy(c);
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < 64; j++) {
                double s = 0;
                for (int p = 0; p < 66; p++) {
                    s += a[2 + p][5 + i] * b[3 + p][j];
                }
                expected[1 + i][j] += s;
            }
        }
        Kernels.multTransAAdd(6, 66, 0, 64, a, 2, 5, b, 3, c, 1);
        assertClose(expected, c);
    }

    @Test
    void shouldGiveTheSameBitsWhateverTheBlockOfRows() {
        Random rnd = new Random(13);
        // 70 and 66 shared rows: not multiples of 4 or of any block, so the tails are exercised too.
        double[][] a = random(rnd, 16, 70);
        double[][] b = random(rnd, 70, 192);
        double[][] c0 = random(rnd, 16, 192);
        double[][] ta = random(rnd, 66, 16);
        double[][] tb = random(rnd, 66, 192);
        double[][] reference = copy(c0);
        double[][] transposedReference = copy(c0);
        Kernels.multAdd(4, 16, 70, 0, 192, a, 0, 0, b, 0, reference, 0);
        Kernels.multTransAAdd(4, 16, 66, 0, 192, ta, 0, 0, tb, 0, transposedReference, 0);
        for (int block : new int[] {6, 8, 10, 16, 32, 64, 128}) {
            double[][] c = copy(c0);
            Kernels.multAdd(block, 16, 70, 0, 192, a, 0, 0, b, 0, c, 0);
            double[][] t = copy(c0);
            Kernels.multTransAAdd(block, 16, 66, 0, 192, ta, 0, 0, tb, 0, t, 0);
            for (int i = 0; i < c.length; i++) {
                assertArrayEquals(reference[i], c[i], "multAdd row " + i + ", block " + block);
                assertArrayEquals(transposedReference[i], t[i], "multTransAAdd row " + i + ", block " + block);
            }
        }
    }
}
