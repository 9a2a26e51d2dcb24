package io.grustreams.app.cli;

import io.grustreams.anomaly.AnomalyVerdict;
import io.grustreams.app.Csv;
import io.grustreams.app.backtest.Backtest;
import io.grustreams.app.backtest.BacktestConfig;
import io.grustreams.app.backtest.ForecastMetrics;
import io.grustreams.app.train.TrainingOptions;
import io.grustreams.engine.EngineConfig;
import io.grustreams.stream.StreamSettings;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gru-streams backtest}: replays a CSV through the stream's per-key code strictly online
 * ({@link Backtest}), writes one row per input row and prints forecast errors per horizon next to
 * persistence and seasonal persistence ({@link ForecastMetrics}).
 */
@Command(name = "backtest",
        mixinStandardHelpOptions = true,
        description = {"Replay a CSV through the stream's processing, strictly online: the first model is trained",
            "on an initial part only, then retrained on schedule over past rows. Writes one row per input row",
            "and prints MAE, RMSE and MAPE per horizon next to persistence and seasonal persistence. A row older",
            "than its key's last row, or a repeat of it, is left out as the stream dead-letters it."})
public final class BacktestCommand implements Callable<Integer> {


    @Option(names = "--input", required = true, paramLabel = "FILE.csv",
            description = "CSV with a header; rows in event order.")
    Path input;

    @Option(names = "--key-column", paramLabel = "C", description = "Column holding the key. Default: one key.")
    String keyColumn;

    @Option(names = "--time-column", defaultValue = "timestamp", paramLabel = "C",
            description = "Column holding the event time: epoch ms, an ISO-8601 instant, or 'yyyy-MM-dd HH:mm:ss' "
                    + "(UTC). Default: ${DEFAULT-VALUE}.")
    String timeColumn;

    @Option(names = "--value-column", paramLabel = "C",
            description = "A feature column (repeatable, in feature order). Default: value.")
    List<String> valueColumns = new ArrayList<>();

    @Option(names = "--horizon", paramLabel = "N",
            description = "Forecast 1..N events ahead. Default: gru.forecast.horizon (1).")
    Integer horizon;

    @CommandLine.Mixin
    SettingsOptions settingsOptions = new SettingsOptions();

    @CommandLine.Mixin
    TrainingOptions training = new TrainingOptions();

    @Option(names = "--initial-fraction", defaultValue = "0.15", paramLabel = "F",
            description = "The first model is trained on this first part of the rows. Default: ${DEFAULT-VALUE}.")
    double initialFraction;

    @Option(names = "--retrain-every", defaultValue = "1000", paramLabel = "N",
            description = "Rows between retrainings after the first model (0: never). Default: ${DEFAULT-VALUE}.")
    int retrainEvery;

    @Option(names = "--out", required = true, paramLabel = "OUT.csv", description = "Where to write the rows.")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The input read into memory. */
    record Input(List<String> keys, long[] timestamps, List<double[]> values) {
    }

