package io.grustreams.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class GradientClippingTest {

    @Test
    void shouldScaleByMaxNormOverNormPlusOneMillionthLikePyTorch() {
        double[] g = {3, 0, -4};
        double total = GradientClipping.clip(g, 1.0);
        assertEquals(5.0, total);
        double coef = 1.0 / (5.0 + 1e-6);
        assertArrayEquals(new double[] {3 * coef, 0, -4 * coef}, g, 1e-16);
        assertEquals(coef, GradientClipping.coefficient(total, 1.0));
        // norm after clipping is total / (total + 1e-6), not exactly max_norm
        assertEquals(5.0 / (5.0 + 1e-6), GradientClipping.globalNorm(g), 1e-15);
    }

    @Test
    void shouldLeaveASmallGradientUnchanged() {
        double[] g = {0.3, -0.4};
        double total = GradientClipping.clip(g, 1.0);
        assertEquals(0.5, total, 1e-16);
        assertArrayEquals(new double[] {0.3, -0.4}, g);
        assertEquals(1.0, GradientClipping.coefficient(total, 1.0));
    }

    @Test
    void shouldNotClipAtExactlyMaxNormBecauseOfTheEpsilon() {
        double[] g = {1.0};
        GradientClipping.clip(g, 1.0);
        assertEquals(1.0 / (1.0 + 1e-6), g[0], 1e-16);
        double[] h = {1.0 - 1e-6};
        GradientClipping.clip(h, 1.0);
        assertEquals(1.0 - 1e-6, h[0]);
    }
}
