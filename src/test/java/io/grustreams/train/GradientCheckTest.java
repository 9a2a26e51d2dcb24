package io.grustreams.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grustreams.model.GruLayout;
import io.grustreams.model.Variant;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Analytic gradients against central finite differences, {@code (L(θ + ε) − L(θ − ε)) / 2ε} with
 * ε = 1e-6, on random small shapes. The truncation error is O(ε²) and the rounding error about
 * 1e-16 / ε, so agreement within 1e-7 (relative above 1) shows the backward pass is the derivative.
 */
class GradientCheckTest {

    private static final double EPS = 1e-6;
    private static final double TOL = 1e-7;

    private static GruLayout randomLayout(Variant v, SplittableRandom rng) {
        return GruLayout.of(v, 1 + rng.nextInt(3), 2 + rng.nextInt(4), 1 + rng.nextInt(3));
    }

    /** The loss the backward pass differentiates: scale · SSE of [s, e) after a forward over [w, e) from hStart. */
    private static double windowLoss(GruLayout layout, double[] p, TrainingSequence seq, int w, int s, int e,
            double[] hStart, double scale) {
        SequenceBackprop sb = new SequenceBackprop(layout, e - w);
        sb.forward(p, seq, w, e, hStart);
        return sb.squaredError(s, e) * scale;
    }

    private static double[] finiteDifferences(GruLayout layout, double[] p, TrainingSequence seq, int w, int s,
            int e, double[] hStart, double scale) {
        double[] g = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            double old = p[i];
            p[i] = old + EPS;
            double plus = windowLoss(layout, p, seq, w, s, e, hStart, scale);
            p[i] = old - EPS;
            double minus = windowLoss(layout, p, seq, w, s, e, hStart, scale);
            p[i] = old;
            g[i] = (plus - minus) / (2 * EPS);
        }
        return g;
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void shouldMatchFiniteDifferencesForFullBptt(Variant variant) {
        SplittableRandom rng = new SplittableRandom(11 + variant.ordinal());
        for (int trial = 0; trial < 3; trial++) {
            GruLayout layout = randomLayout(variant, rng);
            int length = 3 + rng.nextInt(10);
            double[] p = TestData.params(layout, rng, 0.8);
            TrainingSequence seq = TestData.sequence(rng, layout, length, true);
            double[] h0 = TestData.vector(rng, layout.hiddenSize(), 0.5);
            double scale = 1.0 / (length * layout.outputSize());

            SequenceBackprop sb = new SequenceBackprop(layout, length);
            sb.forward(p, seq, 0, length, h0);
            double[] grad = new double[p.length];
            double[] gradH0 = new double[layout.hiddenSize()];
            sb.backward(p, 0, length, scale, grad, gradH0);

            double[] fd = finiteDifferences(layout, p, seq, 0, 0, length, h0, scale);
            assertTrue(TestData.maxError(grad, fd) < TOL, layout + ": " + TestData.maxError(grad, fd));

            double[] fdH0 = new double[h0.length];
            for (int j = 0; j < h0.length; j++) {
                double old = h0[j];
                h0[j] = old + EPS;
                double plus = windowLoss(layout, p, seq, 0, 0, length, h0, scale);
                h0[j] = old - EPS;
                double minus = windowLoss(layout, p, seq, 0, 0, length, h0, scale);
                h0[j] = old;
                fdH0[j] = (plus - minus) / (2 * EPS);
            }
            assertTrue(TestData.maxError(gradH0, fdH0) < TOL, layout + " h0: " + TestData.maxError(gradH0, fdH0));
        }
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void shouldMatchFiniteDifferencesForATruncatedWindowWithK1BelowK2(Variant variant) {
        SplittableRandom rng = new SplittableRandom(23 + variant.ordinal());
        GruLayout layout = randomLayout(variant, rng);
        Tbptt tb = Tbptt.of(3, 5);
        int length = 11;
        double[] p = TestData.params(layout, rng, 0.8);
        TrainingSequence seq = TestData.sequence(rng, layout, length, false);
        // Segment 2 = steps [6, 9), window [4, 9): the state entering step 4 is a constant.
        int i = 2;
        int w = tb.windowStart(i);
        int s = tb.segmentStart(i);
        int e = tb.segmentEnd(i, length);
        double[] hw = TestData.vector(rng, layout.hiddenSize(), 0.5);
        double scale = 1.0 / ((e - s) * layout.outputSize());

        SequenceBackprop sb = new SequenceBackprop(layout, tb.maxWindowLength());
        sb.forward(p, seq, w, e, hw);
        double[] grad = new double[p.length];
        sb.backward(p, s, e, scale, grad, null);

        double[] fd = finiteDifferences(layout, p, seq, w, s, e, hw, scale);
        assertTrue(TestData.maxError(grad, fd) < TOL, layout + ": " + TestData.maxError(grad, fd));
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void shouldMatchFiniteDifferencesOnTheBatchedPath(Variant variant) {
        SplittableRandom rng = new SplittableRandom(37 + variant.ordinal());
        GruLayout layout = randomLayout(variant, rng);
        int length = 7;
        int rows = 3;
        double[] p = TestData.params(layout, rng, 0.8);
        List<TrainingSequence> batch = TestData.sequences(rng, layout, rows, length);
        int w = 0;
        int s = 2;
        int e = length;
        double scale = 1.0 / (rows * (e - s) * layout.outputSize());

        BatchBackprop bp = new BatchBackprop(layout, rows, length);
        BatchBackprop.PackedWeights packed = new BatchBackprop.PackedWeights(layout);
        packed.pack(p);
        bp.begin(batch, 0, rows);
        bp.window(p, packed, w, s, e, scale, true);
        double[] grad = bp.gradient().clone();

        double[] fd = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            double old = p[i];
            p[i] = old + EPS;
            double plus = batchLoss(layout, p, batch, w, s, e, scale);
            p[i] = old - EPS;
            double minus = batchLoss(layout, p, batch, w, s, e, scale);
            p[i] = old;
            fd[i] = (plus - minus) / (2 * EPS);
        }
        assertTrue(TestData.maxError(grad, fd) < TOL, layout + ": " + TestData.maxError(grad, fd));
    }

    private static double batchLoss(GruLayout layout, double[] p, List<TrainingSequence> batch, int w, int s, int e,
            double scale) {
        BatchBackprop bp = new BatchBackprop(layout, batch.size(), e - w);
        BatchBackprop.PackedWeights packed = new BatchBackprop.PackedWeights(layout);
        packed.pack(p);
        bp.begin(batch, 0, batch.size());
        return bp.window(p, packed, w, s, e, scale, false) * scale;
    }
}
