package io.grustreams.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ActivationsTest {

    /** A few ulps of 1: far inside the 1e-12 forward tolerance, tight enough to catch a wrong formula. */
    private static final double ABS_TOL = 1e-15;

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
    void shouldHandleExtremesWithoutOverflow() {
        assertEquals(1.0, Activations.tanh(1e6));
        assertEquals(-1.0, Activations.tanh(-1e6));
        assertEquals(1.0, Activations.tanh(Double.POSITIVE_INFINITY));
        assertEquals(-1.0, Activations.tanh(Double.NEGATIVE_INFINITY));
        assertEquals(1.0, Activations.tanh(400.0));
        assertEquals(0.0, Activations.sigmoid(-800.0));
        assertEquals(1.0, Activations.sigmoid(800.0));
        assertEquals(0.0, Activations.sigmoid(Double.NEGATIVE_INFINITY));
        assertEquals(1.0, Activations.sigmoid(Double.POSITIVE_INFINITY));
        assertEquals(0.5, Activations.sigmoid(0.0));
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(Activations.tanh(-0.0)));
        assertTrue(Double.isNaN(Activations.tanh(Double.NaN)));
        assertTrue(Double.isNaN(Activations.sigmoid(Double.NaN)));
    }
}
