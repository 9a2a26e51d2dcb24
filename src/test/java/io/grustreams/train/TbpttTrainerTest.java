package io.grustreams.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grustreams.model.GruLayout;
import io.grustreams.model.Parameters;
import io.grustreams.model.Variant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TbpttTrainerTest {

    private static SequenceDataset sines(long seed, int count, int length) {
        return new SequenceDataset(TestData.sines(new SplittableRandom(seed), count, length, 2));
    }

    private static Parameters init(Variant v, long seed) {
        GruLayout layout = GruLayout.of(v, 2, 8, 2);
        return new Parameters(layout, TestData.params(layout, new SplittableRandom(seed), 1 / Math.sqrt(8)));
    }

    private static TrainerConfig config() {
        return TrainerConfig.defaults().withTbptt(Tbptt.of(5, 8)).withBatchSize(6).withEpochs(3)
                .withLearningRate(1e-2).withShards(3).withThreads(2).withSeed(42);
    }

    private static TrainingResult fit(TrainerConfig config, Parameters init, SequenceDataset data) {
        try (TbpttTrainer trainer = new TbpttTrainer(config)) {
            return trainer.fit(init, data, TrainingListener.NONE);
        }
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void shouldGiveTheSameModelToTheBitForTheSameDataAndSeed(Variant v) {
        SequenceDataset data = sines(1, 17, 30);
        TrainingResult a = fit(config(), init(v, 2), data);
        TrainingResult b = fit(config(), init(v, 2), data);
        assertArrayEquals(a.parameters().values(), b.parameters().values());
        assertArrayEquals(a.epochLosses(), b.epochLosses());
    }

    @Test
    void shouldNotDependOnTheNumberOfThreads() {
        SequenceDataset data = sines(3, 13, 25);
        TrainingResult one = fit(config().withThreads(1), init(Variant.CHO, 4), data);
        TrainingResult two = fit(config().withThreads(2), init(Variant.CHO, 4), data);
        TrainingResult three = fit(config().withThreads(3), init(Variant.CHO, 4), data);
        assertArrayEquals(one.parameters().values(), two.parameters().values());
        assertArrayEquals(one.parameters().values(), three.parameters().values());
    }

    @Test
    void shouldShuffleDifferentlyForAnotherSeed() {
        SequenceDataset data = sines(5, 13, 25);
        TrainingResult a = fit(config().withSeed(1), init(Variant.CHO, 6), data);
        TrainingResult b = fit(config().withSeed(2), init(Variant.CHO, 6), data);
        assertFalse(Arrays.equals(a.parameters().values(), b.parameters().values()));
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void shouldLowerTheNextStepLossOfNoisySines(Variant v) {
        SequenceDataset train = sines(7, 24, 40);
        Parameters start = init(v, 8);
        TrainerConfig cfg = config().withEpochs(30).withTbptt(Tbptt.chunks(10)).withBatchSize(8);
        try (TbpttTrainer trainer = new TbpttTrainer(cfg)) {
            double before = trainer.meanLoss(start, train);
            TrainingResult r = trainer.fit(start, train, TrainingListener.NONE);
            double after = trainer.meanLoss(r.parameters(), train);
            assertTrue(after < 0.3 * before, "loss " + before + " -> " + after);
            assertEquals(30, r.epochsRun());
            assertEquals(30L * 3 * 4, r.updates());
        }
    }

    @Test
    void shouldCountUpdatesAndStopWhenTheListenerSaysSo() {
        SequenceDataset data = sines(9, 10, 21);
        List<Long> updates = new ArrayList<>();
        List<Double> epochLosses = new ArrayList<>();
        TrainingListener stopAfterTwo = new TrainingListener() {
            @Override
            public void onUpdate(long update, double loss, double gradNorm, double clipCoefficient) {
                updates.add(update);
                assertTrue(loss > 0 && gradNorm > 0 && clipCoefficient > 0 && clipCoefficient <= 1);
            }

            @Override
            public boolean onEpoch(int epoch, double trainLoss, Parameters current) {
                epochLosses.add(trainLoss);
                return epoch < 2;
            }
        };
        TrainingResult r;
        try (TbpttTrainer trainer = new TbpttTrainer(config().withEpochs(10))) {
            r = trainer.fit(init(Variant.PYTORCH, 10), data, stopAfterTwo);
        }
        // 10 sequences in batches of 6 → 2 batches per epoch, ceil(21 / 5) = 5 updates per batch
        assertEquals(2, r.epochsRun());
        assertEquals(20, r.updates());
        assertEquals(20, updates.size());
        assertEquals(20L, updates.get(19));
        assertEquals(epochLosses.get(1), r.epochLosses()[1]);
    }

    @Test
    void shouldMeasureTheMeanLossLikeThePerSequencePath() {
        SequenceDataset data = sines(11, 7, 19);
        Parameters p = init(Variant.CHO, 12);
        double sse = 0;
        for (TrainingSequence s : data.sequences()) {
            SequenceBackprop sb = new SequenceBackprop(p.layout(), s.length());
            sb.forward(p.values(), s, 0, s.length(), new double[p.layout().hiddenSize()]);
            sse += sb.squaredError(0, s.length());
        }
        double expected = sse / (7 * 19 * 2);
        try (TbpttTrainer trainer = new TbpttTrainer(config())) {
            assertEquals(expected, trainer.meanLoss(p, data), 1e-13);
        }
    }

    @Test
    void shouldRejectDataOfAnotherShape() {
        SequenceDataset data = new SequenceDataset(TestData.sines(new SplittableRandom(1), 3, 10, 3));
        try (TbpttTrainer trainer = new TbpttTrainer(config())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> trainer.fit(init(Variant.CHO, 1), data, TrainingListener.NONE));
            assertTrue(e.getMessage().contains("D 3"), e.getMessage());
        }
    }
}
