package io.grustreams.model.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grustreams.model.GruLayout;
import io.grustreams.model.Parameters;
import io.grustreams.model.Tensor;
import io.grustreams.model.Variant;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One PyTorch reference file of {@code ../shared/reference/gru} (schema {@code gru-reference/1}):
 * parameters, inputs and the forward pass. Lives in the codec's test package because it reads JSON.
 */
public record ReferenceCase(String file, JsonNode root, Parameters parameters, double[] hInit, double[][] x,
        double[][] target, double[][] h, double[][] y, double loss) {

    /**
     * The directory of the reference files: system property {@code gru.reference.dir}, else
     * {@code ../shared/reference/gru}; a relative path is resolved against the project directory
     * (surefire's {@code basedir}).
     */
    public static Path directory() {
        Path base = Path.of(System.getProperty("basedir", "."));
        return base.resolve(System.getProperty("gru.reference.dir", "../shared/reference/gru"));
    }

    /**
     * Every {@code cho_*.json} and {@code pytorch_*.json} of {@link #directory()}, sorted by name.
     *
     * @throws IllegalStateException if the directory is missing or holds no case: a missing oracle
     *     must fail the build, not skip the test
     */
    public static List<Path> files() {
        Path dir = directory();
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("reference directory " + dir.toAbsolutePath()
                    + " not found (set -Dgru.reference.dir)");
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> files = s.filter(p -> {
                String n = p.getFileName().toString();
                return n.endsWith(".json") && (n.startsWith("cho_") || n.startsWith("pytorch_"));
            }).sorted().collect(Collectors.toList());
            if (files.isEmpty()) {
                throw new IllegalStateException("no cho_*.json or pytorch_*.json in " + dir.toAbsolutePath());
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ReferenceCase load(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Variant variant = Variant.fromId(root.get("formulation").asText());
        GruLayout layout = GruLayout.of(variant, root.get("input_size").asInt(), root.get("hidden_size").asInt(),
                root.get("output_size").asInt());
        double[] values = new double[layout.size()];
        for (Tensor t : layout.tensors()) {
            JsonNode v = root.get("params").get(GruLayout.legacyName(t));
            for (int i = 0; i < t.rows(); i++) {
                for (int j = 0; j < t.cols(); j++) {
                    values[t.index(i, j)] = t.vector() ? v.get(i).doubleValue() : v.get(i).get(j).doubleValue();
                }
            }
        }
        JsonNode fwd = root.get("forward");
        return new ReferenceCase(file.getFileName().toString(), root, new Parameters(layout, values),
                vector(root.get("h_init")), matrix(root.get("x")), matrix(root.get("target")),
                matrix(fwd.get("h")), matrix(fwd.get("y")), fwd.get("loss").doubleValue());
    }

    public static double[] vector(JsonNode v) {
        double[] out = new double[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.get(i).doubleValue();
        }
        return out;
    }

    public static double[][] matrix(JsonNode v) {
        double[][] out = new double[v.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = vector(v.get(i));
        }
        return out;
    }

    @Override
    public String toString() {
        return file;
    }
}