    @Override
    public Integer call() throws Exception {
        List<String> features = valueColumns.isEmpty() ? List.of("value") : List.copyOf(valueColumns);
        Input in = read(input, keyColumn, timeColumn, features);
        int n = in.timestamps().length;
        if (!(initialFraction > 0 && initialFraction < 1)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--initial-fraction must be in (0, 1)");
        }
        StreamSettings settings = settingsOptions.settings(Map.of(StreamSettings.FEATURES, String.join(",", features)));
        EngineConfig engine = settings.engine();
        if (horizon != null) {
            engine = engine.withHorizon(horizon);
        }
        int horizon = engine.horizon();
        BacktestConfig config = BacktestConfig.defaults(engine).withRetrainEvery(retrainEvery)
                .withInitialEvents(Math.max(2, (int) (n * initialFraction)));
        config = config.withRetrain(training.apply(config.retrain()));
        PrintWriter pw = spec.commandLine().getOut();
        ForecastMetrics metrics = new ForecastMetrics(features, horizon);
        Backtest backtest = new Backtest(config);
        try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            w.write(header(features, horizon));
            w.write('\n');
            StringBuilder line = new StringBuilder(128);
            IOException[] failure = new IOException[1];
            backtest.run(in.keys(), in.timestamps(), in.values(), (i, key, ts, values, forecasts, outcome) -> {
                boolean accepted = outcome.accepted();
                if (accepted) {
                    // A row left out is not part of the key's sequence, for the baselines either.
                    metrics.add(key, ts, values, forecasts);
                }
                line.setLength(0);
                line.append(ts).append(',').append(key);
                for (double v : values) {
                    line.append(',').append(v);
                }
                for (int j = 0; j < features.size(); j++) {
                    for (int h = 0; h < horizon; h++) {
                        double f = forecasts[h * features.size() + j];
                        line.append(',');
                        if (!Double.isNaN(f)) {
                            line.append(f);
                        }
                    }
                }
                AnomalyVerdict v = outcome.verdict();
                boolean scored = accepted && !outcome.modelless() && !outcome.nonFinite() && v.scored();
                line.append(',');
                if (scored) {
                    line.append(v.rawScore());
                }
                line.append(',');
                if (scored) {
                    line.append(v.likelihood());
                }
                line.append(',').append(accepted && !outcome.modelless() && !outcome.nonFinite() && v.alertOpen()
                        ? "open" : "closed");
                line.append(',').append(accepted ? "" : outcome.order().code()).append('\n');
                try {
                    w.append(line);
                } catch (IOException e) {
                    failure[0] = e;
                }
            });
            if (failure[0] != null) {
                throw failure[0];
            }
        }
        for (Backtest.Training t : backtest.trainings()) {
            pw.printf(Locale.ROOT, "model v%d after %d rows: %s: %s (%.1f s, %d epochs, best %d)%n", t.version(),
                    t.afterEvents(), t.published() ? "published" : "not published", t.reason(), t.seconds(),
                    t.epochs(), t.bestEpoch());
        }
        backtest.leftOut().forEach((order, count) -> pw.printf(Locale.ROOT,
                "rows left out as %s: %d (the stream dead-letters such rows; see the column dead_letter)%n",
                order.code(), count));
        pw.println(metricsTable(metrics));
        pw.flush();
        return 0;
    }

    static String header(List<String> features, int horizon) {
        StringBuilder h = new StringBuilder("timestamp,key");
        for (String f : features) {
            h.append(',').append(f);
        }
        for (String f : features) {
            for (int k = 1; k <= horizon; k++) {
                h.append(',').append(f).append("_forecast_").append(k);
            }
        }
        return h.append(",anomaly_score,likelihood,alert,dead_letter").toString();
    }

    /** The metrics as a table: one line per feature and horizon, model then baselines. */
    static String metricsTable(ForecastMetrics metrics) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-12s %3s %8s  %-27s  %-27s  %-27s  %-27s  %s%n", "feature", "h", "events",
                "GRU MAE/RMSE/MAPE%", "persistence", "daily naive", "weekly naive", "GRU/best RMSE"));
        for (ForecastMetrics.Line l : metrics.lines()) {
            sb.append(String.format(Locale.ROOT, "%-12s %3d %8d  %s  %s  %s  %s  %.3f%n", l.feature(), l.horizon(),
                    l.events(), cell(l.model()), cell(l.persistence()), cell(l.daily()), cell(l.weekly()), l.ratio()));
        }
        return sb.toString().stripTrailing();
    }

    private static String cell(ForecastMetrics.Errors e) {
        return String.format(Locale.ROOT, "%8.4g %8.4g %8.3g ", e.mae(), e.rmse(), e.mape());
    }

    /** Reads the CSV: header, then rows; fields may be double-quoted ({@link Csv#fields}). */
    static Input read(Path file, String keyColumn, String timeColumn, List<String> features) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException(file + " is empty");
        }
        String[] header = split(Csv.stripBom(lines.get(0)), file, 1);
        int keyAt = keyColumn == null ? -1 : column(header, keyColumn, file);
        int timeAt = column(header, timeColumn, file);
        int[] valueAt = new int[features.size()];
        for (int j = 0; j < valueAt.length; j++) {
            valueAt[j] = column(header, features.get(j), file);
        }
        List<String> keys = new ArrayList<>();
        List<double[]> values = new ArrayList<>();
        long[] ts = new long[lines.size() - 1];
        int n = 0;
        for (int r = 1; r < lines.size(); r++) {
            String raw = lines.get(r);
            if (raw.isBlank()) {
                continue;
            }
            String[] f = split(raw, file, r + 1);
            if (f.length != header.length) {
                throw new IllegalArgumentException(file + " line " + (r + 1) + " has " + f.length + " fields, the header "
                        + header.length);
            }
            keys.add(keyAt < 0 ? "" : f[keyAt]);
            ts[n++] = time(f[timeAt], file, r + 1);
            double[] v = new double[valueAt.length];
            for (int j = 0; j < v.length; j++) {
                try {
                    v[j] = Double.parseDouble(f[valueAt[j]]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(file + " line " + (r + 1) + " column " + features.get(j)
                            + " is not a number: " + f[valueAt[j]], e);
                }
                if (!Double.isFinite(v[j])) {
                    throw new IllegalArgumentException(file + " line " + (r + 1) + " column " + features.get(j)
                            + " is not finite");
                }
            }
            values.add(v);
        }
        return new Input(keys, Arrays.copyOf(ts, n), values);
    }

    private static int column(String[] header, String name, Path file) {
        for (int i = 0; i < header.length; i++) {
            if (header[i].equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException(file + " has no column " + name + " (header: " + String.join(",", header)
                + ")");
    }

    private static long time(String s, Path file, int line) {
        try {
            return Csv.epochMillis(s);
        } catch (DateTimeParseException | NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(file + " line " + line + ": unreadable time " + s, e);
        }
    }

    /** The stripped fields of one line ({@link Csv#fields}). */
    private static String[] split(String line, Path file, int lineNumber) {
        List<String> fields = Csv.fields(line);
        if (fields == null) {
            throw new IllegalArgumentException(file + " line " + lineNumber + " leaves a quote open");
        }
        String[] f = new String[fields.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = fields.get(i).strip();
        }
        return f;
    }
}
