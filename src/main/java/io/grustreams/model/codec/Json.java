package io.grustreams.model.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grustreams.model.Tensor;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Strict reading of the JSON documents of this package (model files, PyTorch state dicts): every
 * check throws a {@link ModelFormatException} that names the field by its path.
 */
final class Json {

    /**
     * Deepest nesting of arrays and objects: a model file needs 4 (a matrix in {@code parameters}),
     * its free {@code provenance} a few more. Far below what would overflow the stack of the
     * recursive conversions (provenance to a map).
     */
    static final int MAX_DEPTH = 32;
    /** Longest string: names, times, provenance text; a model file carries nothing near this. */
    static final int MAX_STRING_CHARS = 1 << 20;
    /** Longest field name: tensor names and provenance keys. */
    static final int MAX_NAME_CHARS = 1024;
    /**
     * Longest number literal: a double needs at most 24 characters in its shortest form and an exact
     * decimal expansion is below this; longer ones only cost parsing time (BigDecimal is quadratic).
     */
    static final int MAX_NUMBER_CHARS = 100;

    /**
     * NaN and ±Infinity tokens are accepted by the parser only so that the validation can reject
     * them with the field's name (plain Jackson would fail with a parse error at a byte offset).
     * Duplicate keys are an error. Doubles are written with Schubfach (shortest round-trip form,
     * the same on every JDK), so a written file reads back bit-identical and the golden file does
     * not depend on the JDK's {@code Double.toString}.
     */
    static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_DEPTH)
                            .maxStringLength(MAX_STRING_CHARS)
                            .maxNameLength(MAX_NAME_CHARS)
                            .maxNumberLength(MAX_NUMBER_CHARS)
                            .build())
                    .build())
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
            .build();

    private Json() {
    }

    /**
     * Parses {@code json}; the root must be an object. The limits above are enforced while parsing, so
     * a document beyond one is refused before its tree is complete.
     */
    static ObjectNode parseObject(byte[] json, String what) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (StreamConstraintsException e) {
            throw new ModelFormatException("$", what + " exceeds a limit of this reader: " + e.getOriginalMessage()
                    + at(e), e);
        } catch (JsonProcessingException e) {
            throw new ModelFormatException("$", what + " is not valid JSON: " + e.getOriginalMessage() + at(e), e);
        } catch (IOException e) {
            throw new ModelFormatException("$", what + " cannot be read: " + e.getMessage(), e);
        }
        if (root == null || root.isMissingNode()) {
            throw new ModelFormatException("$", what + " is empty");
        }
        if (!root.isObject()) {
            throw new ModelFormatException("$", what + " must be a JSON object, found " + kind(root));
        }
        return (ObjectNode) root;
    }

    /** " at line L, column C", or nothing when the parser did not say where. */
    private static String at(JsonProcessingException e) {
        return e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr();
    }

    /** The member {@code name} of {@code obj}, which must be present and not null. */
    static JsonNode require(JsonNode obj, String name, String path) {
        JsonNode v = obj.get(name);
        if (v == null || v.isNull()) {
            throw new ModelFormatException(path, "missing field");
        }
        return v;
    }

    /** Rejects members of {@code obj} not in {@code known}. */
    static void rejectUnknown(JsonNode obj, Set<String> known, String prefix) {
        Iterator<String> names = obj.fieldNames();
        while (names.hasNext()) {
            String n = names.next();
            if (!known.contains(n)) {
                throw new ModelFormatException(prefix + n, "unknown field (known: " + known + ")");
            }
        }
    }

    static String text(JsonNode v, String path) {
        if (!v.isTextual()) {
            throw new ModelFormatException(path, "must be a string, found " + kind(v));
        }
        return v.textValue();
    }

    static long integer(JsonNode v, String path) {
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new ModelFormatException(path, "must be an integer, found " + kind(v) + " " + v);
        }
        return v.longValue();
    }

    /** A finite double. */
    static double number(JsonNode v, String path) {
        if (!v.isNumber()) {
            throw new ModelFormatException(path, "must be a number, found " + kind(v));
        }
        double d = v.doubleValue();
        if (!Double.isFinite(d)) {
            throw new ModelFormatException(path, "must be finite, found " + d);
        }
        return d;
    }

    static JsonNode array(JsonNode v, String path, int length) {
        if (!v.isArray()) {
            throw new ModelFormatException(path, "must be an array, found " + kind(v));
        }
        if (v.size() != length) {
            throw new ModelFormatException(path, "has " + v.size() + " elements, expected " + length);
        }
        return v;
    }

    /** A vector of {@code length} finite numbers. */
    static double[] vector(JsonNode v, String path, int length) {
        array(v, path, length);
        double[] out = new double[length];
        for (int i = 0; i < length; i++) {
            out[i] = number(v.get(i), path + "[" + i + "]");
        }
        return out;
    }

    /**
     * Reads a tensor's values into {@code dest} at the tensor's offset: a vector as a flat array, a
     * matrix as an array of rows, shape exactly {@link Tensor#shape()}.
     */
    static void tensor(JsonNode v, String path, Tensor t, double[] dest) {
        if (t.vector()) {
            array(v, path, t.rows());
            for (int i = 0; i < t.rows(); i++) {
                dest[t.index(i, 0)] = number(v.get(i), path + "[" + i + "]");
            }
            return;
        }
        array(v, path, t.rows());
        for (int i = 0; i < t.rows(); i++) {
            String rowPath = path + "[" + i + "]";
            JsonNode row = v.get(i);
            if (!row.isArray()) {
                throw new ModelFormatException(rowPath, "must be a row (array of " + t.cols() + " numbers) of a "
                        + t.rows() + "x" + t.cols() + " matrix, found " + kind(row));
            }
            array(row, rowPath, t.cols());
            for (int j = 0; j < t.cols(); j++) {
                dest[t.index(i, j)] = number(row.get(j), rowPath + "[" + j + "]");
            }
        }
    }

    /** Rows x cols of a JSON matrix (array of equal-length rows), for inferring sizes; 0 cols if empty. */
    static int[] matrixShape(JsonNode v, String path) {
        if (!v.isArray() || v.size() == 0) {
            throw new ModelFormatException(path, "must be a non-empty array of rows, found " + kind(v));
        }
        JsonNode first = v.get(0);
        if (!first.isArray()) {
            throw new ModelFormatException(path + "[0]", "must be a row (array of numbers), found " + kind(first));
        }
        return new int[] {v.size(), first.size()};
    }

    static String kind(JsonNode v) {
        return switch (v.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> v.getNodeType().toString().toLowerCase(Locale.ROOT);
        };
    }

    /** A JSON object member as a Java map, values as Jackson maps them (Map, List, String, Number, Boolean). */
    static Map<String, Object> toMap(JsonNode obj) {
        return MAPPER.convertValue(obj, new TypeReference<LinkedHashMap<String, Object>>() { });
    }
}
