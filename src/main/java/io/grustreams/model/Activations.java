package io.grustreams.model;

/**
 * The GRU's nonlinearities, derived from {@link Math#exp}. On JDK 17 {@code Math.tanh} is not
 * an intrinsic (it calls the native fdlibm through {@code StrictMath}) and costs several times
 * an {@code exp}, which is. Both functions here are accurate to a few units of 1e-16 in
 * <em>absolute</em> terms over the whole real line, which is what the forward tolerance
 * (1e-12 absolute on h and y) needs; their relative error near 0 is larger than
 * {@code Math.tanh}'s, which no caller depends on.
 */
final class Activations {

    private Activations() {
    }

    /**
     * {@code 1 / (1 + e^-a)}. For {@code a < -709} the exponential overflows to +∞ and the result
     * is 0, the correctly rounded value; for large positive {@code a} it rounds to 1. NaN stays NaN.
     */
    static double sigmoid(double a) {
        return 1.0 / (1.0 + Math.exp(-a));
    }

    /**
     * {@code tanh(a) = sign(a) (1 - t) / (1 + t)} with {@code t = e^{-2|a|}} in (0, 1]: the
     * exponential never overflows (large |a| gives t = 0 and exactly ±1), and the division is
     * well conditioned; the subtraction {@code 1 - t} loses only absolute precision of order
     * ulp(1) near a = 0. NaN stays NaN, the sign of zero is kept.
     */
    static double tanh(double a) {
        double t = Math.exp(-2.0 * Math.abs(a));
        return Math.copySign((1.0 - t) / (1.0 + t), a);
    }
}
