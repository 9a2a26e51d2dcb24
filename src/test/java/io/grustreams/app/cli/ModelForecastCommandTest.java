package io.grustreams.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grustreams.app.CommandRun;
import io.grustreams.app.Csv;
import io.grustreams.model.GruLayout;
import io.grustreams.model.GruModel;
import io.grustreams.model.Normalization;
import io.grustreams.model.Parameters;
import io.grustreams.model.Variant;
import io.grustreams.model.codec.ModelCodec;
import io.grustreams.stream.ShortestDouble;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code model forecast} on models imported from state dicts PyTorch wrote
 * ({@code src/test/resources/pytorch-import/}): every key from a zero state, horizons 2 and 3
 * rolled forward, against what the PyTorch module computed for the same rows.
 */
class ModelForecastCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The bound: absolute, relative above 1. */
    private static final double TOL = 1e-9;


    private static CommandRun run(String... args) {
        return CommandRun.execute(new ModelCommand(), args);
    }

    private static Path copy(String fixture, Path dir) throws IOException {
        Path p = dir.resolve(fixture);
        try (InputStream in = ModelForecastCommandTest.class.getResourceAsStream("/pytorch-import/" + fixture)) {
            Files.copy(in, p);
        }
        return p;
    }

    /** The fixture's state dict imported with its normalization, as a user would. */
    private static Path imported(String name, String cell, Path dir) throws IOException {
        Path model = dir.resolve(name + ".model.json");
        CommandRun r = run("import-pytorch", "--cell", cell, "--state-dict", copy(name + ".state_dict.json", dir).toString(),
                "--out", model.toString(), "--features", "x0,x1", "--mean", "10,-2", "--std", "2,0.5");
        assertEquals(0, r.exit(), r.err());
        return model;
    }

    static Stream<String> cases() {
        return Stream.of("rnn_L1", "rnn_L2", "lstm_L1", "lstm_L2", "gru_L1", "gru_L2");
    }

    @ParameterizedTest
    @MethodSource("cases")
    void shouldForecastEveryHorizonAsThePyTorchModuleDid(String name, @TempDir Path dir) throws IOException {
        JsonNode expected;
        try (InputStream in = getClass().getResourceAsStream("/pytorch-import/" + name + ".forecasts.json")) {
            expected = JSON.readTree(in);
        }
        Path model = imported(name, expected.get("cell").asText(), dir);
        Path out = dir.resolve("forecasts.csv");
        CommandRun r = run("forecast", "--model", model.toString(), "--input", copy("input.csv", dir).toString(), "--out",
                out.toString(), "--horizon", "3");
        assertEquals(0, r.exit(), r.err());

        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        assertEquals("key,timestamp,x0_forecast_1,x1_forecast_1,x0_forecast_2,x1_forecast_2,x0_forecast_3,"
                + "x1_forecast_3", lines.get(0));
        JsonNode rows = expected.get("rows");
        assertEquals(rows.size() + 1, lines.size());
        for (int i = 0; i < rows.size(); i++) {
            String[] f = lines.get(i + 1).split(",");
            JsonNode want = rows.get(i);
            assertEquals(want.get("key").asText(), f[0]);
            assertEquals(want.get("timestamp").asText(), f[1]);
            for (int k = 0; k < 3; k++) {
                for (int j = 0; j < 2; j++) {
                    String text = f[2 + 2 * k + j];
                    double v = Double.parseDouble(text);
                    assertEquals(ShortestDouble.text(v), text, "shortest round-trip text");
                    double w = want.get("forecasts").get(k).get(j).asDouble();
                    assertTrue(Math.abs(v - w) / Math.max(1, Math.abs(w)) <= TOL,
                            "row " + i + " horizon " + (k + 1) + " feature " + j + ": " + v + " against " + w);
                }
            }
        }
    }

    @Test
    void shouldWriteTheFeaturesInTheInputsOrderAndDefaultToOneHorizon(@TempDir Path dir) throws IOException {
        Path model = imported("gru_L2", "gru", dir);
        Path swapped = dir.resolve("swapped.csv");
        Files.writeString(swapped, "key,timestamp,x1,x0\n\"a,1\",2024-05-01T12:00:00Z,-1.5,9.5\n");
        Path out = dir.resolve("out.csv");
        CommandRun r = run("forecast", "--model", model.toString(), "--input", swapped.toString(), "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        assertEquals("key,timestamp,x1_forecast_1,x0_forecast_1", lines.get(0));
        assertTrue(lines.get(1).startsWith("\"a,1\",2024-05-01T12:00:00Z,"), lines.get(1));
        assertEquals(4, Csv.fields(lines.get(1)).size());
    }

    @Test
    void shouldLeaveTheForecastsOfALateRowAndARepeatEmptyAsTheStreamDeadLettersThem(@TempDir Path dir)
            throws IOException {
        Path model = imported("gru_L1", "gru", dir);
        Path in = dir.resolve("odd.csv");
        Files.writeString(in, "key,timestamp,x0,x1\na,2000,10,-2\na,1000,11,-2\na,2000,10,-2\nb,1000,9,-1\n"
                + "a,3000,12,-2\n");
        Path out = dir.resolve("out.csv");
        CommandRun r = run("forecast", "--model", model.toString(), "--input", in.toString(), "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        assertEquals(List.of("a,1000,,", "a,2000,,"), List.of(lines.get(2), lines.get(3)));
        for (int row : new int[] {1, 4, 5}) {
            assertTrue(Double.isFinite(Double.parseDouble(Csv.fields(lines.get(row)).get(2))), lines.get(row));
        }
        assertTrue(r.out().contains("rows left without forecasts: 2 "), r.out());
    }

    @Test
    void shouldRefuseAHeaderWithoutTheModelsFeaturesNamingThem(@TempDir Path dir) throws IOException {
        Path model = imported("rnn_L1", "rnn", dir);
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "key,timestamp,x0,y\na,1,1,2\n");
        CommandRun r = run("forecast", "--model", model.toString(), "--input", bad.toString(), "--out",
                dir.resolve("o.csv").toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("are not the model's [x0, x1]"), r.err());
        Path nan = dir.resolve("nan.csv");
        Files.writeString(nan, "key,timestamp,x0,x1\na,1,1,NaN\n");
        CommandRun r2 = run("forecast", "--model", model.toString(), "--input", nan.toString(), "--out",
                dir.resolve("o.csv").toString());
        assertEquals(1, r2.exit());
        assertTrue(r2.err().contains("nan.csv line 2 column x1: not finite"), r2.err());
    }

    @Test
    void shouldRefuseARowTheModelOverflowsOnNamingTheLine(@TempDir Path dir) throws IOException {
        // Finite weights: h ≈ tanh(0.1·(x - 10)/2), forecast 2·1e308·h + 10, which overflows far from the mean.
        GruLayout layout = GruLayout.of(Variant.CHO, 1, 1, 1);
        Parameters p = Parameters.zeros(layout);
        p.set("b_z_l0", 0, 0, 20.0);
        p.set("W_h_l0", 0, 1, 0.1);
        p.set("W_y", 0, 0, 1e308);
        Path model = dir.resolve("overflowing.model.json");
        ModelCodec.write(new GruModel("hostile", 1, Instant.EPOCH, List.of("value"),
                new Normalization(new double[] {10.0}, new double[] {2.0}), p, Map.of()), model);
        Path input = dir.resolve("far.csv");
        Files.writeString(input, "key,timestamp,value\na,1,10\na,2,100\n");
        CommandRun r = run("forecast", "--model", model.toString(), "--input", input.toString(), "--out",
                dir.resolve("o.csv").toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("far.csv line 3: the model's hidden state or forecast is not finite"), r.err());
    }
}
