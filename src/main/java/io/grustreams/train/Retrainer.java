package io.grustreams.train;

import io.grustreams.model.GruLayout;
import io.grustreams.model.GruModel;
import io.grustreams.model.InputEncoder;
import io.grustreams.model.InputSpec;
import io.grustreams.model.KeyScale;
import io.grustreams.model.Normalization;
import io.grustreams.model.Parameters;
import io.grustreams.model.Provenance;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One retraining run on a window of per-key history: split, encode, cut into windows, train by
 * TBPTT with early stopping on validation, and judge the result against the current model and the
 * naive forecasts.
 *
 * <ol>
 *   <li>Split: of a key's n events the last {@code floor(n · validationFraction)} are its validation
 *       part, the rest its training part (a time-based split per key).
 *   <li>Encoding ({@link EncodedSeries}): each training part becomes the inputs the stream would
 *       compute for it (per-key scale, time inputs; {@link io.grustreams.model.InputEncoder}) and the
 *       readout targets of horizons 1..N. With global scaling the normalization is, per feature, the
 *       mean and (population) standard deviation of every key's training part (a standard deviation of
 *       almost zero becomes 1), stored in the model.
 *   <li>Windows: L steps each, every {@code stride} events, aligned to the end of the part; the first B
 *       steps of a window warm the state up and are not in the loss. With per-key scaling, output o
 *       weighs {@code 1 / mean(target_o²)} (normalized to mean 1), so that each horizon's error counts
 *       relative to what persistence makes of it. Keys are in sorted order, so the dataset does not
 *       depend on arrival order.
 *   <li>Start: the champion when its variant, hidden size, features and inputs match (re-expressed
 *       for a new global normalization, {@link WarmStart}); else every parameter uniform in ±1/√H from
 *       the seed.
 *   <li>Training: {@link TbpttTrainer} (mini-batches of windows across keys, Adam, clipping), at most
 *       {@code maxSteps} steps. After each epoch the validation score ({@link ForecastEvaluator}:
 *       re-warm over W events, score horizons 1..N of the validation part relative to persistence)
 *       decides early stopping: after {@code patience} epochs without a new best the run stops, and the
 *       model keeps the best epoch's parameters (possibly the starting point).
 *   <li>Champion/challenger: the current model is scored on the same validation events and
 *       {@link Decision#of} decides whether the new model is published.
 * </ol>
 * Everything is a function of the history, the request and the config: same inputs, same model, to
 * the bit. Stateless; each run owns its threads and closes them.
 */
public final class Retrainer {

    /** Shortest training window: fewer steps than this teach a recurrent model nothing of use. */
    static final int MIN_WINDOW = 16;

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
        InputSpec inputs = config.modelInputs();
        int d = features.size();
        Normalization norm = inputs.scaling() == InputSpec.Scaling.GLOBAL ? statistics(history, from)
                : Normalization.identity(d);
        InputEncoder encoder = new InputEncoder(inputs, norm, d);
        int rows = inputs.networkOutputs(d) / d;
        // Windows as long as configured, or as the longest training part allows.
        int length = Math.min(config.sequenceLength(), longestTrainingPart(from) - rows);
        if (length < MIN_WINDOW) {
            throw new InsufficientDataException("no key has " + (MIN_WINDOW + rows)
                    + " events before its validation part (longest training part: " + longestTrainingPart(from)
                    + " events); widen the window");
        }
        int burnIn = Math.min(config.burnIn(), length / 4);
        List<TrainingSequence> sequences = new ArrayList<>();
        double[] weights = new double[rows * d];
        int keysTrained = cut(history, from, encoder, rows, length, burnIn, sequences, weights);
        SequenceDataset data = new SequenceDataset(sequences, burnIn,
                inputs.scaling() == InputSpec.Scaling.PER_KEY ? weights : null);
        TrainerConfig tc = config.runTrainer();
        GruLayout layout = GruLayout.of(config.cell(), config.variant(), config.layers(), inputs.networkInputs(d),
                config.hiddenSize(), inputs.networkOutputs(d));

        try (ForecastEvaluator validation = new ForecastEvaluator(history, features, from, config.warmupSteps(),
                config.inputs().keyScaleHalfLife(), config.horizon(), tc.threads());
                TbpttTrainer trainer = new TbpttTrainer(tc)) {
            if (validation.steps() == 0) {
                throw new InsufficientDataException("no validation events: every key has fewer than "
                        + (int) Math.ceil(1 / config.validationFraction()) + " events (validation fraction "
                        + config.validationFraction() + ")");
            }
            long updatesPerEpoch = (long) ((trainer.sequencesPerEpoch(data) + tc.batchSize() - 1) / tc.batchSize())
                    * trainer.updatesPerSequence(length, burnIn);
            Optional<String> mismatch = request.champion()
                    .flatMap(c -> WarmStart.mismatch(c, config.cell(), config.layers(), config.variant(),
                            config.hiddenSize(), features, inputs));
            String warmStart;
            Parameters start;
            if (request.champion().isPresent() && mismatch.isEmpty()) {
                warmStart = "";
                start = WarmStart.renormalize(request.champion().get(), norm);
            } else {
                warmStart = request.champion().isEmpty() ? "no current model"
                        : "current model v" + request.champion().get().version() + " differs: " + mismatch.get();
                start = ParameterInit.uniform(layout, tc.seed());
            }
            long trainingSteps = (long) data.size() * data.length();
            listener.onStart(tc.epochs(), updatesPerEpoch, (long) trainer.sequencesPerEpoch(data) * data.length(),
                    validation.steps());

            EarlyStopping stopping = new EarlyStopping(request, norm, inputs, validation, listener);
            stopping.starting(start);
            TrainingResult fit = trainer.fit(start, data, stopping);

            GruModel probe = stopping.candidate(stopping.best);
            ForecastEvaluator.Evaluation best = validation.evaluate(probe);
            OptionalDouble championScore = OptionalDouble.empty();
            String championLabel = "no current model";
            if (request.champion().isPresent()) {
                GruModel champion = request.champion().get();
                championLabel = "current model " + champion.name() + " v" + champion.version();
                if (sameFeatures(champion.featureNames(), features)) {
                    championScore = OptionalDouble.of(validation.evaluate(champion).score());
                } else {
                    championLabel += " reads " + champion.featureNames() + ", not " + features + ", so nothing";
                }
            }
            Decision decision = Decision.of(stopping.bestScore, best.vsDaily(), best.vsWeekly(), config.beatNaive(),
                    championScore, config.margin(), championLabel);
            RetrainResult.DataSummary summary = new RetrainResult.DataSummary(history.keys(), history.events(),
                    keysTrained, data.size(), trainingSteps, (long) trainer.sequencesPerEpoch(data) * data.length(),
                    validation.steps(), updatesPerEpoch, fit.updates());
            double[] trainLosses = fit.epochLosses();
            double[] validationScores = stopping.validationScores();
            Map<String, Object> provenance = provenance(request, summary, length, burnIn, warmStart, trainLosses,
                    validationScores, stopping.bestEpoch, best, championScore);
            GruModel model = new GruModel(request.modelName(), request.version(), request.createdAt(),
                    Instant.EPOCH, features, norm, inputs, probe.parameters(), provenance);
            return new RetrainResult(model, decision, stopping.bestScore, best.vsDaily(), best.vsWeekly(),
                    championScore, trainLosses, validationScores, stopping.bestEpoch, warmStart, summary);
        }
    }

    /** Validates after every epoch, keeps the best parameters, stops after {@code patience} epochs without one. */
    private final class EarlyStopping implements TrainingListener {
        private final RetrainRequest request;
        private final Normalization norm;
        private final InputSpec inputs;
        private final ForecastEvaluator validation;
        private final RetrainListener listener;
        private final List<Double> scores = new ArrayList<>();
        Parameters best;
        double bestScore = Double.POSITIVE_INFINITY;
        int bestEpoch;
        private int sinceBest;

        EarlyStopping(RetrainRequest request, Normalization norm, InputSpec inputs, ForecastEvaluator validation,
                RetrainListener listener) {
            this.request = request;
            this.norm = norm;
            this.inputs = inputs;
            this.validation = validation;
            this.listener = listener;
        }

        void starting(Parameters start) {
            bestScore = score(start);
            best = start;
            bestEpoch = 0;
            scores.add(bestScore);
            listener.onEpoch(0, Double.NaN, bestScore, true);
        }

        @Override
        public void onUpdate(long update, double loss, double gradNorm, double clipCoefficient) {
            listener.onUpdate(update, loss, gradNorm, clipCoefficient);
        }

        @Override
        public boolean onEpoch(int epoch, double trainLoss, Parameters current) {
            double score = score(current);
            scores.add(score);
            // NaN (diverged) is never a new best.
            boolean improved = score < bestScore;
            if (improved) {
                best = current;
                bestScore = score;
                bestEpoch = epoch;
                sinceBest = 0;
            } else {
                sinceBest++;
            }
            listener.onEpoch(epoch, trainLoss, score, improved);
            return sinceBest < config.patience();
        }

        private double score(Parameters p) {
            for (double v : p.values()) {
                if (!Double.isFinite(v)) {
                    return Double.NaN;
                }
            }
            return validation.evaluate(candidate(p)).score();
        }

        GruModel candidate(Parameters p) {
            return new GruModel(request.modelName(), request.version(), request.createdAt(), Instant.EPOCH,
                    request.features(), norm, inputs, p, Map.of());
        }

        double[] validationScores() {
            return scores.stream().mapToDouble(Double::doubleValue).toArray();
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
     * Encodes every key's training part ({@link EncodedSeries}) and cuts it into windows of L steps
     * every {@code stride} events, aligned to its end, oldest first; sets the output weights.
     *
     * @param rows forecast rows of the readout
     * @param l window length L
     * @param b burn-in steps of a window
     * @param out modified: the windows are appended
     * @param weights modified: {@code 1 / mean(target_o²)} over every window's loss steps, normalized to
     *     mean 1 (1 where a target is always 0)
     * @return keys with at least one window
     */
    int cut(History history, int[] from, InputEncoder encoder, int rows, int l, int b, List<TrainingSequence> out,
            double[] weights) {
        double alpha = KeyScale.alpha(config.inputs().keyScaleHalfLife());
        double[] sumSq = new double[weights.length];
        long terms = 0;
        int keys = 0;
        for (int k = 0; k < from.length; k++) {
            if (from[k] < l + rows) {
                continue;
            }
            EncodedSeries e = new EncodedSeries(history.series().get(k), from[k], encoder, alpha, rows);
            int last = e.usable() - l;
            int first = last - (last / config.stride()) * config.stride();
            keys++;
            for (int a = first; a <= last; a += config.stride()) {
                out.add(e.window(a, l));
                for (int t = a + b; t < a + l; t++) {
                    for (int o = 0; o < weights.length; o++) {
                        double y = e.target(t, o);
                        sumSq[o] += y * y;
                    }
                }
                terms += l - b;
            }
        }
        double total = 0;
        for (int o = 0; o < weights.length; o++) {
            double meanSq = terms == 0 ? 0 : sumSq[o] / terms;
            weights[o] = meanSq > 0 ? 1 / meanSq : 1;
            total += weights[o];
        }
        for (int o = 0; o < weights.length; o++) {
            weights[o] *= weights.length / total;
        }
        return keys;
    }

    private static int longestTrainingPart(int[] from) {
        return Arrays.stream(from).max().orElse(0);
    }

    private static boolean sameFeatures(List<String> a, List<String> b) {
        return a.size() == b.size() && a.containsAll(b);
    }

    private Map<String, Object> provenance(RetrainRequest request, RetrainResult.DataSummary data, int length,
            int burnIn, String warmStart, double[] trainLosses, double[] validationScores, int bestEpoch, ForecastEvaluator.Evaluation best,
            OptionalDouble championScore) {
        TrainerConfig tc = config.runTrainer();
        Map<String, Object> p = new LinkedHashMap<>(request.provenance());
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("keys", data.keys());
        d.put("events", data.events());
        d.put("keysTrained", data.keysTrained());
        d.put("sequences", data.sequences());
        d.put("trainingSteps", data.trainingSteps());
        d.put("stepsPerEpoch", data.stepsPerEpoch());
        d.put("validationSteps", data.validationSteps());
        p.put(Provenance.DATA, d);
        Map<String, Object> hp = new LinkedHashMap<>();
        hp.put("cell", config.cell().id());
        hp.put("layers", config.layers());
        hp.put("variant", config.variant().id());
        hp.put("hiddenSize", config.hiddenSize());
        hp.put("sequenceLength", length);
        hp.put("burnIn", burnIn);
        hp.put("stride", config.stride());
        hp.put("validationFraction", config.validationFraction());
        hp.put("warmupSteps", config.warmupSteps());
        hp.put("horizon", config.horizon());
        hp.put("readout", config.readout().id());
        hp.put("maxSteps", config.maxSteps());
        hp.put("k1", tc.tbptt().k1());
        hp.put("k2", tc.tbptt().k2());
        hp.put("batchSize", tc.batchSize());
        hp.put("maxEpochs", tc.epochs());
        hp.put("maxEpochSteps", tc.maxEpochSteps());
        hp.put("patience", config.patience());
        hp.put("learningRate", tc.learningRate());
        hp.put("beta1", tc.beta1());
        hp.put("beta2", tc.beta2());
        hp.put("epsilon", tc.epsilon());
        hp.put("maxGradNorm", finiteOrNull(tc.maxGradNorm()));
        hp.put("shards", tc.shards());
        hp.put("margin", config.margin());
        hp.put("beatNaive", config.beatNaive());
        p.put(Provenance.HYPER_PARAMETERS, hp);
        p.put(Provenance.SEED, tc.seed());
        p.put(Provenance.WARM_START, warmStart.isEmpty() ? "from the current model v" + request.champion().get().version()
                : "none: " + warmStart);
        p.put(Provenance.EPOCHS, trainLosses.length);
        p.put(Provenance.BEST_EPOCH, bestEpoch);
        p.put(Provenance.UPDATES, data.updates());
        p.put(Provenance.TRAIN_LOSS, finiteOrNull(trainLosses));
        p.put(Provenance.VALIDATION_SCORE, finiteOrNull(validationScores));
        Map<String, Object> v = new LinkedHashMap<>();
        v.put(Provenance.VALIDATION_SCORE_OF_BEST, finiteOrNull(best.score()));
        v.put("vsDaily", finiteOrNull(best.vsDaily()));
        v.put("vsWeekly", finiteOrNull(best.vsWeekly()));
        List<Object> ratios = new ArrayList<>();
        for (int h = 1; h <= config.horizon(); h++) {
            ratios.add(finiteOrNull(best.rmseRatio(h)));
        }
        v.put(Provenance.VALIDATION_RMSE_VS_PERSISTENCE, ratios);
        if (championScore.isPresent()) {
            v.put("championScore", finiteOrNull(championScore.getAsDouble()));
            v.put(Provenance.VALIDATION_CHAMPION_VERSION, request.champion().get().version());
        }
        p.put(Provenance.VALIDATION, v);
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
