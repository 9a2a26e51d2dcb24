package io.grustreams.train;

import io.grustreams.model.GruModel;
import io.grustreams.model.GruStepper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;

/**
 * One-step forecast error of models on the scored part of every key's history, computed the way the
 * stream serves a model: {@link GruStepper#forModel} in original units, the hidden state re-warmed
 * from zero over the W events before the scored part (the stream's ring buffer), then each scored
 * event compared with the forecast made at the event before it and observed in turn.
 *
 * <p>For key k with n events and scored part {@code [from_k, n)}, the replay starts at
 * {@code s_k = max(0, from_k − W)}; event t is scored when {@code t >= from_k} and {@code t > s_k}
 * (it has a forecast). The error of feature j is {@code (x_t[j] − forecast_t[j]) / scale[j]}, so
 * every model, whatever its own normalization, is measured in the same units:
 * <pre>
 *   MSE = Σ_k Σ_t Σ_j ((x_t[j] − ŷ_t[j]) / scale[j])²  /  (scored steps · D)
 * </pre>
 * Persistence ({@code ŷ_t = x_{t−1}}) is scored on the same steps. Keys are spread over a fixed set of
 * threads; each key's sum is kept apart and the sums are added in key order, so a result does not
 * depend on the thread count. Close it to stop its threads. Not thread-safe.
 */
public final class ForecastEvaluator implements AutoCloseable {

    private final History history;
    private final List<String> features;
    private final int[] from;
    private final int[] start;
    private final double[] scale;
    private final long steps;
    private final double[] keySse;
    private final ShardRunner runner;

    /**
     * @param history the events; not modified
     * @param features the names of the history's D values, in order
     * @param scoreFrom per key (in {@link History#series()} order) the first event scored; not modified
     * @param warmup W ≥ 1: events replayed before the scored part
     * @param scale per feature the divisor of an error (e.g. the training std); positive; not modified
     * @param threads threads that evaluate keys; never changes a result
     */
    public ForecastEvaluator(History history, List<String> features, int[] scoreFrom, int warmup, double[] scale,
            int threads) {
        if (features.size() != history.features()) {
            throw new IllegalArgumentException(features.size() + " feature names for " + history.features()
                    + " values per event");
        }
        if (scoreFrom.length != history.keys()) {
            throw new IllegalArgumentException("scoreFrom has " + scoreFrom.length + " entries for "
                    + history.keys() + " keys");
        }
        if (warmup < 1) {
            throw new IllegalArgumentException("warmup must be positive: " + warmup);
        }
        if (scale.length != history.features()) {
            throw new IllegalArgumentException("scale has " + scale.length + " values for " + history.features()
                    + " features");
        }
        for (double s : scale) {
            if (!(s > 0) || !Double.isFinite(s)) {
                throw new IllegalArgumentException("scale values must be positive and finite: " + s);
            }
        }
        this.history = history;
        this.features = List.copyOf(features);
        this.from = scoreFrom.clone();
        this.start = new int[from.length];
        this.scale = scale.clone();
        long n = 0;
        for (int k = 0; k < from.length; k++) {
            int len = history.series().get(k).length();
            if (from[k] < 0 || from[k] > len) {
                throw new IllegalArgumentException("scoreFrom[" + k + "] = " + from[k] + " is outside [0, " + len + "]");
            }
            start[k] = Math.max(0, from[k] - warmup);
            n += Math.max(0, len - Math.max(from[k], start[k] + 1));
        }
        this.steps = n;
        this.keySse = new double[from.length];
        this.runner = new ShardRunner(Math.max(1, threads));
    }

    /** Number of scored events over all keys. */
    public long steps() {
        return steps;
    }

    /**
     * The model's one-step MSE on the scored events, as described in the class comment.
     *
     * @param model not modified; must read exactly the history's features, in any order
     * @throws IllegalArgumentException if the model's features are not the history's
     * @throws IllegalStateException if nothing is scored
     */
    public double mse(GruModel model) {
        int[] toHistory = mapping(model.featureNames());
        int threads = runner.threads();
        List<GruStepper> steppers = new ArrayList<>(threads);
        for (int i = 0; i < threads; i++) {
            steppers.add(GruStepper.forModel(model));
        }
        int d = features.size();
        int hidden = model.layout().hiddenSize();
        runner.run(threads, shard -> {
            GruStepper stepper = steppers.get(shard);
            double[] h = new double[hidden];
            double[] event = new double[d];
            double[] x = new double[d];
            double[] forecast = new double[d];
            for (int k = shard; k < from.length; k += threads) {
                keySse[k] = replay(k, stepper, toHistory, h, event, x, forecast);
            }
        });
        return mean();
    }

    /** Persistence ({@code ŷ_t = x_{t−1}}) on the same events. @throws IllegalStateException if nothing is scored */
    public double persistenceMse() {
        for (int k = 0; k < from.length; k++) {
            History.KeySeries s = history.series().get(k);
            double sse = 0;
            for (int t = Math.max(from[k], start[k] + 1); t < s.length(); t++) {
                for (int j = 0; j < scale.length; j++) {
                    double e = (s.value(t, j) - s.value(t - 1, j)) / scale[j];
                    sse += e * e;
                }
            }
            keySse[k] = sse;
        }
        return mean();
    }

    /**
     * Replays key k from zero and returns its sum of squared scaled errors.
     *
     * @param h, event, x, forecast scratch of the calling shard. Modified.
     */
    private double replay(int k, GruStepper stepper, int[] toHistory, double[] h, double[] event, double[] x,
            double[] forecast) {
        History.KeySeries s = history.series().get(k);
        Arrays.fill(h, 0.0);
        double sse = 0;
        for (int t = start[k]; t < s.length(); t++) {
            s.copyValues(t, event);
            if (t >= from[k] && t > start[k]) {
                // forecast[i] was made at event t−1 for model feature i = history feature toHistory[i]
                for (int i = 0; i < toHistory.length; i++) {
                    int j = toHistory[i];
                    double e = (event[j] - forecast[i]) / scale[j];
                    sse += e * e;
                }
            }
            for (int i = 0; i < toHistory.length; i++) {
                x[i] = event[toHistory[i]];
            }
            stepper.observe(h, x, forecast);
        }
        return sse;
    }

    private double mean() {
        if (steps == 0) {
            throw new IllegalStateException("no event is scored: every key's scored part is empty");
        }
        double sse = 0;
        for (double v : keySse) {
            sse += v;
        }
        return sse / ((double) steps * scale.length);
    }

    /** Model input i is history feature {@code result[i]}. */
    private int[] mapping(List<String> modelFeatures) {
        if (modelFeatures.size() != features.size() || !new HashSet<>(modelFeatures).equals(new HashSet<>(features))) {
            throw new IllegalArgumentException("the model reads features " + modelFeatures + " but the data has "
                    + features);
        }
        int[] map = new int[modelFeatures.size()];
        for (int i = 0; i < map.length; i++) {
            map[i] = features.indexOf(modelFeatures.get(i));
        }
        return map;
    }

    @Override
    public void close() {
        runner.close();
    }
}
