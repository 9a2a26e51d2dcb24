package io.grustreams.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grustreams.model.GruModel;
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

    @Test
    void shouldForecastHeldOutEventsWithAtMostHalfThePersistenceRmse() {
        try (ForecastEvaluator heldOut = new ForecastEvaluator(full, FEATURES, from(full, 1000), 64,
                trained.model().normalization().stds(), 2)) {
            double rmse = Math.sqrt(heldOut.mse(trained.model()));
            double persistence = Math.sqrt(heldOut.persistenceMse());
            assertTrue(rmse <= 0.5 * persistence, "GRU RMSE " + rmse + " vs persistence " + persistence);
        }
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
    void shouldPublishTheFirstModelWhenThereIsNoChampion() {
        assertTrue(trained.decision().publish(), trained.decision().reason());
        assertTrue(trained.championMse().isEmpty());
        assertEquals("no current model", trained.warmStart());
    }

    @Test
    void shouldNotPublishAModelWorseThanTheChampion() {
        // One epoch from random weights of another hidden size (so no warm start): far from the champion.
        RetrainConfig weak = config().withHiddenSize(4).withTrainer(config().trainer().withEpochs(1));
        RetrainResult r = new Retrainer(weak).run(window, request(2, Optional.of(trained.model())),
                RetrainListener.NONE);
        assertFalse(r.decision().publish(), r.decision().reason());
        assertTrue(r.validationMse() > r.championMse().getAsDouble());
        assertTrue(r.decision().reason().contains("does not beat the current model sensors v1"),
                r.decision().reason());
        assertEquals(trained.validationMse(), r.championMse().getAsDouble(), 1e-12 * trained.validationMse());
    }

    @Test
    void shouldWarmStartFromAChampionOfTheSameShapeWhereItStands() {
        // Later data, so the normalization differs from the champion's and has to be re-expressed.
        History later = SyntheticHistory.prefix(full, 1100);
        RetrainConfig oneEpoch = config().withTrainer(config().trainer().withEpochs(1));
        RetrainResult r = new Retrainer(oneEpoch).run(later, request(2, Optional.of(trained.model())),
                RetrainListener.NONE);
        assertTrue(r.warmStarted(), r.warmStart());
        assertFalse(r.model().normalization().equals(trained.model().normalization()));
        double champion = r.championMse().getAsDouble();
        assertEquals(champion, r.validationMses()[0], 1e-9 * champion);
    }

    @Test
    void shouldKeepTheBestEpochAndStopAfterPatienceEpochsWithoutABetterOne() {
        double[] val = trained.validationMses();
        int best = trained.bestEpoch();
        assertEquals(trained.epochsRun() + 1, val.length);
        assertEquals(Arrays.stream(val).min().getAsDouble(), val[best]);
        assertEquals(val[best], trained.validationMse());
        int after = trained.epochsRun() - best;
        if (trained.epochsRun() < config().trainer().epochs()) {
            assertEquals(config().patience(), after, "stopped early, so exactly patience epochs after the best");
        } else {
            assertTrue(after <= config().patience());
        }
        try (ForecastEvaluator v = new ForecastEvaluator(window, FEATURES, new Retrainer(config()).split(window), 64,
                trained.model().normalization().stds(), 1)) {
            assertEquals(val[best], v.mse(trained.model()), "the model holds the best epoch's parameters");
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
        assertTrue(r.validationMses()[r.epochsRun()] >= r.validationMse());
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
    void shouldCutSequencesAlignedToTheEndOfTheTrainingPart() {
        History.Builder b = History.builder(1);
        for (int t = 0; t < 12; t++) {
            b.add("a", t, new double[] {t});
        }
        History h = b.build();
        Retrainer r = new Retrainer(config().withSequenceLength(3));
        List<TrainingSequence> out = new ArrayList<>();
        Normalization identity = Normalization.identity(1);
        // training part: events 0..10 -> sequences of 4 events ending at 10: [1..4], [4..7], [7..10]; event 0 left out
        assertEquals(1, r.cut(h, new int[] {11}, identity, out));
        assertEquals(3, out.size());
        assertEquals(1, out.get(0).input(0, 0));
        assertEquals(2, out.get(0).target(0, 0));
        assertEquals(3, out.get(0).input(2, 0));
        assertEquals(4, out.get(0).target(2, 0));
        assertEquals(7, out.get(2).input(0, 0));
        assertEquals(10, out.get(2).target(2, 0));
    }

    @Test
    void shouldRefuseAnEmptyWindow() {
        InsufficientDataException e = assertThrows(InsufficientDataException.class, () -> new Retrainer(config())
                .run(History.builder(2).build(), request(1, Optional.empty()), RetrainListener.NONE));
        assertTrue(e.getMessage().contains("no events"), e.getMessage());
    }

    @Test
    void shouldRefuseKeysTooShortForOneSequenceNamingTheSetting() {
        InsufficientDataException e = assertThrows(InsufficientDataException.class, () -> new Retrainer(config())
                .run(SyntheticHistory.prefix(full, 40), request(1, Optional.empty()), RetrainListener.NONE));
        assertTrue(e.getMessage().contains("sequence length"), e.getMessage());
    }

    @Test
    void shouldUseTheChampionsVariantOnlyWhenItMatches() {
        RetrainConfig pytorch = config().withVariant(Variant.PYTORCH).withTrainer(config().trainer().withEpochs(1));
        RetrainResult r = new Retrainer(pytorch).run(window, request(2, Optional.of(trained.model())),
                RetrainListener.NONE);
        assertFalse(r.warmStarted());
        assertTrue(r.warmStart().contains("variant cho is not pytorch"), r.warmStart());
        assertEquals(Variant.PYTORCH, r.model().variant());
    }
}
