package io.grustreams.app.cli;

import io.grustreams.anomaly.AnomalyConfig;
import io.grustreams.app.Csv;
import io.grustreams.engine.EngineConfig;
import io.grustreams.engine.KeyProcessor;
import io.grustreams.model.GruModel;
import io.grustreams.model.InputSpec;
import io.grustreams.model.codec.ModelCodec;
import io.grustreams.stream.ShortestDouble;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gru-streams model forecast}: runs a model file over a CSV of events, every key from a
 * zero state, and writes the forecasts made after each row. Each row goes through the stream's
 * per-key engine ({@link KeyProcessor}: per-key scale, inputs, one step of every layer, readout,
 * forecasts rolled forward for an iterated readout), so the numbers are the ones the stream would
 * write for the same events under this model. No training, no model lifecycle: the model serves
 * every row whatever its {@code effectiveFrom}.
 *
 * <p>Input: header {@code key,timestamp,<feature>...} with the model's features in any order;
 * timestamps as {@code produce} reads them (epoch ms, ISO-8601, or a UTC date-time). Output: per
 * input row, in input order, {@code key,timestamp} as given and {@code <feature>_forecast_k} for
 * k = 1..N and every feature in the input's order, each the shortest decimal that reads back to
 * the double ({@link ShortestDouble}).
 */
@Command(name = "forecast",
        description = {"Runs a model file over a CSV (header key,timestamp,<feature>...), every key from a zero "
                + "state, with the stream's arithmetic, and writes per row key,timestamp and "
                + "<feature>_forecast_1 .. _N (shortest round-trip numbers)."})
public final class ModelForecastCommand implements Callable<Integer> {

    /** Events each key keeps for a re-warm; one model serves every row, so none is ever replayed. */
    private static final int RING = 1;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--model", required = true, paramLabel = "MODEL.json", description = "The model file.")
    Path modelFile;

    @Option(names = "--input", required = true, paramLabel = "EVENTS.csv",
            description = "Events: header key,timestamp,<feature>... (the model's features, any order).")
    Path input;

    @Option(names = "--out", required = true, paramLabel = "FORECASTS.csv", description = "The CSV to write.")
    Path out;

    @Option(names = "--horizon", paramLabel = "N",
            description = "Forecasts per row (default: the model's horizon for a direct readout, else 1).")
    Integer horizon;

    @Override
    public Integer call() throws IOException {
        GruModel model = ModelCodec.read(modelFile);
        InputSpec inputs = model.inputs();
        boolean direct = inputs.readout() == InputSpec.Readout.DIRECT;
        int n = horizon != null ? horizon : direct ? inputs.horizon() : 1;
        if (n < 1 || n > InputSpec.MAX_HORIZON) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--horizon must be in [1, "
                    + InputSpec.MAX_HORIZON + "], found " + n);
        }
        if (direct && n > inputs.horizon()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--horizon " + n + ": the model forecasts "
                    + inputs.horizon() + " events ahead (a direct readout), not more");
        }
        long leftOut = 0;
        try (BufferedReader in = Files.newBufferedReader(input, StandardCharsets.UTF_8);
                BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            String header = in.readLine();
            if (header == null) {
                throw new IllegalArgumentException(input + " is empty; it needs the header key,timestamp,<feature>...");
            }
            List<String> columns = Csv.fields(Csv.stripBom(header));
            List<String> features = features(columns, model);
            int d = features.size();
            EngineConfig engine = new EngineConfig(features, RING, inputs, AnomalyConfig.defaults()).withHorizon(n);
            Map<String, KeyProcessor> keys = new HashMap<>();
            KeyProcessor.Outcome outcome = new KeyProcessor.Outcome(d, n);

            StringBuilder line = new StringBuilder("key,timestamp");
            for (int k = 1; k <= n; k++) {
                for (String f : features) {
                    line.append(',').append(quoted(f + "_forecast_" + k));
                }
            }
            w.write(line.append('\n').toString());
            String row;
            int number = 1;
            while ((row = in.readLine()) != null) {
                number++;
                if (row.isBlank()) {
                    continue;
                }
                String where = input.getFileName() + " line " + number;
                List<String> fields = Csv.fields(row);
                if (fields == null || fields.size() != d + 2) {
                    throw new IllegalArgumentException(where + ": expected " + (d + 2) + " fields (key, timestamp, " + d
                            + " features)" + (fields == null ? ", a quote is left open" : ", found " + fields.size()));
                }
                long timestamp;
                try {
                    timestamp = Csv.epochMillis(fields.get(1));
                } catch (DateTimeException | ArithmeticException | NumberFormatException e) {
                    throw new IllegalArgumentException(where + " column timestamp: not a timestamp: '" + fields.get(1)
                            + "'", e);
                }
                double[] values = new double[d];
                for (int i = 0; i < d; i++) {
                    values[i] = number(fields.get(i + 2), where + " column " + features.get(i));
                }
                KeyProcessor kp = keys.computeIfAbsent(fields.get(0), k -> new KeyProcessor(engine));
                kp.process(model, timestamp, values, outcome);
                if (outcome.nonFinite()) {
                    throw new IllegalArgumentException(where + ": the model's hidden state or forecast is not finite"
                            + " (its weights overflow on these inputs)");
                }
                line.setLength(0);
                line.append(quoted(fields.get(0))).append(',').append(quoted(fields.get(1)));
                if (outcome.accepted()) {
                    for (double v : outcome.forecasts()) {
                        line.append(',').append(ShortestDouble.text(v));
                    }
                } else {
                    // Left out as the stream would dead-letter it (older than the key's last row, or it again).
                    leftOut++;
                    line.append(",".repeat(d * n));
                }
                w.write(line.append('\n').toString());
            }
        }
        PrintWriter o = spec.commandLine().getOut();
        o.printf("wrote %s: %s v%d, %s, %d forecasts per row%n", out, model.name(), model.version(), model.layout(), n);
        if (leftOut > 0) {
            o.printf("rows left without forecasts: %d (older than their key's last row, or a repeat of it)%n", leftOut);
        }
        o.flush();
        return 0;
    }

    /** The feature columns: the header must be key, timestamp, then the model's features in any order. */
    private List<String> features(List<String> columns, GruModel model) {
        if (columns == null || columns.size() < 3 || !columns.get(0).equals("key")
                || !columns.get(1).equals("timestamp")) {
            throw new IllegalArgumentException(input.getFileName() + " line 1: the header must be key,timestamp,"
                    + "<feature>..., found " + columns);
        }
        List<String> features = List.copyOf(columns.subList(2, columns.size()));
        if (!new HashSet<>(features).equals(new HashSet<>(model.featureNames()))
                || features.size() != model.featureNames().size()) {
            throw new IllegalArgumentException(input.getFileName() + " line 1: the features " + features
                    + " are not the model's " + model.featureNames());
        }
        return features;
    }

    private static double number(String field, String where) {
        double v;
        try {
            v = Double.parseDouble(field.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": not a number: '" + field + "'", e);
        }
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(where + ": not finite: '" + field + "'");
        }
        return v;
    }

    /** A CSV field, in double quotes when it holds a comma, a quote or a line break. */
    private static String quoted(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
