package io.grustreams.stream;

import static io.grustreams.stream.TopologyHarness.props;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.grustreams.app.cli.ModelCommand;
import io.grustreams.engine.KeyProcessor;
import io.grustreams.model.Cell;
import io.grustreams.model.GruLayout;
import io.grustreams.model.GruModel;
import io.grustreams.model.InputSpec;
import io.grustreams.model.Normalization;
import io.grustreams.model.Parameters;
import io.grustreams.model.Variant;
import io.grustreams.model.codec.ModelCodec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Stacked models of every cell served through the whole topology (the per-key state store between
 * events): the forecasts are bit for bit what {@code model forecast} computes offline, and a swap
 * to a model of another cell re-warms each key as the per-key engine does.
 */
class CellsTopologyTest {

    private static final long T0 = 1711839600000L;
    private static final List<String> FEATURES = List.of("temp", "load");
    private static final Map<String, String> GRU = Map.of("gru.features", "temp,load", "gru.forecast.horizon", "3",
            "gru.inputs.time", "time-of-day,gap", "gru.inputs.scale-half-life", "48", "gru.ring.size", "16");
    private static final String[] KEYS = {"small", "large"};
    private static final int EVENTS = 60;

    @TempDir(factory = TargetTempDir.class)
    Path dir;

    private static GruModel model(String name, long version, Instant effectiveFrom, Cell cell, int layers,
            InputSpec inputs, long seed) {
        int d = FEATURES.size();
        GruLayout layout = GruLayout.of(cell, Variant.PYTORCH, layers, inputs.networkInputs(d), 5,
                inputs.networkOutputs(d));
        Random rnd = new Random(seed);
        double[] w = new double[layout.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = 0.3 * rnd.nextGaussian();
        }
        return new GruModel(name, version, Instant.parse("2024-05-01T00:00:00Z"), effectiveFrom, FEATURES,
                Normalization.identity(d), inputs, new Parameters(layout, w), Map.of("seed", seed));
    }

    /** Per key, EVENTS events ten minutes apart with jitter, the keys' scales 5,000 apart. */
    private static long[][] timestamps(double[][][] x) {
        Random rnd = new Random(4);
        long[][] ts = new long[2][EVENTS];
        for (int k = 0; k < 2; k++) {
            long t = T0;
            for (int i = 0; i < EVENTS; i++) {
                t += 600_000L + rnd.nextInt(60_000);
                ts[k][i] = t;
                double scale = k == 0 ? 1 : 5000;
                x[k][i] = new double[] {scale * (20 + Math.sin(i / 6.0) + 0.1 * rnd.nextGaussian()), rnd.nextDouble()};
            }
        }
        return ts;
    }

    @Test
    void shouldServeAStackedLstmExactlyAsModelForecastComputesIt() throws Exception {
        StreamSettings settings = StreamSettings.fromProperties(props(GRU));
        GruModel lstm = model("lstm", 1, Instant.EPOCH, Cell.LSTM, 2, settings.inputs(), 7);
        double[][][] x = new double[2][EVENTS][];
        long[][] ts = timestamps(x);
        List<JsonNode> records;
        StringBuilder csv = new StringBuilder("key,timestamp,temp,load\n");
        try (TopologyHarness h = new TopologyHarness(props(GRU), dir.resolve("state"))) {
            h.publish(ModelRegistry.recordKey(lstm), lstm);
            for (int i = 0; i < EVENTS; i++) {
                for (int k = 0; k < 2; k++) {
                    h.event(KEYS[k], ts[k][i], x[k][i]);
                    csv.append(KEYS[k]).append(',').append(ts[k][i]).append(',').append(x[k][i][0]).append(',')
                            .append(x[k][i][1]).append('\n');
                }
            }
            records = h.readForecasts();
        }
        Path modelFile = dir.resolve("lstm.json");
        ModelCodec.write(lstm, modelFile);
        Path input = Files.writeString(dir.resolve("events.csv"), csv.toString());
        Path out = dir.resolve("forecasts.csv");
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new ModelCommand());
        cl.setOut(new PrintWriter(new StringWriter()));
        cl.setErr(new PrintWriter(err));
        assertEquals(0, cl.execute("forecast", "--model", modelFile.toString(), "--input", input.toString(), "--out",
                out.toString(), "--horizon", "3"), err.toString());

        List<String> rows = Files.readAllLines(out, StandardCharsets.UTF_8);
        assertEquals(2 * EVENTS, records.size());
        assertEquals(records.size() + 1, rows.size());
        for (int r = 0; r < records.size(); r++) {
            JsonNode rec = records.get(r);
            String[] f = rows.get(r + 1).split(",");
            assertEquals(rec.get("key").asText(), f[0]);
            for (int hz = 0; hz < 3; hz++) {
                for (int j = 0; j < 2; j++) {
                    double stream = rec.get("ahead").get(FEATURES.get(j)).get(hz).doubleValue();
                    assertEquals(stream, Double.parseDouble(f[2 + 2 * hz + j]), 0.0,
                            "record " + r + " " + FEATURES.get(j) + " +" + (hz + 1));
                }
            }
        }
    }

    @Test
    void shouldRewarmEveryKeyWhenTheNextModelHasAnotherCellAndLayerCount() throws Exception {
        StreamSettings settings = StreamSettings.fromProperties(props(GRU));
        double[][][] x = new double[2][EVENTS][];
        long[][] ts = timestamps(x);
        // v2 takes over at the time of the small key's event 30 (the large key's may come before or after).
        Instant swap = Instant.ofEpochMilli(ts[0][30]);
        GruModel lstm = model("m", 1, Instant.EPOCH, Cell.LSTM, 2, settings.inputs(), 7);
        // Four rnn layers keep as many doubles per key as two lstm layers (h and c): 20 at H = 5.
        GruModel rnn = model("m", 2, swap, Cell.RNN, 4, settings.inputs(), 8);
        assertEquals(lstm.layout().stateSize(), rnn.layout().stateSize());
        List<JsonNode> records;
        try (TopologyHarness h = new TopologyHarness(props(GRU), dir.resolve("state"))) {
            h.publish(ModelRegistry.recordKey(lstm), lstm);
            h.publish(ModelRegistry.recordKey(rnn), rnn);
            for (int i = 0; i < EVENTS; i++) {
                for (int k = 0; k < 2; k++) {
                    h.event(KEYS[k], ts[k][i], x[k][i]);
                }
            }
            records = h.readForecasts();
        }
        assertEquals(2 * EVENTS, records.size());
        for (int k = 0; k < 2; k++) {
            KeyProcessor engine = new KeyProcessor(settings.engine());
            KeyProcessor.Outcome out = new KeyProcessor.Outcome(2, 3);
            int rewarms = 0;
            for (int i = 0; i < EVENTS; i++) {
                GruModel m = ts[k][i] >= swap.toEpochMilli() ? rnn : lstm;
                engine.process(m, ts[k][i], x[k][i], out);
                rewarms += out.rewarmNanos() >= 0 ? 1 : 0;
                JsonNode r = records.get(2 * i + k);
                assertEquals(m.version(), r.get("modelVersion").asLong());
                for (int j = 0; j < 2; j++) {
                    for (int hz = 0; hz < 3; hz++) {
                        assertEquals(out.forecasts()[hz * 2 + j],
                                r.get("ahead").get(FEATURES.get(j)).get(hz).doubleValue(), 0.0,
                                KEYS[k] + " event " + i + " " + FEATURES.get(j) + " +" + (hz + 1));
                    }
                }
            }
            assertEquals(1, rewarms, KEYS[k] + " is re-warmed once, at the swap");
        }
    }
}
