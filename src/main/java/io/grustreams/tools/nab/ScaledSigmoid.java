package io.grustreams.tools.nab;

/**
 * NAB's scaled sigmoid {@code S(p) = 2·σ(−5p) − 1} with {@code σ(x) = 1/(1 + e^(−x))}, and
 * {@code S(p) = −1} for {@code p > 3} (nab/sweeper.py {@code scaledSigmoid}). {@code p} is a
 * position relative to a window: {@code −1} at its left edge, about 0 at its right edge, positive
 * after it. {@code S(−1) ≈ 0.98661}, {@code S(0) = 0}, {@code S(1) ≈ −0.98661}.
 */
final class ScaledSigmoid {

    /** {@code S(−1)}, the value of the earliest possible detection; true positives are divided by it. */
    static final double MAX_TP = value(-1.0);

    private ScaledSigmoid() {
    }

    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    static double value(double relativePosition) {
        if (relativePosition > 3.0) {
            return -1.0;
        }
        return 2 * sigmoid(-5 * relativePosition) - 1.0;
    }
}
