package io.grustreams.app.backtest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Forecast errors of a backtest per key, feature and horizon, side by side with the baselines a user
 * checks first, made from the same past: persistence ({@code x̂_{t+h} = x_t}) and, where a key's
 * median time step divides a day into P ≥ 2 steps, the daily seasonal naive forecast
 * ({@code x̂_{t+h} = x_{t+h−P}}) and, where the key spans at least three weeks, the weekly one
 * ({@code x̂_{t+h} = x_{t+h−7P}}). Every forecaster is judged on the same events: those of the
 * evaluated part for which the model had a forecast and every baseline of the key has its value.
 * MAE = mean |e|, RMSE = √(mean e²), MAPE = 100 · mean |e / x| over events with x ≠ 0.
 *
 * <p>Collect with {@link #add}, key by key in event order; then {@link #lines} or {@link #keyLines}.
 * Not thread-safe.
 */
public final class ForecastMetrics {

    private static final long DAY_MS = 86_400_000L;

    /**
     * One key's (or all keys', {@link #ALL}) feature and horizon. Baselines are {@link Errors#NONE}
     * where they do not apply.
     */
    public record Line(String key, String feature, int horizon, long events, Errors model, Errors persistence,
            Errors daily, Errors weekly) {

        /** The lowest RMSE of the baselines that apply. */
        public double bestBaselineRmse() {
            double best = persistence.rmse();
            if (!Double.isNaN(daily.rmse())) {
                best = Math.min(best, daily.rmse());
            }
            if (!Double.isNaN(weekly.rmse())) {
                best = Math.min(best, weekly.rmse());
            }
            return best;
        }

        /** The model's RMSE over the best baseline's; NaN without events. */
        public double ratio() {
            return model.rmse() / bestBaselineRmse();
        }
    }

    /** The key of the lines pooled over every key. */
    public static final String ALL = "(all keys)";

    /** MAE, RMSE and MAPE (percent; NaN when every actual is 0). */
    public record Errors(double mae, double rmse, double mape) {
        static final Errors NONE = new Errors(Double.NaN, Double.NaN, Double.NaN);
    }

    private final List<String> features;
    private final int horizon;
    private final Map<String, Series> series = new LinkedHashMap<>();

    private static final class Series {
        long[] ts = new long[64];
        double[] values;
        double[] forecasts;
        int n;

        Series(int d, int horizon) {
            values = new double[64 * d];
            forecasts = new double[64 * d * horizon];
        }
    }

    public ForecastMetrics(List<String> features, int horizon) {
        this.features = List.copyOf(features);
        this.horizon = horizon;
    }

    /**
     * Records one event of {@code key}.
     *
     * @param values D values. Not modified.
     * @param forecasts {@code horizon · D}: row k the model's forecast of the event k + 1 ahead, made
     *     after this one; NaN without a model. Not modified.
     */
    public void add(String key, long timestamp, double[] values, double[] forecasts) {
        int d = features.size();
        Series s = series.computeIfAbsent(key, k -> new Series(d, horizon));
        if (s.n == s.ts.length) {
            s.ts = Arrays.copyOf(s.ts, s.n * 2);
            s.values = Arrays.copyOf(s.values, s.n * 2 * d);
            s.forecasts = Arrays.copyOf(s.forecasts, s.n * 2 * d * horizon);
        }
        s.ts[s.n] = timestamp;
        System.arraycopy(values, 0, s.values, s.n * d, d);
        System.arraycopy(forecasts, 0, s.forecasts, s.n * d * horizon, d * horizon);
        s.n++;
    }

    /** The keys recorded, in order of first appearance. */
    public List<String> keys() {
        return List.copyOf(series.keySet());
    }

    /** Events recorded for {@code key}. */
    public int events(String key) {
        Series s = series.get(key);
        return s == null ? 0 : s.n;
    }

    /** Event t of a key: its time. */
    public long timestamp(String key, int t) {
        return series.get(key).ts[t];
    }

    /** Event t of a key: feature j's value. */
    public double value(String key, int t, int j) {
        return series.get(key).values[t * features.size() + j];
    }

    /** The forecast of feature j made after event t of a key for the event h ahead; NaN without a model. */
    public double forecast(String key, int t, int h, int j) {
        return series.get(key).forecasts[(t * horizon + h - 1) * features.size() + j];
    }

    /** P of a key: events per day at its median step, or 0 if that step does not divide a day into ≥ 2. */
    public int dailyPeriod(String key) {
        Series s = series.get(key);
        return s == null ? 0 : dailyPeriod(s.ts, s.n);
    }

    public static int dailyPeriod(long[] ts, int n) {
        if (n < 3) {
            return 0;
        }
        long[] gaps = new long[n - 1];
        for (int i = 1; i < n; i++) {
            gaps[i - 1] = ts[i] - ts[i - 1];
        }
        Arrays.sort(gaps);
        long g = gaps[gaps.length / 2];
        if (g <= 0 || DAY_MS % g != 0 || DAY_MS / g < 2 || DAY_MS / g > n / 2) {
            return 0;
        }
        return (int) (DAY_MS / g);
    }

    /** Whether the weekly naive forecast applies to a key: it has a daily period and spans three weeks. */
    public boolean weekly(String key) {
        int p = dailyPeriod(key);
        return p > 0 && events(key) >= 21L * p;
    }

    /** One line per feature and horizon over all keys and events, feature-major. */
    public List<Line> lines() {
        return lines(0.0);
    }

    /**
     * One line per feature and horizon over all keys, feature-major, each key judged on its events
     * from {@code fromFraction} of them on.
     */
    public List<Line> lines(double fromFraction) {
        return compute(List.copyOf(series.keySet()), ALL, fromFraction);
    }

    /** One line per feature and horizon for {@code key}, on its events from {@code fromFraction} of them on. */
    public List<Line> keyLines(String key, double fromFraction) {
        return compute(List.of(key), key, fromFraction);
    }

    private List<Line> compute(List<String> keys, String label, double fromFraction) {
        int d = features.size();
        List<Line> out = new ArrayList<>();
        for (int j = 0; j < d; j++) {
            for (int h = 1; h <= horizon; h++) {
                Acc model = new Acc();
                Acc persistence = new Acc();
                Acc daily = new Acc();
                Acc weekly = new Acc();
                boolean anyDaily = false;
                boolean anyWeekly = false;
                for (String key : keys) {
                    Series s = series.get(key);
                    int p = dailyPeriod(key);
                    boolean w = weekly(key);
                    anyDaily |= p > 0;
                    anyWeekly |= w;
                    int lag = w ? 7 * p : p;
                    for (int t = (int) Math.floor(s.n * fromFraction); t + h < s.n; t++) {
                        double f = s.forecasts[(t * horizon + h - 1) * d + j];
                        if (Double.isNaN(f) || (p > 0 && t + h - lag < 0)) {
                            continue;
                        }
                        double actual = s.values[(t + h) * d + j];
                        model.add(actual, f);
                        persistence.add(actual, s.values[t * d + j]);
                        if (p > 0) {
                            daily.add(actual, s.values[(t + h - p) * d + j]);
                        }
                        if (w) {
                            weekly.add(actual, s.values[(t + h - 7 * p) * d + j]);
                        }
                    }
                }
                // Pooled over keys, a baseline counts only if it applies to every key.
                boolean useDaily = anyDaily && daily.n == model.n;
                boolean useWeekly = anyWeekly && weekly.n == model.n;
                out.add(new Line(label, features.get(j), h, model.n, model.errors(), persistence.errors(),
                        useDaily ? daily.errors() : Errors.NONE, useWeekly ? weekly.errors() : Errors.NONE));
            }
        }
        return out;
    }

    private static final class Acc {
        long n;
        long nonZero;
        double abs;
        double sq;
        double pct;

        void add(double actual, double forecast) {
            double e = actual - forecast;
            n++;
            abs += Math.abs(e);
            sq += e * e;
            if (actual != 0) {
                nonZero++;
                pct += Math.abs(e / actual);
            }
        }

        Errors errors() {
            if (n == 0) {
                return Errors.NONE;
            }
            return new Errors(abs / n, Math.sqrt(sq / n), nonZero == 0 ? Double.NaN : 100 * pct / nonZero);
        }
    }
}
