package io.grustreams.model;

/**
 * The GRU's nonlinearities, written so that C2 can vectorize loops over them.
 *
 * <p>Why not {@code Math.tanh} and {@code Math.exp}: on JDK 17 {@code Math.tanh} is not an
 * intrinsic (it calls the native fdlibm through {@code StrictMath}), and {@code Math.exp}, which
 * is, is a call to a stub, so a loop containing either stays scalar. At (D, H) = (8, 64) the 3H
 * activations of a step built on {@code Math.exp} cost about as much as the whole matrix-vector
 * work (~1.1 µs of ~2.6 µs measured); built here from multiplications, additions, a division and
 * min/max only, they vectorize and cost about half of that (see {@code bench step}). Whether C2
 * vectorizes a loop depends on how it compiled the caller, so this is a speed-up in practice,
 * not a guarantee; the results are the same either way.
 *
 * <p>The exponential: {@code e^v = (e^{v/64})^64}. The argument is clamped to [-40, 40] (see
 * below), so {@code u = v/64} (exact: a power of two) lies in [-0.625, 0.625], where the degree-15
 * Taylor polynomial of {@code e^u} has truncation error below 1e-16 relative; six squarings then
 * raise it to the 64th power. Squaring doubles the relative error each time, so {@code e^v}
 * carries up to ~3e-14 relative error (the polynomial's rounding times 64, plus the squarings'
 * own rounding; 3.0e-14 is the worst seen over 2e7 samples). Both functions divide by
 * {@code 1 + e^v}, which turns that into an <em>absolute</em> error of at most half of it:
 * worst seen 6.6e-15 for the sigmoid and 1.3e-14 for tanh (which uses {@code e^2a}), typically a
 * few 1e-16. The forward tolerance against PyTorch is 1e-12 absolute on h and y.
 *
 * <p>Clamping at ±40: {@code e^-40 = 4.2e-18}, so for |a| ≥ 40 the sigmoid is 1, or 0 within
 * 4.2e-18, and for |2a| ≥ 40 the tanh rounds to exactly ±1; {@code e^40} is far from overflow.
 * NaN propagates (Java's min/max keep NaN).
 */
final class Activations {

    private Activations() {
    }

    private static final double CLAMP = 40.0;
    private static final double INV_64 = 1.0 / 64;

    // 1/n!, n = 0..15: the Taylor coefficients of e^u at 0.
    private static final double C0 = 1.0;
    private static final double C1 = 1.0;
    private static final double C2 = 1.0 / 2;
    private static final double C3 = 1.0 / 6;
    private static final double C4 = 1.0 / 24;
    private static final double C5 = 1.0 / 120;
    private static final double C6 = 1.0 / 720;
    private static final double C7 = 1.0 / 5040;
    private static final double C8 = 1.0 / 40320;
    private static final double C9 = 1.0 / 362880;
    private static final double C10 = 1.0 / 3628800;
    private static final double C11 = 1.0 / 39916800;
    private static final double C12 = 1.0 / 479001600;
    private static final double C13 = 1.0 / 6227020800.0;
    private static final double C14 = 1.0 / 87178291200.0;
    private static final double C15 = 1.0 / 1307674368000.0;

    /**
     * e^v for v clamped to [-40, 40]: see the class comment for the method and its error. The
     * polynomial is evaluated by Estrin's scheme (pairs, then pairs of pairs, with u², u⁴, u⁸):
     * the same terms as Horner's rule but a dependency chain of depth 4 instead of 15, which is
     * what bounds the loop's speed once it is vectorized.
     */
    static double expClamped(double v) {
        double u = Math.min(Math.max(v, -CLAMP), CLAMP) * INV_64;
        double u2 = u * u;
        double u4 = u2 * u2;
        double u8 = u4 * u4;
        double p01 = C0 + C1 * u;
        double p23 = C2 + C3 * u;
        double p45 = C4 + C5 * u;
        double p67 = C6 + C7 * u;
        double p89 = C8 + C9 * u;
        double p1011 = C10 + C11 * u;
        double p1213 = C12 + C13 * u;
        double p1415 = C14 + C15 * u;
        double q0 = p01 + p23 * u2;
        double q1 = p45 + p67 * u2;
        double q2 = p89 + p1011 * u2;
        double q3 = p1213 + p1415 * u2;
        double p = (q0 + q1 * u4) + (q2 + q3 * u4) * u8;
        // (e^{v/64})^64 by six squarings.
        p *= p;
        p *= p;
        p *= p;
        p *= p;
        p *= p;
        return p * p;
    }

    /** σ(a) = 1 / (1 + e^-a). */
    static double sigmoid(double a) {
        return 1.0 / (1.0 + expClamped(-a));
    }

    /** tanh(a) = 1 - 2 / (1 + e^2a); exactly ±1 for |a| ≥ 20, 0 at 0 (the sign of zero is not kept). */
    static double tanh(double a) {
        return 1.0 - 2.0 / (1.0 + expClamped(a + a));
    }

    /**
     * {@code v[i] <- σ(v[i])} for i in [0, n).
     *
     * @param v Modified.
     */
    static void sigmoidInPlace(double[] v, int n) {
        for (int i = 0; i < n; i++) {
            v[i] = 1.0 / (1.0 + expClamped(-v[i]));
        }
    }

    /**
     * {@code v[i] <- tanh(v[i])} for i in [0, n).
     *
     * @param v Modified.
     */
    static void tanhInPlace(double[] v, int n) {
        for (int i = 0; i < n; i++) {
            double a = v[i];
            v[i] = 1.0 - 2.0 / (1.0 + expClamped(a + a));
        }
    }
}
