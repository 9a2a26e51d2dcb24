package io.grustreams.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grustreams.model.GruLayout;
import io.grustreams.model.Variant;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The batched path (shards of rows, GEMM kernels) against the per-sequence reference path. */
class BatchAgreementTest {

    private static final double TOL = 1e-12;

    @ParameterizedTest
    @EnumSource(Variant.class)
    void shouldGiveTheSumOfPerSequenceGradientsForEveryTbpttSegment(Variant variant) {
        SplittableRandom rng = new SplittableRandom(5 + variant.ordinal());
        GruLayout layout = GruLayout.of(variant, 3, 7, 2);
        int rows = 6;
        int length = 23;
        Tbptt tb = Tbptt.of(4, 9);
        double[] p = TestData.params(layout, rng, 0.7);
        List<TrainingSequence> batch = TestData.sequences(rng, layout, rows, length);

        // Per-sequence: a full forward gives the window start states (the parameters never change here).
        SequenceBackprop[] full = new SequenceBackprop[rows];
        double[][] h0 = new double[rows][layout.hiddenSize()];
        for (int b = 0; b < rows; b++) {
            full[b] = new SequenceBackprop(layout, length);
            batch.get(b).initialState(layout.hiddenSize(), h0[b], 0);
            full[b].forward(p, batch.get(b), 0, length, h0[b]);
        }
        SequenceBackprop window = new SequenceBackprop(layout, tb.maxWindowLength());

        // Batched: two shards of three rows, each carrying its own states from window to window.
        BatchBackprop[] shards = {new BatchBackprop(layout, 3, tb.maxWindowLength()),
            new BatchBackprop(layout, 3, tb.maxWindowLength())};
        BatchBackprop.PackedWeights packed = new BatchBackprop.PackedWeights(layout);
        packed.pack(p);
        shards[0].begin(batch, 0, 3);
        shards[1].begin(batch, 3, 6);

        for (int i = 0; i < tb.segmentCount(length); i++) {
            int w = tb.windowStart(i);
            int s = tb.segmentStart(i);
            int e = tb.segmentEnd(i, length);
            double scale = 1.0 / (rows * (e - s) * layout.outputSize());
            double[] expected = new double[layout.size()];
            double expectedSse = 0;
            for (int b = 0; b < rows; b++) {
                window.forward(p, batch.get(b), w, e, w == 0 ? h0[b] : full[b].state(w - 1));
                window.backward(p, s, e, scale, expected, null);
                expectedSse += window.squaredError(s, e);
            }
            double sse = shards[0].window(p, packed, w, s, e, scale, true) + shards[1].window(p, packed, w, s, e, scale, true);
            double[] actual = shards[0].gradient().clone();
            for (int j = 0; j < actual.length; j++) {
                actual[j] += shards[1].gradient()[j];
            }
            assertTrue(TestData.maxError(actual, expected) < TOL, "segment " + i + ": " + TestData.maxError(actual, expected));
            assertEquals(expectedSse, sse, TOL * Math.max(1, expectedSse));
            if (i + 1 < tb.segmentCount(length) && tb.windowStart(i + 1) > 0) {
                shards[0].carryStateAfter(tb.windowStart(i + 1) - 1);
                shards[1].carryStateAfter(tb.windowStart(i + 1) - 1);
            }
        }
        double[][] last = new double[rows][layout.hiddenSize()];
        shards[0].stateAfter(length - 1, last, 0);
        shards[1].stateAfter(length - 1, last, 3);
        for (int b = 0; b < rows; b++) {
            assertTrue(TestData.maxError(last[b], full[b].state(length - 1)) < TOL);
        }
    }

    /**
     * The trainer's mini-batch loop (sharded, threaded, k1 &lt; k2, clipping, Adam) against the same
     * algorithm written per sequence with the reference path: windows recomputed at the current
     * parameters from the state the previous window computed.
     */
    @ParameterizedTest
    @EnumSource(Variant.class)
    void shouldTrainABatchLikeThePerSequenceAlgorithm(Variant variant) {
        SplittableRandom rng = new SplittableRandom(17 + variant.ordinal());
        GruLayout layout = GruLayout.of(variant, 2, 6, 2);
        int rows = 5;
        int length = 20;
        Tbptt tb = Tbptt.of(3, 7);
        double maxNorm = 0.5;
        double[] initial = TestData.params(layout, rng, 0.7);
        List<TrainingSequence> batch = TestData.sequences(rng, layout, rows, length);

        double[] expected = initial.clone();
        Adam adamRef = Adam.withDefaults(expected.length, 1e-2);
        SequenceBackprop sb = new SequenceBackprop(layout, tb.maxWindowLength());
        double[][] start = new double[rows][layout.hiddenSize()];
        double[][] expectedFinal = new double[rows][];
        for (int b = 0; b < rows; b++) {
            batch.get(b).initialState(layout.hiddenSize(), start[b], 0);
        }
        for (int i = 0; i < tb.segmentCount(length); i++) {
            int w = tb.windowStart(i);
            int s = tb.segmentStart(i);
            int e = tb.segmentEnd(i, length);
            double scale = 1.0 / (rows * (e - s) * layout.outputSize());
            double[] g = new double[expected.length];
            double[][] nextStart = new double[rows][];
            for (int b = 0; b < rows; b++) {
                sb.forward(expected, batch.get(b), w, e, start[b]);
                sb.backward(expected, s, e, scale, g, null);
                int nw = tb.windowStart(i + 1);
                nextStart[b] = nw == 0 ? start[b] : sb.state(nw - 1).clone();
                expectedFinal[b] = sb.state(e - 1).clone();
            }
            GradientClipping.clip(g, maxNorm);
            adamRef.step(expected, g);
            start = nextStart;
        }

        TrainerConfig config = TrainerConfig.defaults().withTbptt(tb).withBatchSize(rows).withShards(2).withThreads(2)
                .withLearningRate(1e-2).withMaxGradNorm(maxNorm);
        double[] actual = initial.clone();
        double[][] actualFinal = new double[rows][layout.hiddenSize()];
        try (TbpttTrainer trainer = new TbpttTrainer(config)) {
            trainer.trainBatch(layout, actual, config.newAdam(actual.length), batch, 0, actualFinal, (u, l, n, c) -> { });
        }

        assertTrue(TestData.maxError(actual, expected) < TOL, "params: " + TestData.maxError(actual, expected));
        for (int b = 0; b < rows; b++) {
            assertTrue(TestData.maxError(actualFinal[b], expectedFinal[b]) < TOL, "final state of row " + b);
        }
    }
}
