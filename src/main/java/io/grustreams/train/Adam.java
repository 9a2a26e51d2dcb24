package io.grustreams.train;

/**
 * The Adam optimizer (Kingma &amp; Ba 2015) with the exact update of {@code torch.optim.Adam} in
 * torch 1.13 (no weight decay, no amsgrad), on flat vectors laid out like the parameters. For step
 * {@code k = 1, 2, ...} and gradient {@code g}:
 * <pre>
 *   m ← β1·m + (1 − β1)·g
 *   v ← β2·v + (1 − β2)·g·g
 *   θ ← θ − (lr / (1 − β1^k)) · m / (sqrt(v) / sqrt(1 − β2^k) + eps)
 * </pre>
 * {@code eps} is added after the bias correction of {@code v}, as torch does (not to {@code sqrt(v)}
 * before it, as in the "efficient" form of Kingma &amp; Ba's section 2).
 * The state ({@code m}, {@code v}, step count) belongs to one parameter vector; the object is not
 * thread-safe.
 */
public final class Adam {

    private final double learningRate;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double[] m;
    private final double[] v;
    private long step;

    /**
     * @param size number of parameters
     * @throws IllegalArgumentException if a hyper-parameter is out of range
     */
    public Adam(int size, double learningRate, double beta1, double beta2, double epsilon) {
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("Adam learning rate must be positive and finite: " + learningRate);
        }
        if (!(beta1 >= 0 && beta1 < 1)) {
            throw new IllegalArgumentException("Adam beta1 must be in [0, 1): " + beta1);
        }
        if (!(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("Adam beta2 must be in [0, 1): " + beta2);
        }
        if (!(epsilon >= 0) || !Double.isFinite(epsilon)) {
            throw new IllegalArgumentException("Adam epsilon must be non-negative and finite: " + epsilon);
        }
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.m = new double[size];
        this.v = new double[size];
    }

    /** torch's defaults except the learning rate: β1 0.9, β2 0.999, eps 1e-8. */
    public static Adam withDefaults(int size, double learningRate) {
        return new Adam(size, learningRate, 0.9, 0.999, 1e-8);
    }

    /**
     * One update.
     *
     * @param params modified: the parameters, updated in place
     * @param grad not modified: the gradient (already clipped, if clipping is wanted)
     */
    public void step(double[] params, double[] grad) {
        if (params.length != m.length || grad.length != m.length) {
            throw new IllegalArgumentException("Adam over " + m.length + " parameters got params of "
                    + params.length + " and grad of " + grad.length);
        }
        step++;
        double biasCorrection1 = 1 - Math.pow(beta1, step);
        double biasCorrection2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
        double stepSize = learningRate / biasCorrection1;
        double oneMinusBeta1 = 1 - beta1;
        double oneMinusBeta2 = 1 - beta2;
        for (int i = 0; i < params.length; i++) {
            double g = grad[i];
            // torch: exp_avg.mul_(β1).add_(g, alpha=1-β1); exp_avg_sq.mul_(β2).addcmul_(g, g, value=1-β2)
            double mi = m[i] * beta1 + oneMinusBeta1 * g;
            double vi = v[i] * beta2 + oneMinusBeta2 * g * g;
            m[i] = mi;
            v[i] = vi;
            // torch: denom = (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps); param.addcdiv_(exp_avg, denom, -step_size)
            double denom = Math.sqrt(vi) / biasCorrection2Sqrt + epsilon;
            params[i] += -stepSize * (mi / denom);
        }
    }

    /** Updates done so far. */
    public long steps() {
        return step;
    }

    public double learningRate() {
        return learningRate;
    }

    public double beta1() {
        return beta1;
    }

    public double beta2() {
        return beta2;
    }

    public double epsilon() {
        return epsilon;
    }

    /** Number of parameters this state belongs to. */
    public int size() {
        return m.length;
    }

    /** Forgets the moments and the step count, as a freshly built optimizer. */
    public void reset() {
        java.util.Arrays.fill(m, 0);
        java.util.Arrays.fill(v, 0);
        step = 0;
    }
}
