package io.grustreams.train;

import io.grustreams.model.Forecaster;
import io.grustreams.model.GruModel;
import io.grustreams.model.KeyScale;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;

/**
 * Forecast errors of models on the scored part of every key's history, at horizons 1..N, computed
 * the way the stream serves a model, next to the naive forecasts a user compares with.
 *
 * <p>Per key k with n events and scored part {@code [from_k, n)}: the key's scale ({@link KeyScale})
 * runs over all its events, as the stream's does; the model is replayed from the zero state over
 * the W events before the scored part ({@code s_k = max(0, from_k − W)}; the first replayed event
 * has no previous one, as a re-warm from the stream's ring buffer), then steps through the rest. A
 * forecast made after event a of event a + h is scored when {@code a ≥ max(s_k, from_k − 1)} and
 * {@code a + h < n}. Against it, on the same anchors:
 * <ul>
 *   <li>persistence {@code x̂_{a+h} = x_a};</li>
 *   <li>daily seasonal naive {@code x̂_{a+h} = x_{a+h−P}} with P the events per day at the key's
 *       median gap (P ≥ 2), on keys with at least P events before the scored part;</li>
 *   <li>weekly {@code x̂_{a+h} = x_{a+h−7P}}, on keys with at least 7P events before it.</li>
 * </ul>
 * Errors of feature j of key k are divided by {@code c_kj}, the root mean square of the key's
 * one-step changes before its scored part, so keys of any scale weigh alike. The figures are sums of
 * squared scaled errors per horizon; {@link Evaluation} turns them into ratios (1.0 = as good as
 * the naive forecast). Keys are spread over a fixed set of threads and summed in key order, so a
 * result does not depend on the thread count. Close it to stop its threads. Not thread-safe.
 */
public final class ForecastEvaluator implements AutoCloseable {

    /** A model's errors next to the naive forecasts' on the same events. */
    public static final class Evaluation {
        private final double[] model;
        private final double[] persistence;
        private final double[] modelOnDaily;
        private final double[] daily;
        private final double[] modelOnWeekly;
        private final double[] weekly;

        Evaluation(double[] model, double[] persistence, double[] modelOnDaily, double[] daily,
                double[] modelOnWeekly, double[] weekly) {
            this.model = model;
            this.persistence = persistence;
            this.modelOnDaily = modelOnDaily;
            this.daily = daily;
            this.modelOnWeekly = modelOnWeekly;
            this.weekly = weekly;
        }

        /**
         * The validation score: the model's mean squared error relative to persistence, averaged over
         * horizons, {@code (1/N) Σ_h SSE_h(model) / SSE_h(persistence)}. Below 1 beats persistence; NaN
         * when the model's forecasts are not finite.
         */
        public double score() {
            return ratio(model, persistence);
        }

        /** As {@link #score()} against the daily seasonal naive forecast, on the keys it applies to; NaN for none. */
        public double vsDaily() {
            return ratio(modelOnDaily, daily);
        }

        /** As {@link #score()} against the weekly seasonal naive forecast; NaN when it applies to no key. */
        public double vsWeekly() {
            return ratio(modelOnWeekly, weekly);
        }

        /** Root of the model's mean squared error relative to persistence at horizon h (1-based). */
        public double rmseRatio(int h) {
            return Math.sqrt(model[h - 1] / persistence[h - 1]);
        }

        private static double ratio(double[] num, double[] den) {
            double sum = 0;
            int n = 0;
            for (int h = 0; h < num.length; h++) {
                if (den[h] > 0) {
                    sum += num[h] / den[h];
                    n++;
                }
            }
            return n == 0 ? Double.NaN : sum / n;
        }
    }

    private final History history;
    private final List<String> features;
    private final int horizon;
    private final double scaleAlpha;
    private final int[] from;
    private final int[] start;
    /** c_kj, key-major. */
    private final double[] scale;
    /** Events per day of each key, 0 when it has no daily naive forecast here. */
    private final int[] period;
    private final boolean[] daily;
    private final boolean[] weekly;
    private final long steps;
    /** Per key, per horizon: scaled SSE of the last model evaluated. */
    private final double[][] keySse;
    private final double[] persistenceSse;
    private final double[] dailySse;
    private final double[] weeklySse;
    private final ShardRunner runner;

