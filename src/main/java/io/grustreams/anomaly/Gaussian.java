package io.grustreams.anomaly;

/**
 * The complementary error function and the standard normal tail, written out so the anomaly
 * package needs no statistics library.
 *
 * <p>{@link #erfc} is W. J. Cody's rational Chebyshev approximation ("Rational Chebyshev
 * approximations for the error function", Math. Comp. 23 (1969) 631-638), in the form of his
 * portable routine CALERF (netlib specfun, 1990): three intervals with near-minimax rational
 * functions good to about 18 significant digits before rounding, so the double result is within
 * a few ulps of the true value; the tests check 1e-14 relative against 50-digit references.
 * Uses {@link StrictMath#exp} so results are the same bits on every platform. Allocates nothing.
 */
final class Gaussian {

    // Coefficients from Cody (1969), as tabulated in CALERF. Interval 1: erf on |x| <= 0.46875.
    private static final double[] A = {
        3.16112374387056560e00, 1.13864154151050156e02, 3.77485237685302021e02,
        3.20937758913846947e03, 1.85777706184603153e-1};
    private static final double[] B = {
        2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03,
        2.84423683343917062e03};
    // Interval 2: erfc on 0.46875 < |x| <= 4.
    private static final double[] C = {
        5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01,
        2.98635138197400131e02, 8.81952221241769090e02, 1.71204761263407058e03,
        2.05107837782607147e03, 1.23033935479799725e03, 2.15311535474403846e-8};
    private static final double[] D = {
        1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02,
        1.62138957456669019e03, 3.29079923573345963e03, 4.36261909014324716e03,
        3.43936767414372164e03, 1.23033935480374942e03};
    // Interval 3: erfc on |x| > 4, as a rational function of 1/x^2.
    private static final double[] P = {
        3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1,
        1.60837851487422766e-2, 6.58749161529837803e-4, 1.63153871373020978e-2};
    private static final double[] Q = {
        2.56852019228982242e00, 1.87295284992346047e00, 5.27905102951428412e-1,
        6.05183413124413191e-2, 2.33520497626869185e-3};

    private static final double ONE_OVER_SQRT_PI = 5.6418958354775628695e-1;
    private static final double THRESH = 0.46875;
    /** Below this, {@code x*x} is negligible against 1 and is dropped (CALERF's XSMALL). */
    private static final double XSMALL = 1.11e-16;
    /** At and above this, erfc(x) underflows to 0 in double (CALERF's XBIG). */
    private static final double XBIG = 26.543;
    private static final double SQRT_HALF = 0.70710678118654752440;

    private Gaussian() {
    }

    /** erfc(x) = 1 - erf(x) for any x; NaN for NaN. */
    static double erfc(double x) {
        double y = Math.abs(x);
        double result;
        if (y <= THRESH) {
            // erf(x) = x * R(x^2) on the first interval; erfc = 1 - erf.
            double ysq = y > XSMALL ? y * y : 0.0;
            double num = A[4] * ysq;
            double den = ysq;
            for (int i = 0; i < 3; i++) {
                num = (num + A[i]) * ysq;
                den = (den + B[i]) * ysq;
            }
            return 1.0 - x * (num + A[3]) / (den + B[3]);
        } else if (y <= 4.0) {
            // erfc(y) = exp(-y^2) * R(y) on the second interval.
            double num = C[8] * y;
            double den = y;
            for (int i = 0; i < 7; i++) {
                num = (num + C[i]) * y;
                den = (den + D[i]) * y;
            }
            result = (num + C[7]) / (den + D[7]);
            result = expMinusSquare(y) * result;
        } else if (y >= XBIG) {
            result = 0.0;
        } else {
            // erfc(y) = exp(-y^2)/y * (1/sqrt(pi) + R(1/y^2)/y^2) on the third interval.
            double ysq = 1.0 / (y * y);
            double num = P[5] * ysq;
            double den = ysq;
            for (int i = 0; i < 4; i++) {
                num = (num + P[i]) * ysq;
                den = (den + Q[i]) * ysq;
            }
            result = ysq * (num + P[4]) / (den + Q[4]);
            result = (ONE_OVER_SQRT_PI - result) / y;
            result = expMinusSquare(y) * result;
        }
        // erfc(-y) = 2 - erfc(y); NaN falls through every comparison above and stays NaN here.
        return x < 0 ? 2.0 - result : result;
    }

    /**
     * exp(-y^2) with y^2 split as in CALERF: y rounded down to a multiple of 1/16 makes its
     * square exact, and the remainder {@code (y - ys)(y + ys)} is small, so the large exponent
     * carries no rounding error from squaring.
     */
    private static double expMinusSquare(double y) {
        double ys = Math.floor(y * 16.0) / 16.0;
        double del = (y - ys) * (y + ys);
        return StrictMath.exp(-ys * ys) * StrictMath.exp(-del);
    }

    /** Q(z) = P(Z > z) for a standard normal Z, that is {@code erfc(z / sqrt 2) / 2}. */
    static double upperTail(double z) {
        return 0.5 * erfc(z * SQRT_HALF);
    }

    /** P(|Z| <= |z|) = 1 - 2·Q(|z|) = erf(|z| / sqrt 2), in [0, 1]. */
    static double twoSidedCoverage(double z) {
        return 1.0 - erfc(Math.abs(z) * SQRT_HALF);
    }
}
