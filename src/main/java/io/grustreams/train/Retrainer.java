package io.grustreams.train;

import io.grustreams.model.GruLayout;
import io.grustreams.model.GruModel;
import io.grustreams.model.Normalization;
import io.grustreams.model.Parameters;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.SplittableRandom;

/**
 * One retraining run on a window of per-key history: split, normalize, cut into sequences, train by
 * TBPTT with early stopping on validation, and judge the result against the current model.
 *
 * <ol>
 *   <li>Split: of a key's n events the last {@code floor(n · validationFraction)} are its validation
 *       part, the rest its training part (a time-based split per key).
 *   <li>Normalization: per feature, mean and (population) standard deviation of every key's training
 *       part; a standard deviation of (almost) zero becomes 1. Stored in the model.
 *   <li>Sequences: each training part, normalized, is cut into sequences of L steps (L + 1 events,
 *       input x_t, target x_{t+1}), aligned to the end of the part; older events that do not fill a
 *       sequence are left out. Keys are in sorted order, so the dataset does not depend on arrival order.
 *   <li>Start: the champion re-expressed for the new normalization ({@link WarmStart}) when its variant,
 *       hidden size and features match; else every parameter uniform in ±1/√H from the seed.
 *   <li>Training: {@link TbpttTrainer} (mini-batches of sequences across keys, Adam, clipping). After
 *       each epoch the validation MSE ({@link ForecastEvaluator}: re-warm over W events, score the
 *       validation part) decides early stopping: after {@code patience} epochs without a new best the
 *       run stops, and the model keeps the best epoch's parameters (possibly the starting point).
 *   <li>Champion/challenger: the current model is scored on the same validation events and
 *       {@link Decision#of} decides whether the new model is published.
 * </ol>
 * Everything is a function of the history, the request and the config: same inputs, same model, to
 * the bit. Stateless; each run owns its threads and closes them.
 */
public final class Retrainer {

    private final RetrainConfig config;

    public Retrainer(RetrainConfig config) {
        this.config = config;
    }

    public RetrainConfig config() {
        return config;
    }

    /**
     * Runs the steps of the class comment.
     *
     * @param history not modified
     * @throws InsufficientDataException if the history cannot train or validate a model
     * @throws IllegalArgumentException if the history's feature count is not the request's
     */
    public RetrainResult run(History history, RetrainRequest request, RetrainListener listener) {
        List<String> features = request.features();
        if (history.features() != features.size()) {
            throw new IllegalArgumentException("the history has " + history.features() + " values per event but "
                    + features.size() + " features are named: " + features);
        }
        if (history.isEmpty()) {
            throw new InsufficientDataException("no events in the window: nothing to train on");
        }
        int[] from = split(history);
        Normalization norm = statistics(history, from);
        List<TrainingSequence> sequences = new ArrayList<>();
        int keysTrained = cut(history, from, norm, sequences);
        if (sequences.isEmpty()) {
            throw new InsufficientDataException("no key has " + (config.sequenceLength() + 1)
                    + " events before its validation part (longest training part: " + longestTrainingPart(from)
                    + " events); lower the sequence length or widen the window");
        }
        SequenceDataset data = new SequenceDataset(sequences);
        TrainerConfig tc = config.trainer();
        GruLayout layout = GruLayout.of(config.variant(), features.size(), config.hiddenSize(), features.size());
        long updatesPerEpoch = (long) ((data.size() + tc.batchSize() - 1) / tc.batchSize())
                * tc.tbptt().segmentCount(config.sequenceLength());

        try (ForecastEvaluator validation = new ForecastEvaluator(history, features, from, config.warmupSteps(),
                norm.stds(), tc.threads());
                TbpttTrainer trainer = new TbpttTrainer(tc)) {
            if (validation.steps() == 0) {
                throw new InsufficientDataException("no validation events: every key has fewer than "
                        + (int) Math.ceil(1 / config.validationFraction()) + " events (validation fraction "
                        + config.validationFraction() + ")");
            }
            Optional<String> mismatch = request.champion()
                    .flatMap(c -> WarmStart.mismatch(c, config.variant(), config.hiddenSize(), features));
            String warmStart;
            Parameters start;
            if (request.champion().isPresent() && mismatch.isEmpty()) {
                warmStart = "";
                start = WarmStart.renormalize(request.champion().get(), norm);
            } else {
                warmStart = request.champion().isEmpty() ? "no current model"
                        : "current model v" + request.champion().get().version() + " has another shape: " + mismatch.get();
                start = randomInit(layout, tc.seed());
            }
            long trainingSteps = (long) data.size() * data.length();
            listener.onStart(tc.epochs(), updatesPerEpoch, trainingSteps, validation.steps());

            EarlyStopping stopping = new EarlyStopping(request, norm, validation, listener);
            stopping.starting(start);
            TrainingResult fit = trainer.fit(start, data, stopping);

            GruModel probe = stopping.candidate(stopping.best);
            double persistence = validation.persistenceMse();
            OptionalDouble championMse = OptionalDouble.empty();
            String championLabel = "no current model";
            if (request.champion().isPresent()) {
                GruModel champion = request.champion().get();
                championLabel = "current model " + champion.name() + " v" + champion.version();
                if (sameFeatures(champion.featureNames(), features)) {
                    championMse = OptionalDouble.of(validation.mse(champion));
                } else {
                    championLabel += " reads " + champion.featureNames() + ", not " + features + ", so nothing";
                }
            }
            Decision decision = Decision.of(stopping.bestMse, championMse, config.margin(), championLabel);
            RetrainResult.DataSummary summary = new RetrainResult.DataSummary(history.keys(), history.events(),
                    keysTrained, data.size(), trainingSteps, validation.steps(), updatesPerEpoch, fit.updates());
            double[] trainLosses = fit.epochLosses();
            double[] validationMses = stopping.validationMses();
            Map<String, Object> provenance = provenance(request, summary, warmStart, trainLosses, validationMses,
                    stopping.bestEpoch, stopping.bestMse, persistence, championMse);
            GruModel model = new GruModel(request.modelName(), request.version(), request.createdAt(), features, norm,
                    probe.parameters(), provenance);
            return new RetrainResult(model, decision, stopping.bestMse, championMse, persistence, trainLosses,
                    validationMses, stopping.bestEpoch, warmStart, summary);
        }
    }

