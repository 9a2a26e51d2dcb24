package io.grustreams.tools.reference;

import com.fasterxml.jackson.databind.JsonNode;
import io.grustreams.model.GruLayout;
import io.grustreams.model.Tensor;
import java.util.Iterator;
import java.util.function.Function;

/** Field access to a PyTorch reference file that names the file and the field path in every error. */
final class ReferenceReader {
    private final String file;

    ReferenceReader(String file) {
        this.file = file;
    }

    IllegalArgumentException error(String path, String what) {
        return new IllegalArgumentException(file + ": field '" + path + "' " + what);
    }

    JsonNode field(JsonNode parent, String path, String key) {
        JsonNode n = parent.get(key);
        if (n == null || n.isNull()) {
            throw error(path, "is missing");
        }
        return n;
    }

    String text(JsonNode parent, String key) {
        JsonNode n = field(parent, key, key);
        if (!n.isTextual()) {
            throw error(key, "must be a string");
        }
        return n.asText();
    }

    JsonNode object(JsonNode parent, String key) {
        JsonNode n = field(parent, key, key);
        if (!n.isObject()) {
            throw error(key, "must be an object");
        }
        return n;
    }

    JsonNode array(JsonNode parent, String path, String key, int size) {
        JsonNode n = field(parent, path, key);
        if (!n.isArray()) {
            throw error(path, "must be an array");
        }
        if (n.size() != size) {
            throw error(path, "has " + n.size() + " entries, expected " + size);
        }
        return n;
    }

    int integer(JsonNode parent, String path, String key) {
        JsonNode n = field(parent, path, key);
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw error(path, "must be an integer");
        }
        return n.intValue();
    }

    int positiveInt(JsonNode parent, String key) {
        return positiveInt(parent, key, key);
    }

    int positiveInt(JsonNode parent, String path, String key) {
        int v = integer(parent, path, key);
        if (v < 1) {
            throw error(path, "must be positive, is " + v);
        }
        return v;
    }

    double number(JsonNode parent, String path, String key) {
        return value(field(parent, path, key), path);
    }

    private double value(JsonNode n, String path) {
        if (!n.isNumber()) {
            throw error(path, "must be a number");
        }
        double v = n.doubleValue();
        if (!Double.isFinite(v)) {
            throw error(path, "is not finite");
        }
        return v;
    }

    double[] vector(JsonNode parent, String key, int size) {
        return vector(parent, key, key, size);
    }

    double[] vector(JsonNode parent, String path, String key, int size) {
        return vectorOf(array(parent, path, key, size), path);
    }

    private double[] vectorOf(JsonNode arr, String path) {
        double[] v = new double[arr.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = value(arr.get(i), path + "[" + i + "]");
        }
        return v;
    }

    double[][] matrix(JsonNode parent, String key, int rows, int cols) {
        return matrix(parent, key, key, rows, cols);
    }

    double[][] matrix(JsonNode parent, String path, String key, int rows, int cols) {
        return rows(array(parent, path, key, rows), path, rows, cols);
    }

    /** Element {@code index} of the array {@code outer} (at {@code path}), a rows x cols matrix. */
    double[][] matrixAt(JsonNode outer, String path, int index, int rows, int cols) {
        JsonNode arr = outer.get(index);
        if (arr == null || !arr.isArray() || arr.size() != rows) {
            throw error(path, "must be an array of " + rows + " rows");
        }
        return rows(arr, path, rows, cols);
    }

    private double[][] rows(JsonNode arr, String path, int rows, int cols) {
        double[][] m = new double[rows][];
        for (int i = 0; i < rows; i++) {
            JsonNode row = arr.get(i);
            String rp = path + "[" + i + "]";
            if (!row.isArray() || row.size() != cols) {
                throw error(rp, "must be an array of " + cols + " numbers");
            }
            m[i] = vectorOf(row, rp);
        }
        return m;
    }

    /** A {legacy name: tensor} dictionary of a {@code gru-reference/1} file, flattened in layout order. */
    double[] tensors(JsonNode parent, String key, GruLayout layout) {
        return tensors(parent, key, key, layout);
    }

    /** As {@link #tensors(JsonNode, String, GruLayout)}, the dictionary at {@code path}. */
    double[] tensors(JsonNode parent, String path, String key, GruLayout layout) {
        return tensors(parent, path, key, layout, GruLayout::legacyName);
    }

    /**
     * A {name: tensor} dictionary flattened in layout order, each tensor looked up as
     * {@code naming.apply(tensor)}; extra names are rejected.
     */
    double[] tensors(JsonNode parent, String path, String key, GruLayout layout, Function<Tensor, String> naming) {
        JsonNode dict = field(parent, path, key);
        if (!dict.isObject()) {
            throw error(path, "must be an object of tensors");
        }
        for (Iterator<String> it = dict.fieldNames(); it.hasNext();) {
            String n = it.next();
            boolean known = layout.tensors().stream().anyMatch(t -> naming.apply(t).equals(n));
            if (!known) {
                throw error(path + "." + n, "is not a parameter of a " + layout);
            }
        }
        double[] flat = new double[layout.size()];
        for (Tensor t : layout.tensors()) {
            String name = naming.apply(t);
            String p = path + "." + name;
            if (t.vector()) {
                System.arraycopy(vector(dict, p, name, t.rows()), 0, flat, t.offset(), t.rows());
            } else {
                double[][] m = matrix(dict, p, name, t.rows(), t.cols());
                for (int i = 0; i < t.rows(); i++) {
                    System.arraycopy(m[i], 0, flat, t.index(i, 0), t.cols());
                }
            }
        }
        return flat;
    }
}
