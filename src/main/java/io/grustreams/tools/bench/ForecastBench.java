package io.grustreams.tools.bench;

import io.grustreams.app.backtest.Backtest;
import io.grustreams.app.backtest.BacktestConfig;
import io.grustreams.app.backtest.ForecastMetrics;
import io.grustreams.app.cli.SettingsOptions;
import io.grustreams.app.train.TrainingOptions;
import io.grustreams.engine.EngineConfig;
import io.grustreams.model.InputSpec;
import io.grustreams.model.TimeInput;
import io.grustreams.stream.StreamSettings;
import io.grustreams.tools.bench.ForecastSuite;
import io.grustreams.tools.nab.NabCorpus;
import io.grustreams.tools.nab.NabDataFile;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gru-streams bench forecast}: the forecasting benchmark. Runs the {@link ForecastSuite}
 * strictly online through the backtest (the stream's per-key code, the trainer on past events
 * only), and judges every series on the second half of its events against persistence and the
 * seasonal naive forecasts: per series and pooled, MAE and RMSE at each horizon and the ratio of
 * the GRU's RMSE to the best baseline's. Prints a table and the goals, writes {@code forecast.csv}
 * and a self-contained {@code forecast.html} with a plot per series. Deterministic: the same build,
 * settings and corpus give the same figures.
 */
@Command(name = "forecast",
        mixinStandardHelpOptions = true,
        description = {"The forecasting benchmark: NAB series with a daily pattern (each its own key) and the",
            "realKnownCause series as keys of one model, strictly online, judged on each series' second half",
            "against persistence and the daily and weekly seasonal naive forecasts."})
public final class ForecastBench implements Callable<Integer> {

    /** Share of a series (from its start) whose events are not judged: the models learn there. */
    static final double JUDGED_FROM = 0.5;
    /** Share of a run the first model is trained on. */
    static final double INITIAL = 0.15;

    @Option(names = "--nab-dir", defaultValue = "../shared/nab", paramLabel = "DIR",
            description = "NAB directory (data/ is read). Default: ${DEFAULT-VALUE}.")
    Path nabDir;

    @Option(names = "--out", defaultValue = "forecast-bench", paramLabel = "DIR",
            description = "Where forecast.csv and forecast.html go. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--horizon", defaultValue = "5", paramLabel = "N",
            description = "Horizons 1..N judged. Default: ${DEFAULT-VALUE}.")
    int horizon;

    @Option(names = "--jobs", defaultValue = "2", description = "Runs at once (each trains on one thread). "
            + "Default: ${DEFAULT-VALUE}.")
    int jobs;

    @Option(names = "--retrain-days", defaultValue = "7", paramLabel = "D",
            description = "Days of events between retrainings (a weekly retraining by default), whatever a series' "
                    + "step. Default: ${DEFAULT-VALUE}.")
    double retrainDays;

    @Option(names = "--only", paramLabel = "SUBSTRING",
            description = "Run only the series whose path contains this (repeatable); the mixed run as 'mixed'.")
    List<String> only = new ArrayList<>();

    @CommandLine.Mixin
    SettingsOptions settingsOptions = new SettingsOptions();

    @CommandLine.Mixin
    TrainingOptions training = new TrainingOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** One run's outcome. */
    record Result(String name, boolean mixed, ForecastSuite.Run run, ForecastMetrics metrics,
            List<Backtest.Training> trainings, double seconds) {
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter pw = spec.commandLine().getOut();
        long start = System.nanoTime();
        StreamSettings settings = settingsOptions.settings(Map.of(StreamSettings.FEATURES, "value"));
        EngineConfig engine = settings.engine().withHorizon(horizon);
        BacktestConfig base = BacktestConfig.defaults(engine);
        base = base.withRetrain(training.apply(base.retrain()));
        NabCorpus corpus = NabCorpus.load(nabDir);
        List<NabDataFile> daily = ForecastSuite.dailySeries(corpus);
        List<ForecastSuite.Run> runs = new ArrayList<>();
        List<Boolean> mixedFlags = new ArrayList<>();
        for (NabDataFile f : daily) {
            if (selected(f.relativePath())) {
                runs.add(ForecastSuite.single(f));
                mixedFlags.add(false);
            }
        }
        if (selected("mixed")) {
            runs.add(ForecastSuite.mixed("mixed:" + ForecastSuite.MIXED_CATEGORY, ForecastSuite.mixedSeries(corpus)));
            mixedFlags.add(true);
        }
        InputSpec in = engine.inputs();
        pw.printf(Locale.ROOT, "bench forecast: %s; %d runs (%d series with a daily pattern, %s), horizon %d; "
                + "%s scaling (half-life %s events), time inputs %s in %s, %s readout, %s %s, %d layer(s), H %d%n",
                BenchHarness.machine(), runs.size(), daily.size(),
                selected("mixed") ? "the mixed-scale run" : "no mixed run", horizon, in.scaling().id(),
                in.scaleHalfLife(), in.time().stream().map(TimeInput::id).toList(), in.zone(),
                base.retrain().readout().id(), base.retrain().cell().id(), base.retrain().variant().id(),
                base.retrain().layers(), base.retrain().hiddenSize());
        pw.flush();
        List<Result> results = runAll(base, runs, mixedFlags, pw);
        String table = table(results);
        pw.print(table);
        pw.print(goals(results));
        Files.createDirectories(out);
        Files.writeString(out.resolve("forecast.csv"), csv(results), StandardCharsets.UTF_8);
        Files.writeString(out.resolve("forecast.html"), ForecastReportPage.html(results, horizon, table),
                StandardCharsets.UTF_8);
        pw.printf(Locale.ROOT, "wrote %s and %s; %.0f s%n", out.resolve("forecast.csv"), out.resolve("forecast.html"),
                (System.nanoTime() - start) / 1e9);
        pw.flush();
        return 0;
    }

