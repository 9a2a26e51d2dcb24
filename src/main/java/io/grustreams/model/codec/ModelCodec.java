package io.grustreams.model.codec;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grustreams.model.Cell;
import io.grustreams.model.GruLayout;
import io.grustreams.model.GruModel;
import io.grustreams.model.InputSpec;
import io.grustreams.model.Normalization;
import io.grustreams.model.Parameters;
import io.grustreams.model.Tensor;
import io.grustreams.model.TimeInput;
import io.grustreams.model.Variant;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The model file: one JSON document, UTF-8, pretty-printed with a stable field order.
 *
 * <pre>
 * {
 *   "format": "gru-streams-model",   "formatVersion": 4,
 *   "name": "...", "version": 3, "createdAt": "2025-01-01T00:00:00Z",
 *   "effectiveFrom": "2025-01-01T00:01:00Z",
 *   "cell": "rnn" | "lstm" | "gru", "layers": L, "variant": "cho" | "pytorch" (rnn, lstm: "pytorch"),
 *   "inputSize": network inputs, "hiddenSize": H, "outputSize": readout outputs,
 *   "featureNames": [D strings],
 *   "inputs": {"scaling": "per-key" | "global", "scaleHalfLife": events (0 for global),
 *              "time": ["time-of-day", "day-of-week", "gap"], "timeZone": "UTC",
 *              "horizon": N, "readout": "direct" | "iterated"},
 *   "normalization": {"mean": [D], "std": [D]},
 *   "provenance": {free JSON object},
 *   "checksum": "sha256:&lt;hex&gt;",
 *   "parameters": {tensorName: vector | array of rows, in {@link GruLayout} order}
 * }
 * </pre>
 *
 * {@code inputSize} and {@code outputSize} must be what D features and {@code inputs} make
 * ({@link InputSpec#networkInputs}, {@link InputSpec#networkOutputs}). Tensor names and shapes are
 * those of {@link GruLayout} (the PyTorch reference files' names). Doubles are written in their
 * shortest round-trip form and read back bit-identical. The checksum is
 * {@link #checksum(Parameters)} and is verified on load.
 *
 * <p>Versions: this build writes version 4 and reads 1 to 4.
 * <ul>
 *   <li>Version 4 serves every {@code cell} (rnn, lstm, gru) with {@code layers} L in [1,
 *       {@link GruLayout#MAX_LAYERS}], and names every layer's tensors with their layer suffix, as
 *       PyTorch does ({@code weight_ih_l0}, {@code W_r_l1}). Versions 1 to 3 are one-layer GRUs whose
 *       tensors are named without it ({@link GruLayout#legacyName}).</li>
 *   <li>Version 3 added {@code cell}, {@code layers}, {@code outputSize} and {@code inputs} (per-key
 *       scaling, time inputs, direct multi-horizon readouts); {@code inputSize} became the network's
 *       input width; its {@code cell} must be "gru" and {@code layers} 1.</li>
 *   <li>Version 2 added the required {@code effectiveFrom} ({@link GruModel#effectiveFrom()}); a
 *       version-1 file reads as effective from the epoch, i.e. for every event, which is how
 *       version-1 models were served.</li>
 *   <li>Versions 1 and 2 read with {@link InputSpec#legacy()} inputs: global normalization, no time
 *       inputs, one-step readout, which is what they meant; their {@code inputSize} is D.</li>
 * </ul>
 * A version is bumped rather than fields made optional because loading rejects unknown fields: an
 * older build refuses a newer file with "unsupported version" rather than a less helpful message,
 * and a required field is always written down rather than silently defaulted by whichever build
 * reads it.
 *
 * <p>Loading is strict: an unknown format or version, a missing or unknown field, a wrong shape,
 * a non-finite number, an unknown variant or a checksum mismatch throws a
 * {@link ModelFormatException} that names the field.
 *
 * <p>Loading is safe against hostile files: a file costs about its own size to read and never
 * what it declares. The parser refuses nesting deeper than 32, strings over 1 MiB, names over 1,024
 * characters and numbers over 100 characters while it reads; sizes whose parameters exceed what an
 * array can hold, or what the file's bytes can (two bytes a parameter at least), are refused before
 * anything is allocated from them; the kept {@code provenance} is at most
 * {@value #MAX_PROVENANCE_BYTES} bytes. The bound on the file's own size is the caller's (the
 * stream's {@code gru.model.max.bytes}).
 */
public final class ModelCodec {

    public static final String FORMAT = "gru-streams-model";
    /** The version this build writes. */
    public static final int FORMAT_VERSION = 4;
    /** The oldest version this build reads. */
    public static final int OLDEST_READABLE_VERSION = 1;

    private static final Set<String> FIELDS_V1 = Set.of("format", "formatVersion", "name", "version", "createdAt",
            "variant", "inputSize", "hiddenSize", "featureNames", "normalization", "provenance", "checksum",
            "parameters");
    private static final Set<String> FIELDS_V2 = union(FIELDS_V1, "effectiveFrom");
    /** Version 4 has the fields of version 3; what changed is what cell, layers and the tensor names may be. */
    private static final Set<String> FIELDS_V3 = union(union(union(union(FIELDS_V2, "cell"), "layers"), "outputSize"),
            "inputs");
    private static final Set<String> INPUTS_FIELDS = Set.of("scaling", "scaleHalfLife", "time", "timeZone", "horizon",
            "readout");
    private static final Set<String> NORMALIZATION_FIELDS = Set.of("mean", "std");
    /** Bounds the parameter vector (an int-indexed array) before anything is allocated from the sizes. */
    private static final long MAX_PARAMETERS = Integer.MAX_VALUE - 16;
    /**
     * Bounds the free {@code provenance} object, written compactly: it is kept with the model for as long
     * as the model is, so a file must not make it the bulk of what a registry holds. What the trainer
     * writes (source, window, offsets, seed, hyper-parameters) takes a few KiB.
     */
    public static final int MAX_PROVENANCE_BYTES = 1 << 20;

    private ModelCodec() {
    }

    private static Set<String> union(Set<String> a, String b) {
        Set<String> u = new HashSet<>(a);
        u.add(b);
        return Set.copyOf(u);
    }

    /** The model file of {@code m}: UTF-8 JSON, ending with a newline. */
    public static byte[] toJson(GruModel m) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        GruLayout layout = m.layout();
        Set<String> matrices = new HashSet<>();
        for (Tensor t : layout.tensors()) {
            if (!t.vector()) {
                matrices.add(t.name());
            }
        }
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
            g.setPrettyPrinter(prettyPrinter(matrices));
            g.writeStartObject();
            g.writeStringField("format", FORMAT);
            g.writeNumberField("formatVersion", FORMAT_VERSION);
            g.writeStringField("name", m.name());
            g.writeNumberField("version", m.version());
            g.writeStringField("createdAt", m.createdAt().toString());
            g.writeStringField("effectiveFrom", m.effectiveFrom().toString());
            g.writeStringField("cell", layout.cell().id());
            g.writeNumberField("layers", layout.layers());
            g.writeStringField("variant", m.variant().id());
            g.writeNumberField("inputSize", layout.inputSize());
            g.writeNumberField("hiddenSize", layout.hiddenSize());
            g.writeNumberField("outputSize", layout.outputSize());
            g.writeArrayFieldStart("featureNames");
            for (String f : m.featureNames()) {
                g.writeString(f);
            }
            g.writeEndArray();
            InputSpec in = m.inputs();
            g.writeObjectFieldStart("inputs");
            g.writeStringField("scaling", in.scaling().id());
            g.writeNumberField("scaleHalfLife", in.scaleHalfLife());
            g.writeArrayFieldStart("time");
            for (TimeInput t : in.time()) {
                g.writeString(t.id());
            }
            g.writeEndArray();
            g.writeStringField("timeZone", in.zone().getId());
            g.writeNumberField("horizon", in.horizon());
            g.writeStringField("readout", in.readout().id());
            g.writeEndObject();
            Normalization norm = m.normalization();
            g.writeObjectFieldStart("normalization");
            writeVector(g, "mean", norm.means());
            writeVector(g, "std", norm.stds());
            g.writeEndObject();
            g.writeFieldName("provenance");
            g.writeObject(m.provenance());
            g.writeStringField("checksum", checksum(m.parameters()));
            g.writeObjectFieldStart("parameters");
            double[] p = m.parameters().values();
            for (Tensor t : layout.tensors()) {
                g.writeArrayFieldStart(t.name());
                if (t.vector()) {
                    for (int i = 0; i < t.rows(); i++) {
                        g.writeNumber(p[t.index(i, 0)]);
                    }
                } else {
                    for (int i = 0; i < t.rows(); i++) {
                        g.writeStartArray();
                        for (int j = 0; j < t.cols(); j++) {
                            g.writeNumber(p[t.index(i, j)]);
                        }
                        g.writeEndArray();
                    }
                }
                g.writeEndArray();
            }
            g.writeEndObject();
            g.writeEndObject();
            g.writeRaw('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("writing a model to memory failed", e);
        }
        return out.toByteArray();
    }

    private static void writeVector(JsonGenerator g, String name, double[] v) throws IOException {
        g.writeArrayFieldStart(name);
        for (double x : v) {
            g.writeNumber(x);
        }
        g.writeEndArray();
    }

    /**
     * Objects one member per line; arrays on one line, except that each row of a parameter matrix
     * gets its own line (a 64x72 matrix stays readable and diffs row by row).
     */
    private static DefaultPrettyPrinter prettyPrinter(Set<String> matrices) {
        DefaultIndenter lines = new DefaultIndenter("  ", "\n");
        DefaultPrettyPrinter.Indenter arrays = new DefaultPrettyPrinter.Indenter() {
            @Override
            public void writeIndentation(JsonGenerator g, int level) throws IOException {
                if (isParameterMatrix(g.getOutputContext(), matrices)) {
                    lines.writeIndentation(g, level);
                } else {
                    g.writeRaw(' ');
                }
            }

            @Override
            public boolean isInline() {
                return false;
            }
        };
        Separators separators = Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                .withArrayValueSpacing(Separators.Spacing.NONE);
        return new DefaultPrettyPrinter(separators).withObjectIndenter(lines).withArrayIndenter(arrays);
    }

    /** True for the outer array of {@code "parameters": {"W_r": [[...], ...]}} (the pretty printer's context). */
    private static boolean isParameterMatrix(JsonStreamContext array, Set<String> matrices) {
        if (array == null || !array.inArray()) {
            return false;
        }
        JsonStreamContext tensors = array.getParent();
        if (tensors == null || !tensors.inObject() || !matrices.contains(tensors.getCurrentName())) {
            return false;
        }
        JsonStreamContext top = tensors.getParent();
        return top != null && top.inObject() && "parameters".equals(top.getCurrentName())
                && top.getParent() != null && top.getParent().inRoot();
    }

    /**
     * Reads and validates a model file.
     *
     * @throws ModelFormatException naming the field that is missing, unknown or invalid
     */
    public static GruModel fromJson(byte[] json) {
        ObjectNode root = Json.parseObject(json, "a model file");

        String format = Json.text(Json.require(root, "format", "format"), "format");
        if (!FORMAT.equals(format)) {
            throw new ModelFormatException("format", "unknown format '" + format + "', expected '" + FORMAT + "'");
        }
        long formatVersion = Json.integer(Json.require(root, "formatVersion", "formatVersion"), "formatVersion");
        if (formatVersion < OLDEST_READABLE_VERSION || formatVersion > FORMAT_VERSION) {
            throw new ModelFormatException("formatVersion", "unsupported version " + formatVersion
                    + " (this build reads versions " + OLDEST_READABLE_VERSION + " to " + FORMAT_VERSION + ")");
        }
        Json.rejectUnknown(root, formatVersion == 1 ? FIELDS_V1 : formatVersion == 2 ? FIELDS_V2 : FIELDS_V3, "");

        String name = Json.text(Json.require(root, "name", "name"), "name");
        if (name.isBlank()) {
            throw new ModelFormatException("name", "must not be blank");
        }
        long version = Json.integer(Json.require(root, "version", "version"), "version");
        if (version < 0) {
            throw new ModelFormatException("version", "must not be negative, found " + version);
        }
        Instant createdAt = instant(root, "createdAt");
        // Version 1 had no effective time: its models served every event.
        Instant effectiveFrom = formatVersion == 1 ? Instant.EPOCH : instant(root, "effectiveFrom");
        if (effectiveFrom.isBefore(Instant.EPOCH)) {
            throw new ModelFormatException("effectiveFrom", "must not be before 1970-01-01T00:00:00Z, found "
                    + effectiveFrom);
        }
        try {
            effectiveFrom.toEpochMilli();
        } catch (ArithmeticException e) {
            throw new ModelFormatException("effectiveFrom", "beyond epoch milliseconds: " + effectiveFrom, e);
        }
        Cell cell = Cell.GRU;
        int layers = 1;
        if (formatVersion >= 3) {
            String cellId = Json.text(Json.require(root, "cell", "cell"), "cell");
            try {
                cell = Cell.fromId(cellId);
            } catch (IllegalArgumentException e) {
                throw new ModelFormatException("cell", e.getMessage(), e);
            }
            long l = Json.integer(Json.require(root, "layers", "layers"), "layers");
            if (l < 1 || l > GruLayout.MAX_LAYERS) {
                throw new ModelFormatException("layers", "must be in [1, " + GruLayout.MAX_LAYERS + "], found " + l);
            }
            layers = (int) l;
            if (formatVersion == 3 && (cell != Cell.GRU || layers != 1)) {
                // Version 3 names its tensors without layer suffixes: only a one-layer GRU is meant.
                throw new ModelFormatException(cell != Cell.GRU ? "cell" : "layers", "a version-3 file is a one-layer"
                        + " GRU, found cell " + cellId + " with " + layers + " layers");
            }
        }
        String variantId = Json.text(Json.require(root, "variant", "variant"), "variant");
        Variant variant;
        try {
            variant = Variant.fromId(variantId);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException("variant", e.getMessage(), e);
        }
        if (cell != Cell.GRU && variant != Variant.PYTORCH) {
            throw new ModelFormatException("variant", "must be pytorch for the " + cell.id() + " cell, found "
                    + variantId);
        }
        int inputSize = size(root, "inputSize");
        int hiddenSize = size(root, "hiddenSize");
        int outputSize = formatVersion >= 3 ? size(root, "outputSize") : inputSize;
        // Checked before anything is allocated from the declared sizes (a hostile file may declare any):
        // every parameter takes at least a digit and a separator, so a file of B bytes holds at most B/2.
        long declared = GruLayout.parameterCount(cell, variant, layers, inputSize, hiddenSize, outputSize);
        if (declared > MAX_PARAMETERS || declared > json.length / 2) {
            throw new ModelFormatException("hiddenSize", "too large: " + hiddenSize + " with " + layers
                    + " layers, inputSize " + inputSize + " and outputSize " + outputSize + " needs " + declared
                    + " parameters, more than a file of " + json.length + " bytes can hold");
        }
        JsonNode namesNode = Json.require(root, "featureNames", "featureNames");
        if (!namesNode.isArray() || namesNode.size() < 1 || namesNode.size() > inputSize) {
            throw new ModelFormatException("featureNames", "must be an array of 1 to inputSize=" + inputSize
                    + " names, found " + (namesNode.isArray() ? namesNode.size() + " names" : Json.kind(namesNode)));
        }
        int features = formatVersion >= 3 ? namesNode.size() : inputSize;
        List<String> featureNames = featureNames(namesNode, features);
        InputSpec inputs = formatVersion >= 3 ? inputs(Json.require(root, "inputs", "inputs")) : InputSpec.legacy();
        if (inputs.networkInputs(features) != inputSize) {
            throw new ModelFormatException("inputSize", inputSize + ", but " + features + " features and these inputs "
                    + "make " + inputs.networkInputs(features));
        }
        if (inputs.networkOutputs(features) != outputSize) {
            throw new ModelFormatException("outputSize", outputSize + ", but " + features + " features and these inputs "
                    + "make " + inputs.networkOutputs(features));
        }
        GruLayout layout = GruLayout.of(cell, variant, layers, inputSize, hiddenSize, outputSize);
        int d = features;

        JsonNode normNode = Json.require(root, "normalization", "normalization");
        if (!normNode.isObject()) {
            throw new ModelFormatException("normalization", "must be an object {mean, std}, found " + Json.kind(normNode));
        }
        Json.rejectUnknown(normNode, NORMALIZATION_FIELDS, "normalization.");
        double[] mean = Json.vector(Json.require(normNode, "mean", "normalization.mean"), "normalization.mean", d);
        double[] std = Json.vector(Json.require(normNode, "std", "normalization.std"), "normalization.std", d);
        for (int i = 0; i < d; i++) {
            if (!(std[i] > 0)) {
                throw new ModelFormatException("normalization.std[" + i + "]", "must be positive, found " + std[i]);
            }
        }
        Normalization normalization = new Normalization(mean, std);

        JsonNode provNode = Json.require(root, "provenance", "provenance");
        if (!provNode.isObject()) {
            throw new ModelFormatException("provenance", "must be an object, found " + Json.kind(provNode));
        }
        int provenanceBytes;
        try {
            provenanceBytes = Json.MAPPER.writeValueAsBytes(provNode).length;
        } catch (IOException e) {
            throw new UncheckedIOException("writing provenance to memory failed", e);
        }
        if (provenanceBytes > MAX_PROVENANCE_BYTES) {
            throw new ModelFormatException("provenance", "takes " + provenanceBytes + " bytes, more than "
                    + MAX_PROVENANCE_BYTES);
        }
        Map<String, Object> provenance = Json.toMap(provNode);

        String checksum = Json.text(Json.require(root, "checksum", "checksum"), "checksum");
        Parameters parameters = parameters(Json.require(root, "parameters", "parameters"), layout, "parameters",
                formatVersion < 4);
        String actual = checksum(parameters);
        if (!actual.equals(checksum)) {
            throw new ModelFormatException("checksum", "mismatch: the file says " + checksum
                    + " but its parameters hash to " + actual + " (corrupted or edited by hand)");
        }
        try {
            return new GruModel(name, version, createdAt, effectiveFrom, featureNames, normalization, inputs, parameters,
                    provenance);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException("$", e.getMessage(), e);
        }
    }

    private static InputSpec inputs(JsonNode node) {
        if (!node.isObject()) {
            throw new ModelFormatException("inputs", "must be an object, found " + Json.kind(node));
        }
        Json.rejectUnknown(node, INPUTS_FIELDS, "inputs.");
        InputSpec.Scaling scaling;
        String scalingId = Json.text(Json.require(node, "scaling", "inputs.scaling"), "inputs.scaling");
        try {
            scaling = InputSpec.Scaling.fromId(scalingId);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException("inputs.scaling", e.getMessage(), e);
        }
        double halfLife = Json.number(Json.require(node, "scaleHalfLife", "inputs.scaleHalfLife"), "inputs.scaleHalfLife");
        if (scaling == InputSpec.Scaling.PER_KEY ? !(halfLife >= 1 && halfLife <= 1e9) : halfLife != 0) {
            throw new ModelFormatException("inputs.scaleHalfLife", scaling == InputSpec.Scaling.PER_KEY
                    ? "must be in [1, 1e9] events, found " + halfLife : "must be 0 with global scaling, found " + halfLife);
        }
        JsonNode timeNode = Json.require(node, "time", "inputs.time");
        if (!timeNode.isArray() || timeNode.size() > TimeInput.values().length) {
            throw new ModelFormatException("inputs.time", "must be an array of at most " + TimeInput.values().length
                    + " time inputs, found " + (timeNode.isArray() ? timeNode.size() + " entries" : Json.kind(timeNode)));
        }
        List<TimeInput> time = new ArrayList<>();
        for (int i = 0; i < timeNode.size(); i++) {
            String path = "inputs.time[" + i + "]";
            try {
                TimeInput t = TimeInput.fromId(Json.text(timeNode.get(i), path));
                if (time.contains(t)) {
                    throw new ModelFormatException(path, "repeats '" + t.id() + "'");
                }
                time.add(t);
            } catch (IllegalArgumentException e) {
                throw new ModelFormatException(path, e.getMessage(), e);
            }
        }
        String zoneId = Json.text(Json.require(node, "timeZone", "inputs.timeZone"), "inputs.timeZone");
        ZoneId zone;
        try {
            zone = ZoneId.of(zoneId);
        } catch (DateTimeException e) {
            throw new ModelFormatException("inputs.timeZone", "not a time zone: '" + zoneId + "'", e);
        }
        long horizon = Json.integer(Json.require(node, "horizon", "inputs.horizon"), "inputs.horizon");
        if (horizon < 1 || horizon > InputSpec.MAX_HORIZON) {
            throw new ModelFormatException("inputs.horizon", "must be in [1, " + InputSpec.MAX_HORIZON + "], found "
                    + horizon);
        }
        InputSpec.Readout readout;
        String readoutId = Json.text(Json.require(node, "readout", "inputs.readout"), "inputs.readout");
        try {
            readout = InputSpec.Readout.fromId(readoutId);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException("inputs.readout", e.getMessage(), e);
        }
        if (readout == InputSpec.Readout.ITERATED && horizon != 1) {
            throw new ModelFormatException("inputs.horizon", "must be 1 with an iterated readout, found " + horizon);
        }
        return new InputSpec(scaling, halfLife, time, zone, (int) horizon, readout);
    }

    private static Instant instant(JsonNode root, String field) {
        String text = Json.text(Json.require(root, field, field), field);
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new ModelFormatException(field, "not an ISO-8601 instant: '" + text + "'", e);
        }
    }

    private static int size(JsonNode root, String field) {
        long v = Json.integer(Json.require(root, field, field), field);
        if (v < 1 || v > Integer.MAX_VALUE) {
            throw new ModelFormatException(field, "must be a positive int, found " + v);
        }
        return (int) v;
    }

    private static List<String> featureNames(JsonNode node, int inputSize) {
        Json.array(node, "featureNames", inputSize);
        List<String> names = new ArrayList<>(inputSize);
        Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < inputSize; i++) {
            String path = "featureNames[" + i + "]";
            String f = Json.text(node.get(i), path);
            if (f.isBlank()) {
                throw new ModelFormatException(path, "must not be blank");
            }
            if (!seen.add(f)) {
                throw new ModelFormatException(path, "duplicate feature name '" + f + "'");
            }
            names.add(f);
        }
        return names;
    }

    /**
     * Reads {@code {tensorName: values}} with exactly the tensors of {@code layout}. Shapes are
     * checked tensor by tensor before they are copied, so the allocation is bounded by the sizes
     * already validated.
     *
     * @param legacyNames true for files before version 4, whose tensors have no layer suffix
     */
    static Parameters parameters(JsonNode node, GruLayout layout, String path, boolean legacyNames) {
        if (!node.isObject()) {
            throw new ModelFormatException(path, "must be an object {tensorName: values}, found " + Json.kind(node));
        }
        Set<String> known = new LinkedHashSet<>();
        for (Tensor t : layout.tensors()) {
            known.add(legacyNames ? GruLayout.legacyName(t) : t.name());
        }
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String n = names.next();
            if (!known.contains(n)) {
                throw new ModelFormatException(path + "." + n, "unknown tensor for a " + layout + " (expected "
                        + known + ")");
            }
        }
        double[] values = new double[layout.size()];
        for (Tensor t : layout.tensors()) {
            String name = legacyNames ? GruLayout.legacyName(t) : t.name();
            String tp = path + "." + name;
            Json.tensor(Json.require(node, name, tp), tp, t, values);
        }
        return new Parameters(layout, values);
    }

    /** Reads and validates the model file at {@code p}. */
    public static GruModel read(Path p) throws IOException {
        return fromJson(Files.readAllBytes(p));
    }

    /**
     * Writes the model file to {@code p}: to a temporary file in the same directory first, then
     * moved into place (atomically where the file system can), so a reader never sees half a file.
     */
    public static void write(GruModel m, Path p) throws IOException {
        byte[] bytes = toJson(m);
        Path abs = p.toAbsolutePath();
        Path dir = abs.getParent();
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
        try {
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * {@code "sha256:<64 hex digits>"} of the flat parameter vector in canonical ({@link GruLayout})
     * order, each value as its 8-byte big-endian IEEE-754 encoding ({@link Double#doubleToLongBits}).
     * Covers the values only: the layout is checked separately by the shapes.
     */
    public static String checksum(Parameters p) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        ByteBuffer buf = ByteBuffer.allocate(8 * 1024);
        for (double v : p.values()) {
            if (!buf.hasRemaining()) {
                sha.update(buf.array(), 0, buf.position());
                buf.clear();
            }
            buf.putLong(Double.doubleToLongBits(v));
        }
        sha.update(buf.array(), 0, buf.position());
        return "sha256:" + HexFormat.of().formatHex(sha.digest());
    }
}
