package io.grustreams.app.backtest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Forecast errors of a backtest per feature and horizon, side by side with two baselines made from
 * the same past: persistence ({@code x̂_{t+h} = x_t}) and, when every key's median time step divides a
 * day into P ≥ 2 steps, seasonal persistence ({@code x̂_{t+h} = x_{t+h-P}}). Every forecaster is
 * judged on the same events: those for which the model had a forecast (and, with the seasonal
 * baseline, t + h − P ≥ 0). MAE = mean |e|, RMSE = √(mean e²), MAPE = 100 · mean |e / x| over
 * events with x ≠ 0.
 *
 * <p>Collect with {@link #add}, key by key in event order; then {@link #lines}. Not thread-safe.
 */
public final class ForecastMetrics {

    private static final long DAY_MS = 86_400_000L;

    /** One feature's and horizon's errors. NaN where a forecaster is not available. */
    public record Line(String feature, int horizon, long events, Errors model, Errors persistence, Errors seasonal) {
    }

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

    /** The daily period P of every key, or 0 if some key's median step does not divide a day in ≥ 2. */
    public int dailyPeriod() {
        int common = -1;
        for (Series s : series.values()) {
            int p = dailyPeriod(s.ts, s.n);
            if (p == 0 || (common != -1 && common != p)) {
                return 0;
            }
            common = p;
        }
        return Math.max(common, 0);
    }

    static int dailyPeriod(long[] ts, int n) {
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

    /** One line per feature and horizon, feature-major. */
    public List<Line> lines() {
        int d = features.size();
        int p = dailyPeriod();
        List<Line> out = new ArrayList<>();
        for (int j = 0; j < d; j++) {
            for (int h = 1; h <= horizon; h++) {
                Acc model = new Acc();
                Acc persistence = new Acc();
                Acc seasonal = new Acc();
                for (Series s : series.values()) {
                    for (int t = 0; t + h < s.n; t++) {
                        double f = s.forecasts[(t * horizon + h - 1) * d + j];
                        if (Double.isNaN(f) || (p > 0 && t + h - p < 0)) {
                            continue;
                        }
                        double actual = s.values[(t + h) * d + j];
                        model.add(actual, f);
                        persistence.add(actual, s.values[t * d + j]);
                        if (p > 0) {
                            seasonal.add(actual, s.values[(t + h - p) * d + j]);
                        }
                    }
                }
                out.add(new Line(features.get(j), h, model.n, model.errors(), persistence.errors(),
                        p > 0 ? seasonal.errors() : Errors.NONE));
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
