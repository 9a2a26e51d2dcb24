package io.grustreams.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grustreams.model.Cell;
import io.grustreams.model.GruModel;
import io.grustreams.model.InputEncoder;
import io.grustreams.model.InputSpec;
import io.grustreams.model.KeyScale;
import io.grustreams.model.Normalization;
import io.grustreams.model.Variant;
import io.grustreams.model.codec.ModelCodec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RetrainerTest {

    private static final List<String> FEATURES = List.of("temp", "load");
    private static final Instant CREATED = Instant.parse("2025-03-01T12:00:00Z");

    /** 12 keys, 2 features; the first 1000 events of each key are the training window, the rest held out. */
    private static History full;
    private static History window;
    private static RetrainResult trained;

    private static RetrainConfig config() {
        return RetrainConfig.defaults().withHiddenSize(16).withSequenceLength(48).withWarmupSteps(64)
                .withPatience(4).withTrainer(TrainerConfig.defaults().withTbptt(Tbptt.chunks(16)).withBatchSize(8)
                        .withEpochs(40).withLearningRate(1e-2).withSeed(7).withShards(2).withThreads(2));
    }

    private static RetrainRequest request(long version, Optional<GruModel> champion) {
        return new RetrainRequest("sensors", FEATURES, version, CREATED, champion, Map.of("source", "test"));
    }

    @BeforeAll
    static void trainOnce() {
        full = SyntheticHistory.sines(11, 12, 1200, 2, 0.1);
        window = SyntheticHistory.prefix(full, 1000);
        trained = new Retrainer(config()).run(window, request(1, Optional.empty()), RetrainListener.NONE);
    }

    private static int[] from(History h, int n) {
        int[] f = new int[h.keys()];
        Arrays.fill(f, n);
        return f;
    }

    private static ForecastEvaluator evaluator(History h, int[] from, int horizon) {
        return new ForecastEvaluator(h, FEATURES, from, 64, config().inputs().scaleHalfLife(), horizon, 2);
    }

    @Test
    void shouldForecastHeldOutEventsWithAtMostHalfThePersistenceRmse() {
        try (ForecastEvaluator heldOut = evaluator(full, from(full, 1000), 1)) {
            double ratio = heldOut.evaluate(trained.model()).rmseRatio(1);
            assertTrue(ratio <= 0.5, "GRU RMSE / persistence's " + ratio);
        }
    }

    @Test
    void shouldTrainADirectReadoutForEveryHorizon() {
        RetrainConfig three = config().withHorizon(3).withReadout(InputSpec.Readout.DIRECT);
        RetrainResult r = new Retrainer(three).run(window, request(1, Optional.empty()), RetrainListener.NONE);
        GruModel m = r.model();
        assertEquals(3, m.inputs().horizon());
        assertEquals(InputSpec.Readout.DIRECT, m.inputs().readout());
        assertEquals(3 * FEATURES.size(), m.layout().outputSize());
        try (ForecastEvaluator heldOut = evaluator(full, from(full, 1000), 3)) {
            ForecastEvaluator.Evaluation e = heldOut.evaluate(m);
            for (int h = 1; h <= 3; h++) {
                assertTrue(e.rmseRatio(h) < 0.6, "horizon " + h + ": " + e.rmseRatio(h));
            }
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> validation = (Map<String, Object>) m.provenance().get("validation");
        assertEquals(3, ((List<?>) validation.get("rmseVsPersistence")).size());
    }

    @Test
    void shouldGiveIdenticalModelFilesForTheSameDataAndSeed() {
        RetrainResult again = new Retrainer(config()).run(SyntheticHistory.prefix(full, 1000),
                request(1, Optional.empty()), RetrainListener.NONE);
        assertArrayEquals(ModelCodec.toJson(trained.model()), ModelCodec.toJson(again.model()));
    }

    @Test
    void shouldGiveAnotherModelForAnotherSeed() {
        RetrainConfig other = config().withTrainer(config().trainer().withSeed(8).withEpochs(1));
        RetrainConfig same = config().withTrainer(config().trainer().withEpochs(1));
        RetrainResult a = new Retrainer(same).run(window, request(1, Optional.empty()), RetrainListener.NONE);
        RetrainResult b = new Retrainer(other).run(window, request(1, Optional.empty()), RetrainListener.NONE);
        assertFalse(Arrays.equals(a.model().parameters().values(), b.model().parameters().values()));
    }

    @Test
    void shouldPublishTheFirstModelWhenThereIsNoChampionAndItBeatsPersistence() {
        assertTrue(trained.decision().publish(), trained.decision().reason());
        assertTrue(trained.validationScore() < 1);
        assertTrue(trained.championScore().isEmpty());
        assertEquals("no current model", trained.warmStart());
    }

    /** A random walk: persistence is the best forecast there is, so no model beats it. */
    private static History randomWalk() {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(3);
        History.Builder b = History.builder(2);
        for (int k = 0; k < 4; k++) {
            double[] v = {50, 5};
            for (int t = 0; t < 600; t++) {
                v[0] += rng.nextGaussian();
                v[1] += 0.1 * rng.nextGaussian();
                b.add("walk-" + k, 1_700_000_000_000L + 60_000L * t, v);
            }
        }
        return b.build();
    }

    @Test
    void shouldHoldBackAFirstModelThatDoesNotBeatPersistenceUnlessForced() {
        RetrainConfig short1 = config().withTrainer(config().trainer().withEpochs(1));
        RetrainResult held = new Retrainer(short1).run(randomWalk(), request(1, Optional.empty()),
                RetrainListener.NONE);
        assertTrue(held.validationScore() >= 1, "score " + held.validationScore());
        assertFalse(held.decision().publish());
        assertTrue(held.decision().reason().contains("does not beat persistence"), held.decision().reason());
        RetrainResult forced = new Retrainer(short1.withBeatNaive(false)).run(randomWalk(),
                request(1, Optional.empty()), RetrainListener.NONE);
        assertTrue(forced.decision().publish(), forced.decision().reason());
    }

    @Test
    void shouldNotPublishAModelWorseThanTheChampion() {
        // One epoch from random weights of another hidden size (so no warm start): far from the champion.
        RetrainConfig weak = config().withHiddenSize(4).withTrainer(config().trainer().withEpochs(1));
        RetrainResult r = new Retrainer(weak).run(window, request(2, Optional.of(trained.model())),
                RetrainListener.NONE);
        assertFalse(r.decision().publish(), r.decision().reason());
        assertTrue(r.validationScore() > r.championScore().getAsDouble());
        assertTrue(r.decision().reason().contains("does not beat the current model sensors v1"),
                r.decision().reason());
        assertEquals(trained.validationScore(), r.championScore().getAsDouble(), 1e-12 * trained.validationScore());
    }

    @Test
    void shouldWarmStartFromAChampionOfTheSameShapeWhereItStands() {
        History later = SyntheticHistory.prefix(full, 1100);
        RetrainConfig oneEpoch = config().withTrainer(config().trainer().withEpochs(1));
        RetrainResult r = new Retrainer(oneEpoch).run(later, request(2, Optional.of(trained.model())),
                RetrainListener.NONE);
        assertTrue(r.warmStarted(), r.warmStart());
        double champion = r.championScore().getAsDouble();
        assertEquals(champion, r.validationScores()[0], 1e-12 * champion);
    }

    @Test
    void shouldWarmStartAGloballyScaledChampionReExpressedForTheNewNormalization() {
        InputSpec global = new InputSpec(InputSpec.Scaling.GLOBAL, 0, List.of(), java.time.ZoneId.of("UTC"), 1,
                InputSpec.Readout.DIRECT);
        RetrainConfig g = config().withInputs(global).withTrainer(config().trainer().withEpochs(3));
        RetrainResult first = new Retrainer(g).run(window, request(1, Optional.empty()), RetrainListener.NONE);
        // Later data, so the normalization differs from the champion's and has to be re-expressed.
        RetrainResult r = new Retrainer(g.withTrainer(g.trainer().withEpochs(1))).run(
                SyntheticHistory.prefix(full, 1100), request(2, Optional.of(first.model())), RetrainListener.NONE);
        assertTrue(r.warmStarted(), r.warmStart());
        assertFalse(r.model().normalization().equals(first.model().normalization()));
        double champion = r.championScore().getAsDouble();
        assertEquals(champion, r.validationScores()[0], 1e-9 * champion);
    }

    @Test
    void shouldKeepTheBestEpochAndStopAfterPatienceEpochsWithoutABetterOne() {
        double[] val = trained.validationScores();
        int best = trained.bestEpoch();
        assertEquals(trained.epochsRun() + 1, val.length);
        assertEquals(Arrays.stream(val).min().getAsDouble(), val[best]);
        assertEquals(val[best], trained.validationScore());
        int after = trained.epochsRun() - best;
        if (trained.epochsRun() < config().trainer().epochs()) {
            assertEquals(config().patience(), after, "stopped early, so exactly patience epochs after the best");
        } else {
            assertTrue(after <= config().patience());
        }
        try (ForecastEvaluator v = evaluator(window, new Retrainer(config()).split(window), 1)) {
            assertEquals(val[best], v.evaluate(trained.model()).score(), "the model holds the best epoch's parameters");
        }
    }

    @Test
    void shouldStopEarlyWhenValidationStopsImproving() {
        // lr so large that updates overshoot: the validation MSE cannot keep improving for 40 epochs.
        RetrainConfig wild = config().withPatience(1).withTrainer(config().trainer().withLearningRate(0.5)
                .withMaxGradNorm(Double.POSITIVE_INFINITY));
        RetrainResult r = new Retrainer(wild).run(window, request(1, Optional.empty()), RetrainListener.NONE);
        assertTrue(r.epochsRun() < 40, "ran " + r.epochsRun() + " epochs");
        assertEquals(1, r.epochsRun() - r.bestEpoch(), "one epoch without a new best ends the run");
        assertTrue(r.validationScores()[r.epochsRun()] >= r.validationScore());
    }

    @Test
    void shouldRecordProvenance() {
        Map<String, Object> p = trained.model().provenance();
        assertEquals("test", p.get("source"));
        assertEquals(7L, p.get("seed"));
        assertEquals(trained.epochsRun(), p.get("epochs"));
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) p.get("data");
        assertEquals(12, data.get("keys"));
        assertEquals(12 * 1000L, data.get("events"));
        @SuppressWarnings("unchecked")
        Map<String, Object> hp = (Map<String, Object>) p.get("hyperParameters");
        assertEquals(16, hp.get("hiddenSize"));
        assertEquals(0.01, hp.get("learningRate"));
        assertEquals(48, hp.get("sequenceLength"));
        assertEquals(12, hp.get("burnIn"), "a quarter of the window at most");
        assertEquals(1, hp.get("horizon"));
        assertEquals(trained.epochsRun(), ((List<?>) p.get("trainLoss")).size());
    }

    @Test
    void shouldSplitTheLastPartOfEveryKeyAndNormalizeOnTheRest() {
        History.Builder b = History.builder(1);
        for (int t = 0; t < 10; t++) {
            b.add("a", t, new double[] {t});
        }
        for (int t = 0; t < 5; t++) {
            b.add("b", t, new double[] {100});
        }
        History h = b.build();
        Retrainer r = new Retrainer(config().withValidationFraction(0.2));
        int[] from = r.split(h);
        assertArrayEquals(new int[] {8, 4}, from);
        Normalization n = Retrainer.statistics(h, from);
        // a: 0..7, b: 100 x4 -> mean (28 + 400) / 12
        double mean = 428.0 / 12;
        double var = 0;
        for (int t = 0; t < 8; t++) {
            var += (t - mean) * (t - mean);
        }
        var += 4 * (100 - mean) * (100 - mean);
        assertEquals(mean, n.mean(0), 1e-12);
        assertEquals(Math.sqrt(var / 12), n.std(0), 1e-12);
    }

    @Test
    void shouldCutWindowsEveryStrideAlignedToTheEndOfTheTrainingPart() {
        History.Builder b = History.builder(1);
        for (int t = 0; t < 12; t++) {
            b.add("a", 1_700_000_000_000L + t, new double[] {t});
        }
        History h = b.build();
        // Global scaling with the identity normalization: a window's inputs are the raw values.
        InputSpec raw = new InputSpec(InputSpec.Scaling.GLOBAL, 0, List.of(), java.time.ZoneId.of("UTC"), 1,
                InputSpec.Readout.DIRECT);
        Retrainer r = new Retrainer(config().withInputs(raw).withStride(2));
        InputEncoder encoder = new InputEncoder(raw, Normalization.identity(1), 1);
        List<TrainingSequence> out = new ArrayList<>();
        // Training part 0..10, targets need the next event: steps 0..9; windows of 3 end at step 9, every 2.
        assertEquals(1, r.cut(h, new int[] {11}, encoder, 1, 3, 0, out, new double[1]));
        assertEquals(List.of(1.0, 3.0, 5.0, 7.0), out.stream().map(w -> w.input(0, 0)).toList());
        assertEquals(2.0, out.get(0).target(0, 0));
        assertEquals(10.0, out.get(3).target(2, 0));
    }

    @Test
    void shouldWeighEveryOutputByItsMeanSquaredTarget() {
        History h = SyntheticHistory.prefix(full, 300);
        InputSpec three = TestInputs.perKey(3);
        Retrainer r = new Retrainer(config().withInputs(three).withHorizon(3));
        InputEncoder encoder = new InputEncoder(three, Normalization.identity(2), 2);
        double[] w = new double[6];
        r.cut(h, r.split(h), encoder, 3, 48, 12, new ArrayList<>(), w);
        assertEquals(6.0, Arrays.stream(w).sum(), 1e-12, "mean 1");
        // Three steps ahead the change is larger than one step ahead: it weighs less.
        assertTrue(w[4] < w[0] && w[5] < w[1], Arrays.toString(w));
    }

    @Test
    void shouldGiveTheFirstEventOfAKeyNoChangeAsTheStreamDoes() {
        History.Builder b = History.builder(1);
        for (int t = 0; t < 6; t++) {
            b.add("a", 1_700_000_000_000L + t, new double[] {5 + t});
        }
        InputSpec noTime = new InputSpec(InputSpec.Scaling.PER_KEY, 20, List.of(), java.time.ZoneId.of("UTC"), 1,
                InputSpec.Readout.DIRECT);
        EncodedSeries e = new EncodedSeries(b.build().series().get(0), 6,
                new InputEncoder(noTime, Normalization.identity(1), 1), KeyScale.alpha(20), 1);
        // The first event has no previous one (change 0); from the second on a change of 1 is one typical change.
        assertEquals(0.0, e.input(0, 0));
        assertEquals(1.0, e.input(1, 0));
        assertEquals(5, e.usable());
        assertTrue(Double.isNaN(e.target(5, 0)), "no target past the encoded events");
    }

    @Test
    void shouldRefuseAnEmptyWindow() {
        InsufficientDataException e = assertThrows(InsufficientDataException.class, () -> new Retrainer(config())
                .run(History.builder(2).build(), request(1, Optional.empty()), RetrainListener.NONE));
        assertTrue(e.getMessage().contains("no events"), e.getMessage());
    }

    @Test
    void shouldShortenTheWindowsToTheLongestTrainingPart() {
        RetrainResult r = new Retrainer(config().withTrainer(config().trainer().withEpochs(1)))
                .run(SyntheticHistory.prefix(full, 40), request(1, Optional.empty()), RetrainListener.NONE);
        @SuppressWarnings("unchecked")
        Map<String, Object> hp = (Map<String, Object>) r.model().provenance().get("hyperParameters");
        // 40 events: 32 before validation, 31 with a next event.
        assertEquals(31, hp.get("sequenceLength"));
        assertEquals(7, hp.get("burnIn"));
    }

    @Test
    void shouldRefuseKeysTooShortForAWindow() {
        InsufficientDataException e = assertThrows(InsufficientDataException.class, () -> new Retrainer(config())
                .run(SyntheticHistory.prefix(full, 20), request(1, Optional.empty()), RetrainListener.NONE));
        assertTrue(e.getMessage().contains("no key has 17 events before its validation part"), e.getMessage());
    }

    @Test
    void shouldUseTheChampionsVariantOnlyWhenItMatches() {
        RetrainConfig pytorch = config().withVariant(Variant.PYTORCH).withTrainer(config().trainer().withEpochs(1));
        RetrainResult r = new Retrainer(pytorch).run(window, request(2, Optional.of(trained.model())),
                RetrainListener.NONE);
        assertFalse(r.warmStarted());
        assertTrue(r.warmStart().contains("differs: variant cho is not pytorch"), r.warmStart());
        assertEquals(Variant.PYTORCH, r.model().variant());
    }

    @Test
    void shouldTrainAStackedLstmThatLearnsAndSeedsItsSuccessor() {
        RetrainConfig lstm = config().withCell(Cell.LSTM).withLayers(2).withHiddenSize(8)
                .withTrainer(config().trainer().withEpochs(4));
        RetrainResult r = new Retrainer(lstm).run(window, request(1, Optional.empty()), RetrainListener.NONE);
        assertEquals(Cell.LSTM, r.model().layout().cell());
        assertEquals(2, r.model().layout().layers());
        assertEquals(Variant.PYTORCH, r.model().variant());
        double[] losses = r.trainLosses();
        assertTrue(losses[losses.length - 1] < 0.5 * losses[0], "training losses " + Arrays.toString(losses));

        RetrainConfig oneEpoch = lstm.withTrainer(lstm.trainer().withEpochs(1));
        RetrainResult next = new Retrainer(oneEpoch).run(SyntheticHistory.prefix(full, 1100),
                request(2, Optional.of(r.model())), RetrainListener.NONE);
        assertTrue(next.warmStarted(), next.warmStart());
        double champion = next.championScore().getAsDouble();
        assertEquals(champion, next.validationScores()[0], 1e-12 * champion);

        RetrainResult fromGru = new Retrainer(oneEpoch).run(window, request(2, Optional.of(trained.model())),
                RetrainListener.NONE);
        assertFalse(fromGru.warmStarted());
        assertTrue(fromGru.warmStart().contains("cell gru with 1 layers is not lstm with 2"), fromGru.warmStart());
    }
}