    /** Validates after every epoch, keeps the best parameters, stops after {@code patience} epochs without one. */
    private final class EarlyStopping implements TrainingListener {
        private final RetrainRequest request;
        private final Normalization norm;
        private final ForecastEvaluator validation;
        private final RetrainListener listener;
        private final List<Double> mses = new ArrayList<>();
        Parameters best;
        double bestMse = Double.POSITIVE_INFINITY;
        int bestEpoch;
        private int sinceBest;

        EarlyStopping(RetrainRequest request, Normalization norm, ForecastEvaluator validation,
                RetrainListener listener) {
            this.request = request;
            this.norm = norm;
            this.validation = validation;
            this.listener = listener;
        }

        void starting(Parameters start) {
            bestMse = score(start);
            best = start;
            bestEpoch = 0;
            mses.add(bestMse);
            listener.onEpoch(0, Double.NaN, bestMse, true);
        }

        @Override
        public void onUpdate(long update, double loss, double gradNorm, double clipCoefficient) {
            listener.onUpdate(update, loss, gradNorm, clipCoefficient);
        }

        @Override
        public boolean onEpoch(int epoch, double trainLoss, Parameters current) {
            double mse = score(current);
            mses.add(mse);
            // NaN (diverged) is never a new best.
            boolean improved = mse < bestMse;
            if (improved) {
                best = current;
                bestMse = mse;
                bestEpoch = epoch;
                sinceBest = 0;
            } else {
                sinceBest++;
            }
            listener.onEpoch(epoch, trainLoss, mse, improved);
            return sinceBest < config.patience();
        }

        private double score(Parameters p) {
            for (double v : p.values()) {
                if (!Double.isFinite(v)) {
                    return Double.NaN;
                }
            }
            return validation.mse(candidate(p));
        }

        GruModel candidate(Parameters p) {
            return new GruModel(request.modelName(), request.version(), request.createdAt(), request.features(), norm,
                    p, Map.of());
        }

        double[] validationMses() {
            return mses.stream().mapToDouble(Double::doubleValue).toArray();
        }
    }

    /** Per key the index of its first validation event: {@code n − floor(n · fraction)}. */
    int[] split(History history) {
        int[] from = new int[history.keys()];
        for (int k = 0; k < from.length; k++) {
            int n = history.series().get(k).length();
            from[k] = n - (int) Math.floor(n * config.validationFraction());
        }
        return from;
    }

    /**
     * Mean and population standard deviation per feature over every key's training part, two passes
     * (keys in order). A std at or below {@code 1e-9 · max(1, |mean|)} (a constant feature) becomes 1.
     */
    static Normalization statistics(History history, int[] from) {
        int d = history.features();
        double[] mean = new double[d];
        long n = 0;
        for (int k = 0; k < from.length; k++) {
            History.KeySeries s = history.series().get(k);
            for (int t = 0; t < from[k]; t++) {
                for (int j = 0; j < d; j++) {
                    mean[j] += s.value(t, j);
                }
            }
            n += from[k];
        }
        if (n == 0) {
            throw new InsufficientDataException("no training events: every key's events are all in its validation part");
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= n;
        }
        double[] std = new double[d];
        for (int k = 0; k < from.length; k++) {
            History.KeySeries s = history.series().get(k);
            for (int t = 0; t < from[k]; t++) {
                for (int j = 0; j < d; j++) {
                    double c = s.value(t, j) - mean[j];
                    std[j] += c * c;
                }
            }
        }
        for (int j = 0; j < d; j++) {
            std[j] = Math.sqrt(std[j] / n);
            if (!(std[j] > 1e-9 * Math.max(1.0, Math.abs(mean[j])))) {
                std[j] = 1.0;
            }
        }
        return new Normalization(mean, std);
    }

