package io.grustreams.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AdamTest {

    @Test
    void shouldMoveEachParameterByLearningRateTimesSignOnTheFirstStep() {
        // step 1: m̂ = g, v̂ = g², so θ ← θ − lr · g / (|g| + eps)
        Adam adam = new Adam(3, 0.01, 0.9, 0.999, 1e-8);
        double[] p = {1.0, -2.0, 0.5};
        double[] g = {0.2, -3.0, 0.0};
        adam.step(p, g);
        assertEquals(1.0 - 0.01 * 0.2 / (0.2 + 1e-8), p[0], 1e-15);
        assertEquals(-2.0 + 0.01 * 3.0 / (3.0 + 1e-8), p[1], 1e-15);
        assertEquals(0.5, p[2]);
        assertEquals(1, adam.steps());
    }

    @Test
    void shouldAddEpsilonAfterTheBiasCorrectionOfTheSecondMoment() {
        // Two steps on one parameter with a gradient so small that eps matters; values from the closed form.
        double lr = 1e-3;
        double b1 = 0.9;
        double b2 = 0.999;
        double eps = 1e-8;
        Adam adam = new Adam(1, lr, b1, b2, eps);
        double[] p = {0.0};
        double g1 = 1e-8;
        double g2 = -3e-8;
        adam.step(p, new double[] {g1});
        adam.step(p, new double[] {g2});
        double m1 = (1 - b1) * g1;
        double v1 = (1 - b2) * g1 * g1;
        double theta1 = -lr / (1 - b1) * m1 / (Math.sqrt(v1) / Math.sqrt(1 - b2) + eps);
        double m2 = b1 * m1 + (1 - b1) * g2;
        double v2 = b2 * v1 + (1 - b2) * g2 * g2;
        double theta2 = theta1 - lr / (1 - b1 * b1) * m2 / (Math.sqrt(v2) / Math.sqrt(1 - b2 * b2) + eps);
        assertEquals(theta2, p[0], 1e-18);
        // Kingma & Ba's "efficient" variant adds eps to sqrt(v) before the correction: a different step.
        double efficient1 = -lr * Math.sqrt(1 - b2) / (1 - b1) * m1 / (Math.sqrt(v1) + eps);
        assertEquals(-lr * 0.5, theta1, 1e-18);
        assertTrue(Math.abs(efficient1 - theta1) > 1e-4);
    }
}
