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
import io.grustreams.model.GruLayout;
import io.grustreams.model.GruModel;
import io.grustreams.model.InputSpec;
import io.grustreams.model.Normalization;
import io.grustreams.model.Parameters;
import io.grustreams.model.TestModels;
import io.grustreams.model.TimeInput;
import io.grustreams.model.Variant;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class ModelCodecTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The golden file of the current format version. */
    private static byte[] golden(Variant v) throws IOException {
        return golden(ModelCodec.FORMAT_VERSION, v);
    }

    private static byte[] golden(int formatVersion, Variant v) throws IOException {
        return golden(formatVersion, v.id());
    }

    private static byte[] golden(int formatVersion, String kind) throws IOException {
        String name = "/golden/model-v" + formatVersion + "-" + kind + ".json";
        try (InputStream in = ModelCodecTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("golden file " + name + " missing from the test resources");
            }
            return in.readAllBytes();
        }
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void shouldWriteTheGoldenFileByteForByte(Variant variant) throws IOException {
        assertEquals(new String(golden(variant), StandardCharsets.UTF_8),
                new String(ModelCodec.toJson(TestModels.goldenModelV3(variant)), StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void shouldReadTheGoldenFileIntoTheSameModel(Variant variant) throws IOException {
        GruModel read = ModelCodec.fromJson(golden(variant));
        GruModel expected = TestModels.goldenModelV3(variant);
        assertEquals(expected, read);
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(read.parameters().values()[4]));
        assertEquals(InputSpec.Scaling.PER_KEY, read.inputs().scaling());
        assertEquals(List.of(TimeInput.TIME_OF_DAY, TimeInput.GAP), read.inputs().time());
        assertEquals(2, read.inputs().horizon());
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void shouldReadAVersion3FileAsAOneLayerGru(Variant variant) throws IOException {
        GruModel read = ModelCodec.fromJson(golden(3, variant));
        assertEquals(TestModels.goldenModelV3(variant), read);
        assertEquals(Cell.GRU, read.layout().cell());
        assertEquals(1, read.layout().layers());
    }

    @Test
    void shouldRejectAVersion3FileOfAnotherCellOrMoreLayers() throws IOException {
        ObjectNode lstm = (ObjectNode) JSON.readTree(golden(3, Variant.PYTORCH));
        lstm.put("cell", "lstm");
        assertRejected(JSON.writeValueAsBytes(lstm), "cell");
        ObjectNode stacked = (ObjectNode) JSON.readTree(golden(3, Variant.PYTORCH));
        stacked.put("layers", 2);
        assertRejected(JSON.writeValueAsBytes(stacked), "layers");
    }

    static Stream<GruModel> stackedGoldenModels() {
        return Stream.of(TestModels.goldenModelV4(Cell.LSTM, Variant.PYTORCH, 2),
                TestModels.goldenModelV4(Cell.RNN, Variant.PYTORCH, 2));
    }

    @ParameterizedTest
    @MethodSource("stackedGoldenModels")
    void shouldWriteAndReadTheStackedGoldenFiles(GruModel model) throws IOException {
        String kind = model.layout().cell().id() + "-l" + model.layout().layers();
        assertEquals(new String(golden(4, kind), StandardCharsets.UTF_8),
                new String(ModelCodec.toJson(model), StandardCharsets.UTF_8));
        assertEquals(model, ModelCodec.fromJson(golden(4, kind)));
    }

    static Stream<GruLayout> everyCellAndLayerCount() {
        return Stream.of(GruLayout.of(Cell.RNN, Variant.PYTORCH, 1, 3, 5, 3),
                GruLayout.of(Cell.RNN, Variant.PYTORCH, 3, 3, 5, 3),
                GruLayout.of(Cell.LSTM, Variant.PYTORCH, 1, 3, 5, 3),
                GruLayout.of(Cell.LSTM, Variant.PYTORCH, 2, 3, 5, 3),
                GruLayout.of(Cell.GRU, Variant.PYTORCH, 2, 3, 5, 3),
                GruLayout.of(Cell.GRU, Variant.CHO, 2, 3, 5, 3));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyCellAndLayerCount")
    void shouldRoundTripEveryCellAndLayerCount(GruLayout layout) {
        GruModel m = new GruModel("cells", 2, Instant.EPOCH, List.of("a", "b", "c"), Normalization.identity(3),
                TestModels.randomParameters(layout, 23, 1), Map.of());
        byte[] json = ModelCodec.toJson(m);
        GruModel back = ModelCodec.fromJson(json);
        assertEquals(m, back);
        assertEquals(layout, back.layout());
        String text = new String(json, StandardCharsets.UTF_8);
        String top = (layout.variant() == Variant.CHO ? "W_h_l" : "weight_hh_l") + (layout.layers() - 1);
        assertTrue(text.contains("\"" + top + "\""), "the top layer's tensors are named by their layer");
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void shouldReadAVersion2FileWithTheInputsItMeant(Variant variant) throws IOException {
        GruModel read = ModelCodec.fromJson(golden(2, variant));
        assertEquals(TestModels.goldenModel(variant), read);
        assertEquals(InputSpec.legacy(), read.inputs());
        // Written again, it is a version-4 file that reads back to the same model.
        assertEquals(read, ModelCodec.fromJson(ModelCodec.toJson(read)));
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void shouldReadAVersion1FileAsEffectiveFromTheEpoch(Variant variant) throws IOException {
        GruModel read = ModelCodec.fromJson(golden(1, variant));
        assertEquals(TestModels.goldenModel(variant).withEffectiveFrom(Instant.EPOCH), read);
        assertEquals(0L, read.effectiveFromMillis());
    }

    @Test
    void shouldRejectVersion3FieldsInAVersion2File() throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(golden(2, Variant.CHO));
        root.put("outputSize", 2);
        assertRejected(JSON.writeValueAsBytes(root), "outputSize");
    }

    @Test
    void shouldRejectEffectiveFromInAVersion1File() throws IOException {
        // effectiveFrom belongs to version 2: a version-1 file carrying it was not written by a codec.
        ObjectNode root = (ObjectNode) JSON.readTree(golden(1, Variant.CHO));
        root.put("effectiveFrom", "2025-01-02T04:00:00Z");
        assertRejected(JSON.writeValueAsBytes(root), "effectiveFrom");
    }

    @Test
    void shouldKeepEffectiveFromThroughReVersioning() {
        GruModel m = TestModels.goldenModel(Variant.CHO);
        assertEquals(Instant.parse("2025-01-02T04:00:00Z"), m.withVersion(9).effectiveFrom());
        GruModel later = m.withEffectiveFrom(Instant.parse("2025-02-01T00:00:00.123456Z"));
        assertEquals(Instant.parse("2025-02-01T00:00:00.123Z").toEpochMilli(), later.effectiveFromMillis());
        assertEquals(later, ModelCodec.fromJson(ModelCodec.toJson(later)));
        assertThrows(IllegalArgumentException.class, () -> m.withEffectiveFrom(Instant.parse("1969-12-31T23:59:59Z")));
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void shouldRoundTripEveryDoubleBitForBit(Variant variant) {
        GruLayout layout = GruLayout.of(variant, 3, 5, 3);
        Random rnd = new Random(17);
        double[] v = new double[layout.size()];
        for (int i = 0; i < v.length; i++) {
            double d;
            do {
                d = Double.longBitsToDouble(rnd.nextLong());
            } while (!Double.isFinite(d));
            v[i] = d;
        }
        v[0] = Double.MIN_VALUE;
        v[1] = -Double.MAX_VALUE;
        v[2] = Double.MIN_NORMAL;
        v[3] = 0.1;
        GruModel m = new GruModel("bits", 0, Instant.ofEpochSecond(1, 5), List.of("a", "b", "c"),
                new Normalization(new double[] {1e-300, -7.25, 3}, new double[] {Double.MIN_VALUE, 1e300, 0.3}),
                new Parameters(layout, v), Map.of("nested", Map.of("list", List.of(1, 2.5, "x", true))));
        GruModel back = ModelCodec.fromJson(ModelCodec.toJson(m));
        assertEquals(m, back);
        assertArrayEquals(v, back.parameters().values(), 0.0);
    }

    @Test
    void shouldHashBigEndianDoublesInLayoutOrder() throws Exception {
        Parameters p = TestModels.randomParameters(GruLayout.of(Variant.PYTORCH, 2, 3, 2), 4, 1);
        ByteBuffer bytes = ByteBuffer.allocate(8 * p.values().length);
        for (double d : p.values()) {
            bytes.putLong(Double.doubleToLongBits(d));
        }
        String expected = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.array()));
        assertEquals(expected, ModelCodec.checksum(p));
        // Large enough to cross the codec's internal 8 KiB buffer several times.
        Parameters big = TestModels.randomParameters(GruLayout.of(Variant.CHO, 8, 64, 8), 5, 1);
        ByteBuffer bigBytes = ByteBuffer.allocate(8 * big.values().length);
        for (double d : big.values()) {
            bigBytes.putLong(Double.doubleToLongBits(d));
        }
        assertEquals("sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bigBytes.array())),
                ModelCodec.checksum(big));
    }

    @Test
    void shouldWriteAFileAndReadItBack(@TempDir Path dir) throws IOException {
        GruModel m = TestModels.goldenModelV3(Variant.CHO);
        Path file = dir.resolve("model.json");
        ModelCodec.write(m, file);
        ModelCodec.write(m.withVersion(8), file);
        assertEquals(m.withVersion(8), ModelCodec.read(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file left behind");
        }
    }

    /** A golden model file edited by {@code edit}, and the field its rejection must name. */
    record Broken(String description, Variant variant, Consumer<ObjectNode> edit, String field) {
        @Override
        public String toString() {
            return description;
        }
    }

    private static ObjectNode params(ObjectNode root) {
        return (ObjectNode) root.get("parameters");
    }

    private static ObjectNode inputs(ObjectNode root) {
        return (ObjectNode) root.get("inputs");
    }

    static Stream<Broken> brokenFiles() {
        return Stream.of(
                new Broken("unknown format", Variant.CHO, r -> r.put("format", "gru-model"), "format"),
                new Broken("format not a string", Variant.CHO, r -> r.put("format", 1), "format"),
                new Broken("unsupported formatVersion", Variant.CHO, r -> r.put("formatVersion", 5), "formatVersion"),
                new Broken("formatVersion 0", Variant.CHO, r -> r.put("formatVersion", 0), "formatVersion"),
                new Broken("fractional formatVersion", Variant.CHO, r -> r.put("formatVersion", 1.5), "formatVersion"),
                new Broken("unknown top-level field", Variant.CHO, r -> r.put("effectiveFromm", "x"), "effectiveFromm"),
                new Broken("blank name", Variant.CHO, r -> r.put("name", " "), "name"),
                new Broken("negative version", Variant.CHO, r -> r.put("version", -1), "version"),
                new Broken("bad createdAt", Variant.CHO, r -> r.put("createdAt", "yesterday"), "createdAt"),
                new Broken("bad effectiveFrom", Variant.CHO, r -> r.put("effectiveFrom", "soon"), "effectiveFrom"),
                new Broken("effectiveFrom before the epoch", Variant.CHO,
                        r -> r.put("effectiveFrom", "1969-07-20T20:17:40Z"), "effectiveFrom"),
                new Broken("effectiveFrom beyond epoch milliseconds", Variant.CHO,
                        r -> r.put("effectiveFrom", "+1000000000-01-01T00:00:00Z"), "effectiveFrom"),
                new Broken("unknown variant", Variant.CHO, r -> r.put("variant", "keras"), "variant"),
                new Broken("unknown cell", Variant.CHO, r -> r.put("cell", "transformer"), "cell"),
                new Broken("zero layers", Variant.CHO, r -> r.put("layers", 0), "layers"),
                new Broken("more layers than a model may have", Variant.CHO, r -> r.put("layers", 65), "layers"),
                new Broken("layers beyond an int", Variant.CHO, r -> r.put("layers", 1L << 40), "layers"),
                new Broken("an lstm in the cho form", Variant.CHO, r -> r.put("cell", "lstm"), "variant"),
                new Broken("hiddenSize beyond what the file holds", Variant.CHO, r -> r.put("hiddenSize", 2000),
                        "hiddenSize"),
                new Broken("two layers whose second is missing", Variant.CHO, r -> r.put("layers", 2),
                        "parameters.W_r_l1"),
                new Broken("zero hiddenSize", Variant.CHO, r -> r.put("hiddenSize", 0), "hiddenSize"),
                new Broken("absurd hiddenSize", Variant.CHO, r -> r.put("hiddenSize", 1_000_000), "hiddenSize"),
                new Broken("inputSize disagrees with the inputs", Variant.CHO, r -> r.put("inputSize", 4),
                        "inputSize"),
                new Broken("outputSize disagrees with the horizon", Variant.CHO, r -> r.put("outputSize", 2),
                        "outputSize"),
                new Broken("more features than inputs", Variant.CHO,
                        r -> ((ArrayNode) r.get("featureNames")).add("a").add("b").add("c").add("d"), "featureNames"),
                new Broken("inputs not an object", Variant.CHO, r -> r.put("inputs", "per-key"), "inputs"),
                new Broken("unknown inputs field", Variant.CHO, r -> inputs(r).put("lags", 1), "inputs.lags"),
                new Broken("unknown scaling", Variant.CHO, r -> inputs(r).put("scaling", "minmax"), "inputs.scaling"),
                new Broken("scale half-life below one event", Variant.CHO, r -> inputs(r).put("scaleHalfLife", 0.5),
                        "inputs.scaleHalfLife"),
                new Broken("unknown time input", Variant.CHO,
                        r -> ((ArrayNode) inputs(r).get("time")).set(1, "moon-phase"), "inputs.time[1]"),
                new Broken("repeated time input", Variant.CHO,
                        r -> ((ArrayNode) inputs(r).get("time")).set(1, "time-of-day"), "inputs.time[1]"),
                new Broken("unknown time zone", Variant.CHO, r -> inputs(r).put("timeZone", "Mars/Olympus"),
                        "inputs.timeZone"),
                new Broken("horizon 0", Variant.CHO, r -> inputs(r).put("horizon", 0), "inputs.horizon"),
                new Broken("iterated readout of two horizons", Variant.CHO, r -> inputs(r).put("readout", "iterated"),
                        "inputs.horizon"),
                new Broken("unknown readout", Variant.CHO, r -> inputs(r).put("readout", "beam"), "inputs.readout"),
                new Broken("duplicate feature name", Variant.CHO,
                        r -> ((ArrayNode) r.get("featureNames")).set(1, "cpu"), "featureNames[1]"),
                new Broken("normalization mean too short", Variant.CHO,
                        r -> ((ArrayNode) r.get("normalization").get("mean")).remove(1), "normalization.mean"),
                new Broken("zero std", Variant.CHO,
                        r -> ((ArrayNode) r.get("normalization").get("std")).set(0, 0.0), "normalization.std[0]"),
                new Broken("non-finite mean", Variant.CHO,
                        r -> ((ArrayNode) r.get("normalization").get("mean")).set(1, Double.NaN),
                        "normalization.mean[1]"),
                new Broken("provenance not an object", Variant.CHO, r -> r.put("provenance", "x"), "provenance"),
                new Broken("matrix with a row too many", Variant.CHO,
                        r -> ((ArrayNode) params(r).get("W_r_l0")).add(JSON.createArrayNode().add(1).add(2).add(3).add(4).add(5)),
                        "parameters.W_r_l0"),
                new Broken("matrix row too short", Variant.CHO,
                        r -> ((ArrayNode) params(r).get("W_z_l0").get(1)).remove(0), "parameters.W_z_l0[1]"),
                new Broken("vector written as a matrix", Variant.PYTORCH,
                        r -> params(r).set("b_y", JSON.createArrayNode().add(JSON.createArrayNode().add(1)).add(
                                JSON.createArrayNode().add(2)).add(JSON.createArrayNode().add(3)).add(
                                JSON.createArrayNode().add(4))), "parameters.b_y[0]"),
                new Broken("matrix written flat", Variant.PYTORCH,
                        r -> params(r).set("W_y", JSON.createArrayNode().add(1).add(2).add(3).add(4)),
                        "parameters.W_y[0]"),
                new Broken("missing tensor", Variant.CHO, r -> params(r).remove("b_h_l0"), "parameters.b_h_l0"),
                new Broken("tensor of the other variant", Variant.CHO,
                        r -> params(r).set("weight_ih_l0", JSON.createArrayNode()), "parameters.weight_ih_l0"),
                new Broken("NaN weight", Variant.CHO,
                        r -> ((ArrayNode) params(r).get("W_h_l0").get(2)).set(3, Double.NaN), "parameters.W_h_l0[2][3]"),
                new Broken("infinite bias", Variant.PYTORCH,
                        r -> ((ArrayNode) params(r).get("bias_hh_l0")).set(5, Double.POSITIVE_INFINITY),
                        "parameters.bias_hh_l0[5]"),
                new Broken("weight as a string", Variant.PYTORCH,
                        r -> ((ArrayNode) params(r).get("weight_hh_l0").get(0)).set(0, "0.5"), "parameters.weight_hh_l0[0][0]"),
                new Broken("edited weight", Variant.PYTORCH,
                        r -> ((ArrayNode) params(r).get("weight_hh_l0").get(0)).set(0, 0.5), "checksum"),
                new Broken("edited checksum", Variant.CHO,
                        r -> r.put("checksum", "sha256:" + "0".repeat(64)), "checksum"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenFiles")
    void shouldRejectABrokenFileNamingTheField(Broken broken) throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(golden(broken.variant()));
        broken.edit().accept(root);
        // Jackson writes NaN and Infinity as bare tokens with this feature, as a careless writer might.
        byte[] bytes = JSON.writer().without(JsonWriteFeature.WRITE_NAN_AS_STRINGS).writeValueAsBytes(root);
        assertRejected(bytes, broken.field());
    }

    static Stream<String> requiredFields() {
        return Stream.of("format", "formatVersion", "name", "version", "createdAt", "effectiveFrom", "cell", "layers",
                "variant", "inputSize", "hiddenSize", "outputSize", "featureNames", "inputs", "normalization",
                "provenance", "checksum", "parameters");
    }

    @ParameterizedTest
    @MethodSource("requiredFields")
    void shouldRejectAMissingField(String field) throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(golden(Variant.CHO));
        root.remove(field);
        assertRejected(JSON.writeValueAsBytes(root), field);
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"scaling", "scaleHalfLife", "time", "timeZone", "horizon",
        "readout"})
    void shouldRejectAMissingInputsMember(String member) throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(golden(Variant.CHO));
        inputs(root).remove(member);
        assertRejected(JSON.writeValueAsBytes(root), "inputs." + member);
    }

    @Test
    void shouldRejectMissingNormalizationMembers() throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(golden(Variant.CHO));
        ((ObjectNode) root.get("normalization")).remove("std");
        assertRejected(JSON.writeValueAsBytes(root), "normalization.std");
    }

    @Test
    void shouldRejectWhatIsNotAModelObject() {
        assertRejected("not json".getBytes(StandardCharsets.UTF_8), "$");
        assertRejected("[1, 2]".getBytes(StandardCharsets.UTF_8), "$");
        assertRejected(new byte[0], "$");
        assertRejected("{\"format\": \"gru-streams-model\", \"format\": \"x\"}".getBytes(StandardCharsets.UTF_8), "$");
    }

    @Test
    void shouldRejectNonFiniteNumberTokensNamingTheField() throws IOException {
        String text = new String(golden(Variant.CHO), StandardCharsets.UTF_8);
        assertRejected(text.replace("0.53625,", "NaN,").getBytes(StandardCharsets.UTF_8), "parameters.W_r_l0[0][5]");
        assertRejected(text.replace("0.53625,", "1e999,").getBytes(StandardCharsets.UTF_8), "parameters.W_r_l0[0][5]");
        assertRejected(text.replace("0.53625,", "-Infinity,").getBytes(StandardCharsets.UTF_8), "parameters.W_r_l0[0][5]");
    }

    private static void assertRejected(byte[] json, String field) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelCodec.fromJson(json));
        assertEquals(field, e.field(), e.getMessage());
        assertTrue(e.getMessage().startsWith(field + ": "), e.getMessage());
    }

    @Test
    void shouldKeepTheFormatConstants() throws IOException {
        JsonNode root = JSON.readTree(golden(Variant.PYTORCH));
        assertEquals(ModelCodec.FORMAT, root.get("format").asText());
        assertEquals(ModelCodec.FORMAT_VERSION, root.get("formatVersion").asInt());
        assertEquals("gru-streams-model", ModelCodec.FORMAT);
        assertEquals(4, ModelCodec.FORMAT_VERSION);
        assertEquals(1, ModelCodec.OLDEST_READABLE_VERSION);
    }
}
