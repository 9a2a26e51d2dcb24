package io.grustreams.model.codec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Model files made to hurt a reader, each from a valid one: they declare sizes that would take
 * gigabytes, nest or grow past what a reader should take, or pad a valid model to 100 MiB. Used by
 * the codec's tests and by the stream's, which publish them on the models topic.
 */
public final class HostileModelFiles {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One hostile file: what it is, the bytes, and what the codec should name as the field at fault. */
    public record Hostile(String name, byte[] bytes, String field) {
        @Override
        public String toString() {
            return name;
        }
    }

    private HostileModelFiles() {
    }

    /**
     * Every hostile file the codec refuses, made from {@code valid}, a model file of format version 4.
     * The 100 MiB one is apart ({@link #padded}): the codec would read it, the stream must not.
     */
    public static List<Hostile> refusedByTheCodec(byte[] valid) {
        return List.of(
                new Hostile("hidden size 65,536 with 1,000 inputs (10^10 parameters, 100 GB)", edit(valid,
                        r -> wide(r, 65_536, 1000)), "hiddenSize"),
                new Hostile("hidden size 20,000 with 1,000 inputs (1.3·10^9 parameters, 10 GB, in a few KiB)", edit(valid,
                        r -> wide(r, 20_000, 1000)), "hiddenSize"),
                new Hostile("hidden size 2^31 - 1, whose parameter count overflows a long", edit(valid,
                        r -> r.put("hiddenSize", Integer.MAX_VALUE)), "hiddenSize"),
                new Hostile("provenance nested 100,000 deep", nested(valid, 100_000), "$"),
                new Hostile("a 2 MiB string in the provenance", edit(valid,
                        r -> ((ObjectNode) r.get("provenance")).put("note", "x".repeat(2 << 20))), "$"),
                new Hostile("a field name of 100,000 characters", edit(valid,
                        r -> ((ObjectNode) r.get("provenance")).put("k".repeat(100_000), 1)), "$"),
                new Hostile("a number of 10,000 digits", text(valid, t -> t.replaceFirst("\"mean\":\\s*\\[",
                        "\"mean\": [1" + "0".repeat(10_000) + ",")), "$"),
                new Hostile("a provenance of a million numbers (2 MB)", edit(valid,
                        r -> ((ObjectNode) r.get("provenance")).putArray("junk").addAll(zeros(1_000_000))), "provenance"));
    }

    /** {@code valid} followed by spaces up to {@code bytes} bytes: still a valid model file. */
    public static byte[] padded(byte[] valid, int bytes) {
        byte[] out = Arrays.copyOf(valid, bytes);
        Arrays.fill(out, valid.length, bytes, (byte) ' ');
        return out;
    }

    /** Declares {@code inputs} features (global scaling, one step, no time inputs) and hidden size {@code hidden}. */
    private static void wide(ObjectNode root, int hidden, int inputs) {
        ArrayNode names = root.putArray("featureNames");
        ArrayNode mean = JSON.createArrayNode();
        ArrayNode std = JSON.createArrayNode();
        for (int i = 0; i < inputs; i++) {
            names.add("f" + i);
            mean.add(0.0);
            std.add(1.0);
        }
        ObjectNode in = (ObjectNode) root.get("inputs");
        in.put("scaling", "global").put("scaleHalfLife", 0).put("horizon", 1).put("readout", "iterated");
        in.putArray("time");
        root.put("inputSize", inputs).put("outputSize", inputs).put("hiddenSize", hidden).put("layers", 1);
        ObjectNode norm = (ObjectNode) root.get("normalization");
        norm.set("mean", mean);
        norm.set("std", std);
    }

    private static byte[] nested(byte[] valid, int depth) {
        byte[] marked = edit(valid, r -> ((ObjectNode) r.get("provenance")).put("deep", "@DEEP@"));
        return text(marked, t -> t.replace("\"@DEEP@\"", "[".repeat(depth) + "]".repeat(depth)));
    }

    private static ArrayNode zeros(int n) {
        ArrayNode a = JSON.createArrayNode();
        for (int i = 0; i < n; i++) {
            a.add(0);
        }
        return a;
    }

    private static byte[] edit(byte[] valid, Consumer<ObjectNode> change) {
        try {
            ObjectNode root = (ObjectNode) JSON.readTree(valid);
            change.accept(root);
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] text(byte[] valid, Function<String, String> change) {
        String before = new String(valid, StandardCharsets.UTF_8);
        String after = change.apply(before);
        if (after.equals(before)) {
            throw new IllegalStateException("the edit changed nothing");
        }
        return after.getBytes(StandardCharsets.UTF_8);
    }
}
