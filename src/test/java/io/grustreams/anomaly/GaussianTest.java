package io.grustreams.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GaussianTest {

    /** Arguments and erfc values from mpmath 1.3.0 at 50 digits, covering Cody's three intervals. */
    private static final double[][] ERFC = {
        {-30, 2.0},
        {-5, 1.9999999999984625402},
        {-1.5, 1.9661051464753107271},
        {-0.3, 1.3286267594591274276},
        {0, 1.0},
        {1e-20, 0.99999999999999999999},
        {0.1, 0.8875370839817151078},
        {0.46875, 0.50738652678206200841},
        {0.5, 0.47950012218695346232},
        {1, 0.15729920705028513066},
        {2, 0.0046777349810472658379},
        {3.5, 7.4309837234141274552e-7},
        {4, 1.5417257900280018852e-8},
        {4.5, 1.9661604415428874763e-10},
        {6, 2.1519736712498913117e-17},
        {10, 2.088487583762544757e-45},
        {20, 5.3958656116079009289e-176},
        {26.5, 2.2109076642637342759e-307},
    };

    /** z and Q(z) = P(Z > z) from mpmath's ncdf(-z) at 50 digits. */
    private static final double[][] UPPER_TAIL = {
        {0, 0.5},
        {1, 0.15865525393145705141},
        {1.959963984540054, 0.025000000000000013765},
        {3, 0.0013498980316300945267},
        {3.719016485455709, 0.000099999999999988743823},
        {4.264890793922602, 0.000010000000000009970936},
        {5, 2.8665157187919391167e-7},
        {8, 6.2209605742717841235e-16},
        {37, 5.7255712225245768227e-300},
    };

    @Test
    void shouldMatchHighPrecisionErfcToFourteenDigits() {
        for (double[] row : ERFC) {
            double got = Gaussian.erfc(row[0]);
            assertEquals(row[1], got, 1e-14 * row[1], "erfc(" + row[0] + ")");
        }
    }

    @Test
    void shouldMatchHighPrecisionUpperTailWithinItsConditioning() {
        for (double[] row : UPPER_TAIL) {
            double z = row[0];
            // Rounding z/sqrt(2) by half an ulp moves Q(z) by a relative z^2 ulps: d ln Q / dz ~ -z.
            double relative = 1e-14 * Math.max(1.0, z * z);
            assertEquals(row[1], Gaussian.upperTail(z), relative * row[1], "Q(" + z + ")");
        }
    }

    @Test
    void shouldReflectUpperTailForNegativeArguments() {
        for (double[] row : UPPER_TAIL) {
            assertEquals(1.0 - row[1], Gaussian.upperTail(-row[0]), 1e-15, "Q(-" + row[0] + ")");
        }
    }

    @Test
    void shouldUnderflowToZeroBeyondTheLastNormalDouble() {
        assertEquals(0.0, Gaussian.erfc(27.0));
        assertEquals(0.0, Gaussian.erfc(Double.POSITIVE_INFINITY));
        assertEquals(2.0, Gaussian.erfc(Double.NEGATIVE_INFINITY));
        assertTrue(Double.isNaN(Gaussian.erfc(Double.NaN)));
    }

    @Test
    void shouldDecreaseMonotonicallyAcrossIntervalBoundaries() {
        double previous = Gaussian.erfc(-6.0);
        for (double x = -6.0 + 1e-3; x < 26.0; x += 1e-3) {
            double v = Gaussian.erfc(x);
            assertTrue(v <= previous, "erfc not monotone at " + x);
            previous = v;
        }
    }

    @Test
    void shouldGiveTwoSidedCoverageOfNinetyFivePercentAtOnePointNineSix() {
        assertEquals(0.95, Gaussian.twoSidedCoverage(1.959963984540054), 1e-15);
        assertEquals(0.95, Gaussian.twoSidedCoverage(-1.959963984540054), 1e-15);
        assertEquals(0.0, Gaussian.twoSidedCoverage(0.0));
        assertEquals(1.0, Gaussian.twoSidedCoverage(40.0));
    }
}
