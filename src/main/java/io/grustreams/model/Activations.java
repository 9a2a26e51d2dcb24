package io.grustreams.model;

/**
 * The GRU's nonlinearities, written so that C2 can vectorize loops over them: the stepper's and the
 * batched trainer's (where {@code Math.exp} kept the gate loops scalar, and, being an intrinsic, may
 * differ by an ulp between CPUs, so the same training run could end in other bits elsewhere).
 *
 * <p>Why not {@code Math.tanh} and {@code Math.exp}: on JDK 17 {@code Math.tanh} is not an
 * intrinsic (it calls the native fdlibm through {@code StrictMath}), and {@code Math.exp}, which
 * is, is a call to a stub, so a loop containing either stays scalar. Built here from
 * multiplications, {@link Math#fma}, a division and min/max only, the loops vectorize.
 *
 * <p>Why {@link Math#fma}: written with separate multiplies and adds, C2 (JDK 17.0.15) vectorized
 * these loops in some compilations and not in others: in one JVM, one caller got the vector loop
 * and another the scalar one, and {@code bench step} at (D, H) = (8, 64) swung between 1.8 and
 * 2.6 µs per step from one run to the next. Isolated, the separate form was scalar in every run
 * (192 sigmoids: 1.5 µs, no faster than with {@code Math.exp}) and stayed so with
 * {@code -XX:LoopUnrollLimit} raised to 400; the fma form ran in 0.31 µs, and vectorized in every
 * context measured. {@code Math.fma} is an intrinsic where the CPU has FMA (x86 since 2013, every
 * 64-bit ARM); elsewhere it is correct but very slow. It is exactly rounded, so results do not
 * depend on the CPU; each fma rounds once where the separate form rounded twice.
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
public final class Activations {

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
     * what bounds the loop's speed once it is vectorized. Each {@code a + b·u} is one fma.
     */
    static double expClamped(double v) {
        double u = Math.min(Math.max(v, -CLAMP), CLAMP) * INV_64;
        double u2 = u * u;
        double u4 = u2 * u2;
        double u8 = u4 * u4;
        double p01 = Math.fma(C1, u, C0);
        double p23 = Math.fma(C3, u, C2);
        double p45 = Math.fma(C5, u, C4);
        double p67 = Math.fma(C7, u, C6);
        double p89 = Math.fma(C9, u, C8);
        double p1011 = Math.fma(C11, u, C10);
        double p1213 = Math.fma(C13, u, C12);
        double p1415 = Math.fma(C15, u, C14);
        double q0 = Math.fma(p23, u2, p01);
        double q1 = Math.fma(p67, u2, p45);
        double q2 = Math.fma(p1011, u2, p89);
        double q3 = Math.fma(p1415, u2, p1213);
        double p = Math.fma(Math.fma(q3, u4, q2), u8, Math.fma(q1, u4, q0));
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
    public static void sigmoidInPlace(double[] v, int n) {
        for (int i = 0; i < n; i++) {
            v[i] = 1.0 / (1.0 + expClamped(-v[i]));
        }
    }

    /**
     * {@code v[i] <- tanh(v[i])} for i in [0, n).
     *
     * @param v Modified.
     */
    public static void tanhInPlace(double[] v, int n) {
        for (int i = 0; i < n; i++) {
            double a = v[i];
            v[i] = 1.0 - 2.0 / (1.0 + expClamped(a + a));
        }
    }
}