    /**
     * @param history the events; not modified
     * @param features the names of the history's D values, in order
     * @param scoreFrom per key (in {@link History#series()} order) the first event scored; not modified
     * @param warmup W ≥ 1: events replayed before the scored part
     * @param scaleHalfLife the stream's per-key scale half-life, in events
     * @param horizon N ≥ 1: horizons scored
     * @param threads threads that evaluate keys; never changes a result
     */
    public ForecastEvaluator(History history, List<String> features, int[] scoreFrom, int warmup,
            double scaleHalfLife, int horizon, int threads) {
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
        if (horizon < 1) {
            throw new IllegalArgumentException("horizon must be positive: " + horizon);
        }
        this.history = history;
        this.features = List.copyOf(features);
        this.horizon = horizon;
        this.scaleAlpha = KeyScale.alpha(scaleHalfLife);
        int keys = history.keys();
        int d = history.features();
        this.from = scoreFrom.clone();
        this.start = new int[keys];
        this.scale = new double[keys * d];
        this.period = new int[keys];
        this.daily = new boolean[keys];
        this.weekly = new boolean[keys];
        this.keySse = new double[keys][horizon];
        this.persistenceSse = new double[horizon];
        this.dailySse = new double[horizon];
        this.weeklySse = new double[horizon];
        long n = 0;
        for (int k = 0; k < keys; k++) {
            History.KeySeries s = history.series().get(k);
            int len = s.length();
            if (from[k] < 0 || from[k] > len) {
                throw new IllegalArgumentException("scoreFrom[" + k + "] = " + from[k] + " is outside [0, " + len
                        + "]");
            }
            start[k] = Math.max(0, from[k] - warmup);
            n += Math.max(0, len - 1 - firstAnchor(k));
            keyScales(k, s);
            period[k] = eventsPerDay(s);
            daily[k] = period[k] >= 2 && from[k] >= period[k];
            weekly[k] = period[k] >= 2 && from[k] >= 7 * period[k];
            naive(k, s);
        }
        this.steps = n;
        this.runner = new ShardRunner(Math.max(1, threads));
    }

    /** Number of one-step forecasts scored over all keys. */
    public long steps() {
        return steps;
    }

    /** N, the horizons scored. */
    public int horizon() {
        return horizon;
    }

    /** The first anchor of key k: forecasts made after it are scored. */
    private int firstAnchor(int k) {
        return Math.max(start[k], from[k] - 1);
    }

    /** c_kj: RMS one-step change of feature j before the scored part (of the whole series if that is too short). */
    private void keyScales(int k, History.KeySeries s) {
        int d = history.features();
        int end = from[k] >= 2 ? from[k] : s.length();
        for (int j = 0; j < d; j++) {
            double sum = 0;
            for (int t = 1; t < end; t++) {
                double c = s.value(t, j) - s.value(t - 1, j);
                sum += c * c;
            }
            double rms = end > 1 ? Math.sqrt(sum / (end - 1)) : 0;
            scale[k * d + j] = KeyScale.effective(rms, end > 0 ? s.value(end - 1, j) : 0.0);
        }
    }

    /** Events per day at the key's median positive gap, or 0 if that is not at least 2. */
    static int eventsPerDay(History.KeySeries s) {
        long[] gaps = new long[Math.max(0, s.length() - 1)];
        int m = 0;
        for (int t = 1; t < s.length(); t++) {
            long g = s.timestamp(t) - s.timestamp(t - 1);
            if (g > 0) {
                gaps[m++] = g;
            }
        }
        if (m == 0) {
            return 0;
        }
        Arrays.sort(gaps, 0, m);
        long median = gaps[m / 2];
        long p = Math.round(86_400_000.0 / median);
        return p >= 2 && p <= Integer.MAX_VALUE / 8 ? (int) p : 0;
    }

    /** Adds key k's naive-forecast errors to the sums. */
    private void naive(int k, History.KeySeries s) {
        int d = history.features();
        int p = period[k];
        for (int a = firstAnchor(k); a < s.length() - 1; a++) {
            for (int h = 1; h <= horizon && a + h < s.length(); h++) {
                int t = a + h;
                for (int j = 0; j < d; j++) {
                    double c = scale[k * d + j];
                    double x = s.value(t, j);
                    double e = (x - s.value(a, j)) / c;
                    persistenceSse[h - 1] += e * e;
                    if (daily[k]) {
                        double ed = (x - s.value(t - p, j)) / c;
                        dailySse[h - 1] += ed * ed;
                    }
                    if (weekly[k]) {
                        double ew = (x - s.value(t - 7 * p, j)) / c;
                        weeklySse[h - 1] += ew * ew;
                    }
                }
            }
        }
    }

