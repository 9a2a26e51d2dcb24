package io.grustreams.model.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grustreams.model.Cell;
import io.grustreams.model.GruLayout;
import io.grustreams.model.GruModel;
import io.grustreams.model.Normalization;
import io.grustreams.model.RecurrentStepper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * State dicts written by PyTorch ({@code src/test/resources/pytorch-import/make_fixtures.py}) for
 * nn.RNN, nn.LSTM and nn.GRU with one and two layers: imported, they forecast what the PyTorch
 * module forecast; the bidirectional and projected LSTMs are refused by key.
 */
class PytorchFixtureImportTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The bound: absolute, relative above 1. */
    private static final double TOL = 1e-9;

    static byte[] fixture(String name) {
        try (InputStream in = PytorchFixtureImportTest.class.getResourceAsStream("/pytorch-import/" + name)) {
            if (in == null) {
                throw new IllegalStateException("fixture " + name + " missing from the test resources");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Stream<String> cases() {
        return Stream.of("rnn_L1", "rnn_L2", "lstm_L1", "lstm_L2", "gru_L1", "gru_L2");
    }

    @ParameterizedTest
    @MethodSource("cases")
    void shouldForecastWhatThePyTorchModuleForecast(String name) throws IOException {
        JsonNode expected = JSON.readTree(fixture(name + ".forecasts.json"));
        Cell cell = Cell.fromId(expected.get("cell").asText());
        PytorchStateDictImport.Result imported = PytorchStateDictImport.fromJson(fixture(name + ".state_dict.json"),
                cell);
        GruLayout layout = imported.parameters().layout();
        assertEquals(cell, layout.cell());
        assertEquals(expected.get("num_layers").asInt(), layout.layers());
        assertTrue(imported.notes().isEmpty(), imported.notes().toString());
        double[] mean = {expected.get("mean").get(0).asDouble(), expected.get("mean").get(1).asDouble()};
        double[] std = {expected.get("std").get(0).asDouble(), expected.get("std").get(1).asDouble()};
        GruModel model = new GruModel(name, 1, Instant.EPOCH, List.of("x0", "x1"), new Normalization(mean, std),
                imported.parameters(), Map.of());
        RecurrentStepper stepper = RecurrentStepper.forModel(model);
        Map<String, double[]> states = new HashMap<>();
        double[] forecast = new double[2];
        List<String> lines = new String(fixture("input.csv"), StandardCharsets.UTF_8).lines().skip(1).toList();
        JsonNode rows = expected.get("rows");
        assertEquals(lines.size(), rows.size());
        for (int i = 0; i < lines.size(); i++) {
            String[] f = lines.get(i).split(",");
            double[] state = states.computeIfAbsent(f[0], k -> new double[layout.stateSize()]);
            stepper.observe(state, new double[] {Double.parseDouble(f[2]), Double.parseDouble(f[3])}, forecast);
            JsonNode want = rows.get(i).get("forecasts").get(0);
            for (int j = 0; j < 2; j++) {
                double w = want.get(j).asDouble();
                double err = Math.abs(forecast[j] - w) / Math.max(1, Math.abs(w));
                assertTrue(err <= TOL, "row " + i + " feature " + j + ": " + forecast[j] + " against " + want.get(j));
            }
        }
    }

    @Test
    void shouldRefuseABidirectionalLstmNamingTheReverseKey() {
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> PytorchStateDictImport.fromJson(fixture("lstm_bidirectional.state_dict.json"), Cell.LSTM));
        assertEquals("weight_ih_l0_reverse", e.field(), e.getMessage());
        assertTrue(e.getMessage().contains("bidirectional"), e.getMessage());
    }

    @Test
    void shouldRefuseAProjectedLstmNamingTheProjection() {
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> PytorchStateDictImport.fromJson(fixture("lstm_projected.state_dict.json"), Cell.LSTM));
        assertEquals("weight_hr_l0", e.field(), e.getMessage());
        assertTrue(e.getMessage().contains("proj_size"), e.getMessage());
    }

    @Test
    void shouldRefuseAStateDictOfAnotherCellByItsShape() {
        // An LSTM's weight_hh is [4H][H]: read as a GRU's [3H][H] it does not divide.
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> PytorchStateDictImport.fromJson(fixture("lstm_L1.state_dict.json"), Cell.GRU));
        assertEquals("weight_hh_l0", e.field(), e.getMessage());
        ModelFormatException r = assertThrows(ModelFormatException.class,
                () -> PytorchStateDictImport.fromJson(fixture("rnn_L2.state_dict.json"), Cell.LSTM));
        assertEquals("weight_hh_l0", r.field(), r.getMessage());
    }
}
