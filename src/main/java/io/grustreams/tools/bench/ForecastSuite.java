package io.grustreams.tools.bench;

import io.grustreams.app.backtest.Backtest;
import io.grustreams.app.backtest.BacktestConfig;
import io.grustreams.app.backtest.ForecastMetrics;
import io.grustreams.tools.nab.NabCorpus;
import io.grustreams.tools.nab.NabDataFile;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * The forecasting benchmark's suite of real series, chosen by rule from a NAB corpus, and one
 * strictly online {@link Backtest} per run:
 * <ul>
 *   <li>every real series (categories {@code real*}) with a daily pattern, each as its own key: its
 *       median step divides a day into P ≥ 2 events, it spans at least three days, and the lag-P
 *       autocorrelation of the series minus its centered one-day moving average is at least
 *       {@value #DAILY_PATTERN_MIN} ({@link #dailyPatternStrength}): the same time yesterday tells
 *       something the level alone does not, whatever the level does over the file;</li>
 *   <li>the {@code realKnownCause} series together, as keys of one model (scales from 0.1 to 40,000,
 *       steps of five minutes to an hour): each series moved by whole weeks so that all start in the
 *       same week (time of day and day of week unchanged), their events merged in time order, as a
 *       fleet's keys arrive together.</li>
 * </ul>
 * NAB timestamps carry no zone; they are read as UTC. Immutable.
 */
public final class ForecastSuite {

    /** Smallest {@link #dailyPatternStrength} of a series with a daily pattern. */
    public static final double DAILY_PATTERN_MIN = 0.25;
    /** The category whose series form the mixed-scale run. */
    public static final String MIXED_CATEGORY = "realKnownCause";

    private static final long DAY_MS = 86_400_000L;
    private static final long WEEK_MS = 7 * DAY_MS;

    /** Events of one backtest, in replay order. */
    public record Run(String name, List<String> keys, long[] timestamps, List<double[]> values) {

        /** Events in the run. */
        public int size() {
            return timestamps.length;
        }
    }

    private ForecastSuite() {
    }

    /** The real series with a daily pattern, in corpus order. */
    public static List<NabDataFile> dailySeries(NabCorpus corpus) {
        List<NabDataFile> out = new ArrayList<>();
        for (NabDataFile f : corpus.files()) {
            if (f.category().startsWith("real") && dailyPatternStrength(f) >= DAILY_PATTERN_MIN) {
                out.add(f);
            }
        }
        return out;
    }

    /** The series of the mixed-scale run, in corpus order. */
    public static List<NabDataFile> mixedSeries(NabCorpus corpus) {
        List<NabDataFile> out = new ArrayList<>();
        for (NabDataFile f : corpus.files()) {
            if (f.category().equals(MIXED_CATEGORY)) {
                out.add(f);
            }
        }
        return out;
    }

    /**
     * The autocorrelation at lag P (one day of events at the median step) of {@code x_t − m_t}, m_t the
     * mean of the P events centered on t; NaN-free: 0 when the series has no daily period, spans
     * less than three days, or does not vary.
     */
    public static double dailyPatternStrength(NabDataFile f) {
        int n = f.rowCount();
        long[] ts = millis(f);
        int p = ForecastMetrics.dailyPeriod(ts, n);
        if (p < 2 || n < 3 * p) {
            return 0;
        }
        double[] x = f.values();
        // Centered moving sums over P events (P even: the window [t − P/2, t + P/2)).
        int half = p / 2;
        int m = n - p;
        double[] r = new double[m];
        double window = 0;
        for (int i = 0; i < p; i++) {
            window += x[i];
        }
        for (int k = 0; k < m; k++) {
            int t = k + half;
            r[k] = x[t] - window / p;
            window += x[k + p] - x[k];
        }
        double mean = 0;
        for (double v : r) {
            mean += v;
        }
        mean /= m;
        double var = 0;
        for (double v : r) {
            var += (v - mean) * (v - mean);
        }
        if (!(var > 0)) {
            return 0;
        }
        double cov = 0;
        for (int k = p; k < m; k++) {
            cov += (r[k] - mean) * (r[k - p] - mean);
        }
        return cov / var;
    }

    /** One series as one key. */
    public static Run single(NabDataFile f) {
        int n = f.rowCount();
        List<double[]> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            values.add(new double[] {f.value(i)});
        }
        return new Run(f.relativePath(), Collections.nCopies(n, f.relativePath()), millis(f), values);
    }

    /** Several series as keys of one run: moved by whole weeks to start in the earliest one's week, merged in time. */
    public static Run mixed(String name, List<NabDataFile> files) {
        long earliest = Long.MAX_VALUE;
        for (NabDataFile f : files) {
            earliest = Math.min(earliest, millis(f)[0]);
        }
        record Event(long ts, int file, int row) {
        }
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            long[] ts = millis(files.get(i));
            long shift = Math.floorDiv(ts[0] - earliest, WEEK_MS) * WEEK_MS;
            for (int r = 0; r < ts.length; r++) {
                events.add(new Event(ts[r] - shift, i, r));
            }
        }
        // Stable: a key's events stay in file order; ties between keys go by file order.
        events.sort(Comparator.comparingLong(Event::ts).thenComparingInt(Event::file));
        List<String> keys = new ArrayList<>(events.size());
        long[] timestamps = new long[events.size()];
        List<double[]> values = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            Event e = events.get(i);
            keys.add(files.get(e.file()).relativePath());
            timestamps[i] = e.ts();
            values.add(new double[] {files.get(e.file()).value(e.row())});
        }
        return new Run(name, keys, timestamps, values);
    }

    /**
     * Events of a run in {@code days} days at its average rate (events over the span of their times),
     * at least 1: a retraining schedule in data time, the same for series of any step.
     */
    public static int eventsPer(Run run, double days) {
        long[] ts = run.timestamps();
        long span = ts[ts.length - 1] - ts[0];
        if (span <= 0) {
            return Math.max(1, ts.length);
        }
        return (int) Math.max(1, Math.round(ts.length * days * DAY_MS / span));
    }

    /**
     * Replays a run strictly online and collects its forecasts.
     *
     * @param config the backtest's configuration; its initial part is set to {@code initialFraction} of the run
     */
    public static ForecastMetrics replay(BacktestConfig config, Run run, double initialFraction,
            List<Backtest.Training> trainings) {
        BacktestConfig c = config.withInitialEvents(Math.max(2, (int) (run.size() * initialFraction)));
        ForecastMetrics metrics = new ForecastMetrics(c.features(), c.horizon());
        Backtest backtest = new Backtest(c);
        backtest.run(run.keys(), run.timestamps(), run.values(),
                (i, key, ts, values, forecasts, outcome) -> {
                    // A row left out for its order is not part of the key's sequence, for the baselines either.
                    if (outcome.accepted()) {
                        metrics.add(key, ts, values, forecasts);
                    }
                });
        trainings.addAll(backtest.trainings());
        return metrics;
    }

    private static long[] millis(NabDataFile f) {
        long[] ts = new long[f.rowCount()];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = f.timestamp(i).toInstant(ZoneOffset.UTC).toEpochMilli();
        }
        return ts;
    }

    /** For tests: the timestamps of a file as the suite reads them. */
    static long[] timestamps(NabDataFile f) {
        return Arrays.copyOf(millis(f), f.rowCount());
    }
}
