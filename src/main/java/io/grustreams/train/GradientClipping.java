package io.grustreams.train;

/**
 * Global-norm gradient clipping with the exact rule of
 * {@code torch.nn.utils.clip_grad_norm_(params, max_norm)} (norm type 2), over one flat gradient
 * vector holding every parameter (cell and readout):
 * <pre>
 *   total     = sqrt(Σ_i g_i²)
 *   clip_coef = min(1, max_norm / (total + 1e-6))
 *   g        ← clip_coef · g
 * </pre>
 * The {@code + 1e-6} is PyTorch's: a clipped gradient has norm {@code total / (total + 1e-6)}, not
 * exactly {@code max_norm}. When {@code total + 1e-6 <= max_norm} the coefficient is exactly 1 and
 * the gradient is unchanged. Stateless.
 */
public final class GradientClipping {

    /** PyTorch's guard against division by zero, added to the norm before dividing. */
    public static final double EPSILON = 1e-6;

    private GradientClipping() {
    }

    /**
     * The global L2 norm {@code sqrt(Σ g²)}.
     *
     * @param grad not modified
     */
    public static double globalNorm(double[] grad) {
        double s = 0;
        for (double g : grad) {
            s += g * g;
        }
        return Math.sqrt(s);
    }

    /** The coefficient PyTorch applies for a gradient of norm {@code totalNorm}: {@code min(1, max/(total + 1e-6))}. */
    public static double coefficient(double totalNorm, double maxNorm) {
        return Math.min(1.0, maxNorm / (totalNorm + EPSILON));
    }

    /**
     * Clips {@code grad} in place to global norm {@code maxNorm} and returns its norm before clipping;
     * {@link #coefficient(double, double)} of that norm is the factor that was applied.
     *
     * @param grad modified
     * @param maxNorm positive; {@link Double#POSITIVE_INFINITY} disables clipping
     */
    public static double clip(double[] grad, double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("maxNorm must be positive: " + maxNorm);
        }
        double total = globalNorm(grad);
        double coef = coefficient(total, maxNorm);
        if (coef < 1.0) {
            for (int i = 0; i < grad.length; i++) {
                grad[i] *= coef;
            }
        }
        return total;
    }
}
