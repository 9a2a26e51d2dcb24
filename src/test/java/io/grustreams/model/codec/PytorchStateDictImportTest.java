package io.grustreams.model.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grustreams.model.Cell;
import io.grustreams.model.Parameters;
import io.grustreams.model.RecurrentStepper;
import io.grustreams.model.Variant;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PytorchStateDictImportTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<Path> pytorchReferenceFiles() {
        return ReferenceCase.files().stream().filter(p -> p.getFileName().toString().startsWith("pytorch_"));
    }

    /**
     * The state dict that the README's export snippet writes for the reference file's weights:
     * nn.GRU names with {@code _l0}, nn.Linear's {@code weight} and {@code bias}.
     */
    static ObjectNode stateDict(ReferenceCase ref) {
        JsonNode params = ref.root().get("params");
        ObjectNode sd = JSON.createObjectNode();
        for (String name : new String[] {"weight_ih", "weight_hh", "bias_ih", "bias_hh"}) {
            sd.set(name + "_l0", params.get(name).deepCopy());
        }
        sd.set("weight", params.get("W_y").deepCopy());
        sd.set("bias", params.get("b_y").deepCopy());
        return sd;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pytorchReferenceFiles")
    void shouldReproduceThePyTorchForwardFromAnImportedStateDict(Path file) throws Exception {
        ReferenceCase ref = ReferenceCase.load(file);
        PytorchStateDictImport.Result imported =
                PytorchStateDictImport.fromJson(JSON.writeValueAsBytes(stateDict(ref)), Cell.GRU);
        assertEquals(ref.parameters(), imported.parameters(), "same numbers, bit for bit, in the same layout");
        assertTrue(imported.notes().isEmpty(), imported.notes().toString());
        RecurrentStepper stepper = new RecurrentStepper(imported.parameters());
        double[] h = ref.hInit().clone();
        double[] y = new double[imported.parameters().layout().outputSize()];
        for (int t = 0; t < ref.x().length; t++) {
            stepper.step(h, ref.x()[t]);
            stepper.readout(h, y);
            assertArrayEquals(ref.h()[t], h, 1e-12);
            assertArrayEquals(ref.y()[t], y, 1e-12);
        }
    }

    @Test
    void shouldImportAMissingReadoutAsZerosAndSaySo() throws Exception {
        ReferenceCase ref = ReferenceCase.load(pytorchReferenceFiles().findFirst().orElseThrow());
        ObjectNode sd = stateDict(ref);
        sd.remove("weight");
        sd.remove("bias");
        PytorchStateDictImport.Result imported =
                PytorchStateDictImport.fromJson(JSON.writeValueAsBytes(sd), Cell.GRU);
        Parameters p = imported.parameters();
        int readout = p.layout().tensor("W_y").offset();
        for (int i = readout; i < p.values().length; i++) {
            assertEquals(0.0, p.values()[i]);
        }
        assertArrayEquals(Arrays.copyOf(ref.parameters().values(), readout),
                Arrays.copyOf(p.values(), readout), 0.0);
        assertEquals(1, imported.notes().size());
        assertTrue(imported.notes().get(0).contains("no readout"), imported.notes().get(0));
    }

    @Test
    void shouldAcceptGruCellNamesAndMissingBiases() throws Exception {
        ReferenceCase ref = ReferenceCase.load(pytorchReferenceFiles().findFirst().orElseThrow());
        ObjectNode sd = stateDict(ref);
        sd.set("weight_ih", sd.remove("weight_ih_l0"));
        sd.set("weight_hh", sd.remove("weight_hh_l0"));
        sd.remove("bias_ih_l0");
        sd.remove("bias_hh_l0");
        PytorchStateDictImport.Result imported =
                PytorchStateDictImport.fromJson(JSON.writeValueAsBytes(sd), Cell.GRU);
        assertEquals(Variant.PYTORCH, imported.parameters().layout().variant());
        assertEquals(ref.parameters().get("weight_hh_l0", 2, 1), imported.parameters().get("weight_hh_l0", 2, 1));
        assertEquals(0.0, imported.parameters().get("bias_hh_l0", 2, 0));
        assertTrue(imported.notes().get(0).contains("no gru biases"), imported.notes().toString());
    }

    @Test
    void shouldRefuseWhatItCannotImportNamingTheKey() throws Exception {
        ReferenceCase ref = ReferenceCase.load(pytorchReferenceFiles().findFirst().orElseThrow());
        // A second layer needs all four tensors, and its weight_ih reads layer 0's h: [3H][H].
        assertRefused(with(ref, sd -> sd.set("weight_ih_l1", sd.get("weight_ih_l0"))), "weight_hh_l1");
        assertRefused(with(ref, sd -> {
            for (String t : new String[] {"weight_ih", "weight_hh", "bias_ih", "bias_hh"}) {
                sd.set(t + "_l1", sd.get(t + "_l0"));
            }
        }), "weight_ih_l1[0]");
        assertRefused(with(ref, sd -> sd.set("weight_hh_l0_reverse", sd.get("weight_hh_l0"))), "weight_hh_l0_reverse");
        assertRefused(with(ref, sd -> sd.put("running_mean", 1)), "running_mean");
        assertRefused(with(ref, sd -> sd.remove("weight_hh_l0")), "weight_hh_l0");
        assertRefused(with(ref, sd -> sd.remove("bias")), "bias");
        assertRefused(with(ref, sd -> sd.remove("bias_hh_l0")), "bias_hh_l0");
        assertRefused(with(ref, sd -> sd.set("weight_hh", sd.get("weight_hh_l0"))), "weight_hh");
        assertRefused(with(ref, sd -> ((ArrayNode) sd.get("weight_hh_l0")).remove(0)), "weight_hh_l0");
        assertRefused(with(ref, sd -> ((ArrayNode) sd.get("weight_ih_l0")).remove(0)), "weight_ih_l0");
        assertRefused(with(ref, sd -> ((ArrayNode) sd.get("bias_ih_l0")).remove(0)), "bias_ih_l0");
        assertRefused(with(ref, sd -> ((ArrayNode) sd.get("weight")).remove(0)), "weight");
        assertRefused(with(ref, sd -> ((ArrayNode) sd.get("weight_hh_l0").get(2)).set(0, Double.NaN)),
                "weight_hh_l0[2][0]");
    }

    private static byte[] with(ReferenceCase ref, Consumer<ObjectNode> edit) throws Exception {
        ObjectNode sd = stateDict(ref);
        edit.accept(sd);
        return JSON.writer().without(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
                .writeValueAsString(sd).getBytes(StandardCharsets.UTF_8);
    }

    private static void assertRefused(byte[] json, String field) {
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> PytorchStateDictImport.fromJson(json, Cell.GRU));
        assertEquals(field, e.field(), e.getMessage());
    }
}