    /**
     * The model's errors next to the naive forecasts, as described in the class comment.
     *
     * @param model not modified; must read exactly the history's features, in any order
     * @throws IllegalArgumentException if the model's features are not the history's
     * @throws IllegalStateException if nothing is scored
     */
    public Evaluation evaluate(GruModel model) {
        if (steps == 0) {
            throw new IllegalStateException("no event is scored: every key's scored part is empty");
        }
        int[] toHistory = mapping(model.featureNames());
        int threads = runner.threads();
        List<Forecaster> forecasters = new ArrayList<>(threads);
        for (int i = 0; i < threads; i++) {
            forecasters.add(new Forecaster(model));
        }
        int keys = from.length;
        runner.run(threads, shard -> {
            Replay r = new Replay(forecasters.get(shard), toHistory);
            for (int k = shard; k < keys; k += threads) {
                r.key(k);
            }
        });
        double[] all = new double[horizon];
        double[] onDaily = new double[horizon];
        double[] onWeekly = new double[horizon];
        for (int k = 0; k < keys; k++) {
            for (int h = 0; h < horizon; h++) {
                all[h] += keySse[k][h];
                if (daily[k]) {
                    onDaily[h] += keySse[k][h];
                }
                if (weekly[k]) {
                    onWeekly[h] += keySse[k][h];
                }
            }
        }
        return new Evaluation(all, persistenceSse.clone(), onDaily, dailySse.clone(), onWeekly, weeklySse.clone());
    }

    /** One shard's replay of keys, with its own forecaster and scratch. */
    private final class Replay {
        final Forecaster forecaster;
        final int[] toHistory;
        final int d;
        final KeyScale keyScale;
        final KeyScale modelScale;
        final double[] h;
        final double[] event;
        final double[] x;
        final double[] previous;
        final double[] xScale;
        final double[] rows;
        final double[] ahead;

        Replay(Forecaster forecaster, int[] toHistory) {
            this.forecaster = forecaster;
            this.toHistory = toHistory;
            this.d = toHistory.length;
            this.keyScale = new KeyScale(d);
            this.modelScale = new KeyScale(d);
            this.h = new double[forecaster.model().layout().stateSize()];
            this.event = new double[d];
            this.x = new double[d];
            this.previous = new double[d];
            this.xScale = new double[d];
            this.rows = new double[forecaster.rows() * d];
            this.ahead = new double[Math.max(horizon, forecaster.rows()) * d];
        }

        void key(int k) {
            History.KeySeries s = history.series().get(k);
            double[] sse = keySse[k];
            Arrays.fill(sse, 0.0);
            Arrays.fill(h, 0.0);
            keyScale.clear();
            for (int t = 0; t < start[k]; t++) {
                s.copyValues(t, event);
                keyScale.observe(event, scaleAlpha);
            }
            int first = firstAnchor(k);
            for (int t = start[k]; t < s.length(); t++) {
                boolean replayStart = t == start[k];
                for (int i = 0; i < d; i++) {
                    previous[i] = keyScale.last(toHistory[i]);
                }
                s.copyValues(t, event);
                keyScale.observe(event, scaleAlpha);
                double[] sc = keyScale.scales();
                for (int i = 0; i < d; i++) {
                    x[i] = event[toHistory[i]];
                    xScale[i] = sc[toHistory[i]];
                }
                long prevTs = replayStart ? Long.MIN_VALUE : s.timestamp(t - 1);
                forecaster.observe(h, x, replayStart ? null : previous, xScale, s.timestamp(t), prevTs, rows);
                if (t < first || t == s.length() - 1) {
                    continue;
                }
                int reach = Math.min(horizon, s.length() - 1 - t);
                if (forecaster.rows() >= reach) {
                    System.arraycopy(rows, 0, ahead, 0, reach * d);
                } else {
                    for (int i = 0; i < d; i++) {
                        previous[i] = keyScale.last(toHistory[i]);
                        xScale[i] = keyScale.meanChange(toHistory[i]);
                    }
                    modelScale.restore(keyScale.count(), previous, xScale);
                    long gap = replayStart ? 0L : s.timestamp(t) - s.timestamp(t - 1);
                    forecaster.ahead(h, modelScale, s.timestamp(t), gap, rows, reach, ahead);
                }
                for (int step = 1; step <= reach; step++) {
                    for (int i = 0; i < d; i++) {
                        int j = toHistory[i];
                        double e = (s.value(t + step, j) - ahead[(step - 1) * d + i]) / scale[k * d + j];
                        sse[step - 1] += e * e;
                    }
                }
            }
        }
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