    private boolean selected(String name) {
        if (only.isEmpty()) {
            return true;
        }
        for (String s : only) {
            if (name.contains(s)) {
                return true;
            }
        }
        return false;
    }

    private List<Result> runAll(BacktestConfig base, List<ForecastSuite.Run> runs, List<Boolean> mixed,
            PrintWriter pw) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, jobs), r -> {
            Thread t = new Thread(r, "bench-forecast");
            t.setDaemon(true);
            return t;
        });
        try {
            // The longest run first, so that it does not end the bench alone.
            Integer[] order = new Integer[runs.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Integer.compare(runs.get(b).size(), runs.get(a).size()));
            Future<?>[] byIndex = new Future<?>[runs.size()];
            for (int i : order) {
                ForecastSuite.Run run = runs.get(i);
                boolean m = mixed.get(i);
                byIndex[i] = pool.submit(() -> {
                    long t0 = System.nanoTime();
                    List<Backtest.Training> trainings = new ArrayList<>();
                    BacktestConfig c = base.withRetrainEvery(ForecastSuite.eventsPer(run, retrainDays));
                    ForecastMetrics metrics = ForecastSuite.replay(c, run, INITIAL, trainings);
                    Result r = new Result(run.name(), m, run, metrics, trainings, (System.nanoTime() - t0) / 1e9);
                    synchronized (pw) {
                        pw.printf(Locale.ROOT, "  %-60s %6d events %6.1f s, %d models trained, %d published%n",
                                run.name(), run.size(), r.seconds(), trainings.size(),
                                trainings.stream().filter(Backtest.Training::published).count());
                        pw.flush();
                    }
                    return r;
                });
            }
            List<Result> results = new ArrayList<>();
            for (Future<?> f : byIndex) {
                @SuppressWarnings("unchecked")
                Future<Result> fr = (Future<Result>) f;
                results.add(fr.get());
            }
            return results;
        } catch (ExecutionException e) {
            throw new IllegalStateException("a run failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Per series (a mixed run: per key), the judged lines at every horizon. */
    static List<ForecastMetrics.Line> lines(Result r) {
        List<ForecastMetrics.Line> out = new ArrayList<>();
        for (String key : r.metrics().keys()) {
            out.addAll(r.metrics().keyLines(key, JUDGED_FROM));
        }
        return out;
    }

    static String table(List<Result> results) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-58s %2s %7s %10s %10s %10s %10s %7s%n", "series", "h", "events",
                "GRU RMSE", "persist.", "daily", "weekly", "GRU/best"));
        for (Result r : results) {
            for (ForecastMetrics.Line l : lines(r)) {
                sb.append(String.format(Locale.ROOT, "%-58s %2d %7d %10.4g %10.4g %10.4g %10.4g %7.3f%n",
                        (r.mixed() ? "mixed " : "") + l.key(), l.horizon(), l.events(), l.model().rmse(),
                        l.persistence().rmse(), l.daily().rmse(), l.weekly().rmse(), l.ratio()));
            }
        }
        return sb.toString();
    }

    /** The goals of the forecasting issue, as measured here. */
    static String goals(List<Result> results) {
        StringBuilder sb = new StringBuilder();
        int maxH = 0;
        List<double[]> daily = new ArrayList<>();
        for (Result r : results) {
            if (!r.mixed()) {
                List<ForecastMetrics.Line> ls = lines(r);
                maxH = ls.size();
                daily.add(new double[] {ls.get(0).ratio(), ls.get(ls.size() - 1).ratio()});
            }
        }
        if (!daily.isEmpty()) {
            for (int col = 0; col < 2; col++) {
                double[] v = new double[daily.size()];
                int within = 0;
                for (int i = 0; i < v.length; i++) {
                    v[i] = daily.get(i)[col];
                    within += v[i] <= 1.0 ? 1 : 0;
                }
                Arrays.sort(v);
                double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
                sb.append(String.format(Locale.ROOT,
                        "daily-pattern series, h%d: GRU/best baseline <= 1.0 on %d of %d (%.0f %%), median %.3f%n",
                        col == 0 ? 1 : maxH, within, v.length, 100.0 * within / v.length, median));
            }
        }
        for (Result r : results) {
            if (r.mixed()) {
                int within = 0;
                double worst = 0;
                for (String key : r.metrics().keys()) {
                    double ratio = r.metrics().keyLines(key, JUDGED_FROM).get(0).ratio();
                    within += ratio <= 1.0 ? 1 : 0;
                    worst = Double.isNaN(ratio) ? Double.NaN : Math.max(worst, ratio);
                }
                sb.append(String.format(Locale.ROOT, "mixed scales, h1: GRU/best baseline <= 1.0 on %d of %d keys, "
                        + "worst %.3f%n", within, r.metrics().keys().size(), worst));
            }
        }
        return sb.toString();
    }

    static String csv(List<Result> results) {
        StringBuilder sb = new StringBuilder("run,series,horizon,events,gru_mae,gru_rmse,persistence_mae,"
                + "persistence_rmse,daily_mae,daily_rmse,weekly_mae,weekly_rmse,gru_over_best_rmse\n");
        for (Result r : results) {
            for (ForecastMetrics.Line l : lines(r)) {
                sb.append(String.join(",", r.name(), l.key(), Integer.toString(l.horizon()),
                        Long.toString(l.events()), num(l.model().mae()), num(l.model().rmse()),
                        num(l.persistence().mae()), num(l.persistence().rmse()), num(l.daily().mae()),
                        num(l.daily().rmse()), num(l.weekly().mae()), num(l.weekly().rmse()), num(l.ratio())));
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : Double.toString(v);
    }
}