    /**
     * Cuts every key's normalized training part into sequences of L steps, aligned to its end, oldest first.
     *
     * @param out modified: the sequences are appended
     * @return keys with at least one sequence
     */
    int cut(History history, int[] from, Normalization norm, List<TrainingSequence> out) {
        int l = config.sequenceLength();
        int d = history.features();
        double[] raw = new double[d];
        int keys = 0;
        for (int k = 0; k < from.length; k++) {
            History.KeySeries s = history.series().get(k);
            int count = from[k] < 1 ? 0 : (from[k] - 1) / l;
            if (count > 0) {
                keys++;
            }
            int first = from[k] - 1 - count * l;
            for (int w = 0; w < count; w++) {
                int e0 = first + w * l;
                double[][] events = new double[l + 1][d];
                for (int t = 0; t <= l; t++) {
                    s.copyValues(e0 + t, raw);
                    norm.normalize(raw, events[t]);
                }
                out.add(TrainingSequence.nextStep(events));
            }
        }
        return keys;
    }

    private static int longestTrainingPart(int[] from) {
        return Arrays.stream(from).max().orElse(0);
    }

    private static boolean sameFeatures(List<String> a, List<String> b) {
        return a.size() == b.size() && a.containsAll(b);
    }

    /** Every parameter uniform in (−1/√H, 1/√H), PyTorch's initialization of GRU and Linear, from the seed. */
    static Parameters randomInit(GruLayout layout, long seed) {
        // A stream split off the seed's, so the initialization does not replay the epoch shuffles.
        SplittableRandom rng = new SplittableRandom(seed).split();
        double bound = 1 / Math.sqrt(layout.hiddenSize());
        double[] v = new double[layout.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (2 * rng.nextDouble() - 1) * bound;
        }
        return new Parameters(layout, v);
    }

    private Map<String, Object> provenance(RetrainRequest request, RetrainResult.DataSummary data, String warmStart,
            double[] trainLosses, double[] validationMses, int bestEpoch, double bestMse, double persistence,
            OptionalDouble championMse) {
        TrainerConfig tc = config.trainer();
        Map<String, Object> p = new LinkedHashMap<>(request.provenance());
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("keys", data.keys());
        d.put("events", data.events());
        d.put("keysTrained", data.keysTrained());
        d.put("sequences", data.sequences());
        d.put("trainingSteps", data.trainingSteps());
        d.put("validationSteps", data.validationSteps());
        p.put("data", d);
        Map<String, Object> hp = new LinkedHashMap<>();
        hp.put("variant", config.variant().id());
        hp.put("hiddenSize", config.hiddenSize());
        hp.put("sequenceLength", config.sequenceLength());
        hp.put("validationFraction", config.validationFraction());
        hp.put("warmupSteps", config.warmupSteps());
        hp.put("k1", tc.tbptt().k1());
        hp.put("k2", tc.tbptt().k2());
        hp.put("batchSize", tc.batchSize());
        hp.put("maxEpochs", tc.epochs());
        hp.put("patience", config.patience());
        hp.put("learningRate", tc.learningRate());
        hp.put("beta1", tc.beta1());
        hp.put("beta2", tc.beta2());
        hp.put("epsilon", tc.epsilon());
        hp.put("maxGradNorm", finiteOrNull(tc.maxGradNorm()));
        hp.put("shards", tc.shards());
        hp.put("margin", config.margin());
        p.put("hyperParameters", hp);
        p.put("seed", tc.seed());
        p.put("warmStart", warmStart.isEmpty() ? "from the current model v" + request.champion().get().version()
                : "none: " + warmStart);
        p.put("epochs", trainLosses.length);
        p.put("bestEpoch", bestEpoch);
        p.put("updates", data.updates());
        p.put("trainLoss", finiteOrNull(trainLosses));
        p.put("validationMse", finiteOrNull(validationMses));
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("mse", finiteOrNull(bestMse));
        v.put("persistenceMse", finiteOrNull(persistence));
        if (championMse.isPresent()) {
            v.put("championMse", finiteOrNull(championMse.getAsDouble()));
            v.put("championVersion", request.champion().get().version());
        }
        p.put("validation", v);
        return p;
    }

    /** JSON has no NaN or infinity: such a figure is written as null. */
    private static Object finiteOrNull(double x) {
        return Double.isFinite(x) ? x : null;
    }

    private static List<Object> finiteOrNull(double[] xs) {
        List<Object> out = new ArrayList<>(xs.length);
        for (double x : xs) {
            out.add(finiteOrNull(x));
        }
        return out;
    }
}
