package io.grustreams.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ActivationsTest {

    /**
     * The bound argued in {@link Activations}: the exponential's relative error (≤ ~3e-14) becomes
     * at most half that, absolutely, after the division. 50 times inside the 1e-12 forward
     * tolerance, and tight enough to catch a wrong coefficient or a missing squaring.
     */
    private static final double ABS_TOL = 2e-14;

    @Test
    void shouldMatchMathTanhAbsolutelyOverTheRealLine() {
        Random rnd = new Random(1);
        for (int i = 0; i < 200_000; i++) {
            // Log-uniform magnitudes from 1e-12 to 1e3, both signs.
            double a = Math.copySign(Math.pow(10, -12 + 15 * rnd.nextDouble()), rnd.nextDouble() - 0.5);
            assertEquals(Math.tanh(a), Activations.tanh(a), ABS_TOL, () -> "tanh(" + a + ")");
        }
        for (double a = -25; a <= 25; a += 1.0 / 1024) {
            assertEquals(Math.tanh(a), Activations.tanh(a), ABS_TOL);
        }
    }

    @Test
    void shouldMatchExactSigmoidAbsolutely() {
        Random rnd = new Random(2);
        for (int i = 0; i < 200_000; i++) {
            double a = (rnd.nextDouble() - 0.5) * 100;
            // σ(a) = (1 + tanh(a/2)) / 2, an independent route through the same function.
            double expected = 0.5 * (1 + Math.tanh(0.5 * a));
            assertEquals(expected, Activations.sigmoid(a), ABS_TOL, () -> "sigmoid(" + a + ")");
        }
    }

    @Test
    void shouldApproximateExpWithinItsRelativeErrorBound() {
        Random rnd = new Random(3);
        double worst = 0;
        for (int i = 0; i < 200_000; i++) {
            double v = (rnd.nextDouble() - 0.5) * 80;
            double rel = Math.abs(Activations.expClamped(v) / Math.exp(v) - 1);
            worst = Math.max(worst, rel);
        }
        assertTrue(worst < 4e-14, "worst relative error " + worst);
        assertEquals(Math.exp(40), Activations.expClamped(1e6), Math.exp(40) * 4e-14);
        assertEquals(Math.exp(-40), Activations.expClamped(-1e6), Math.exp(-40) * 4e-14);
    }

    @Test
    void shouldComputeWholeArraysLikeTheScalarFunctions() {
        Random rnd = new Random(4);
        double[] a = new double[200];
        for (int i = 0; i < a.length; i++) {
            a[i] = rnd.nextGaussian() * 10;
        }
        double[] s = a.clone();
        double[] t = a.clone();
        Activations.sigmoidInPlace(s, 150);
        Activations.tanhInPlace(t, 150);
        for (int i = 0; i < a.length; i++) {
            assertEquals(i < 150 ? Activations.sigmoid(a[i]) : a[i], s[i], 0.0);
            assertEquals(i < 150 ? Activations.tanh(a[i]) : a[i], t[i], 0.0);
        }
    }

    @Test
    void shouldHandleExtremesWithoutOverflow() {
        assertEquals(1.0, Activations.tanh(1e6));
        assertEquals(-1.0, Activations.tanh(-1e6));
        assertEquals(1.0, Activations.tanh(Double.POSITIVE_INFINITY));
        assertEquals(-1.0, Activations.tanh(Double.NEGATIVE_INFINITY));
        assertEquals(1.0, Activations.tanh(400.0));
        // Clamped at e^-40 = 4.2e-18 instead of e^-800: an absolute error far below the others.
        assertEquals(0.0, Activations.sigmoid(-800.0), 5e-18);
        assertEquals(1.0, Activations.sigmoid(800.0));
        assertEquals(0.0, Activations.sigmoid(Double.NEGATIVE_INFINITY), 5e-18);
        assertEquals(1.0, Activations.sigmoid(Double.POSITIVE_INFINITY));
        assertEquals(0.5, Activations.sigmoid(0.0));
        assertEquals(0.0, Activations.tanh(-0.0), 0.0);
        assertEquals(0.0, Activations.tanh(0.0), 0.0);
        assertTrue(Double.isNaN(Activations.tanh(Double.NaN)));
        assertTrue(Double.isNaN(Activations.sigmoid(Double.NaN)));
    }
}
