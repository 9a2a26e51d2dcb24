package io.grustreams.train;

import com.fasterxml.jackson.databind.JsonNode;
import io.grustreams.model.Cell;
import io.grustreams.model.GruLayout;
import io.grustreams.model.Tensor;
import io.grustreams.model.Variant;

/**
 * The forward pass of one PyTorch reference file of schema {@code recurrent-reference/2}
 * ({@code src/test/reference/README.md}): a stacked rnn, lstm or gru (either form) with L layers,
 * its parameters, initial states, inputs and, per step, every layer's h (and c) and the readout.
 * Sizes are read from the file. Parameters are flattened into the {@link GruLayout} order, whose
 * tensor names are the file's {@code param_order}.
 *
 * <p>States are given in {@link GruLayout#stateSize()} layout: every layer's h, then for the LSTM
 * every layer's c. Arrays returned by the accessors are the parsed values themselves: callers must
 * not modify them.
 */
public final class RecurrentReference {

    /** The schema this reader accepts. */
    public static final String SCHEMA = "recurrent-reference/2";

    private final String name;
    private final GruLayout layout;
    private final int length;
    private final double[] params;
    private final double[] initialState;
    private final double[][] x;
    private final double[][] target;
    private final double[][] states;
    private final double[][] forwardY;
    private final double forwardLoss;

    private RecurrentReference(String name, JsonNode root) {
        this.name = name;
        ReferenceReader in = new ReferenceReader(name);
        String dtype = in.text(root, "dtype");
        if (!"float64".equals(dtype)) {
            throw in.error("dtype", "is '" + dtype + "', expected 'float64'");
        }
        Cell cell;
        Variant variant;
        try {
            cell = Cell.fromId(in.text(root, "cell"));
        } catch (IllegalArgumentException e) {
            throw in.error("cell", e.getMessage());
        }
        try {
            variant = Variant.fromId(in.text(root, "formulation"));
        } catch (IllegalArgumentException e) {
            throw in.error("formulation", e.getMessage());
        }
        int layers = in.positiveInt(root, "num_layers");
        int inputSize = in.positiveInt(root, "input_size");
        int hidden = in.positiveInt(root, "hidden_size");
        int outputSize = in.positiveInt(root, "output_size");
        this.length = in.positiveInt(root, "seq_len");
        try {
            this.layout = GruLayout.of(cell, variant, layers, inputSize, hidden, outputSize);
        } catch (IllegalArgumentException e) {
            throw in.error("num_layers", e.getMessage());
        }
        JsonNode order = in.array(root, "param_order", "param_order", layout.tensors().size());
        for (int i = 0; i < layout.tensors().size(); i++) {
            String expected = layout.tensors().get(i).name();
            if (!expected.equals(order.get(i).asText())) {
                throw in.error("param_order[" + i + "]", "is '" + order.get(i).asText() + "', expected '" + expected
                        + "'");
            }
        }
        this.params = in.tensors(root, "params", "params", layout, Tensor::name);
        boolean lstm = cell.hasCellState();
        this.initialState = new double[layout.stateSize()];
        double[][] hInit = in.matrix(root, "h_init", layers, hidden);
        double[][] cInit = lstm ? in.matrix(root, "c_init", layers, hidden) : null;
        for (int k = 0; k < layers; k++) {
            System.arraycopy(hInit[k], 0, initialState, k * hidden, hidden);
            if (lstm) {
                System.arraycopy(cInit[k], 0, initialState, (layers + k) * hidden, hidden);
            }
        }
        this.x = in.matrix(root, "x", length, inputSize);
        this.target = in.matrix(root, "target", length, outputSize);

        JsonNode fw = in.object(root, "forward");
        this.states = new double[length][layout.stateSize()];
        JsonNode h = in.array(fw, "forward.h", "h", layers);
        JsonNode c = lstm ? in.array(fw, "forward.c", "c", layers) : null;
        for (int k = 0; k < layers; k++) {
            double[][] hk = in.matrixAt(h, "forward.h[" + k + "]", k, length, hidden);
            double[][] ck = lstm ? in.matrixAt(c, "forward.c[" + k + "]", k, length, hidden) : null;
            for (int t = 0; t < length; t++) {
                System.arraycopy(hk[t], 0, states[t], k * hidden, hidden);
                if (lstm) {
                    System.arraycopy(ck[t], 0, states[t], (layers + k) * hidden, hidden);
                }
            }
        }
        this.forwardY = in.matrix(fw, "forward.y", "y", length, outputSize);
        this.forwardLoss = in.number(fw, "forward.loss", "loss");
    }

    /**
     * Validates an already parsed document; {@code name} is used in messages.
     *
     * @throws IllegalArgumentException naming the file and the field that is missing, mistyped or
     *     mis-shaped, or if the schema is not {@link #SCHEMA}
     */
    public static RecurrentReference parse(String name, JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(name + ": not a JSON object");
        }
        ReferenceReader in = new ReferenceReader(name);
        String schema = in.text(root, "schema");
        if (!SCHEMA.equals(schema)) {
            throw in.error("schema", "is '" + schema + "', this reader knows '" + SCHEMA + "'");
        }
        return new RecurrentReference(name, root);
    }

    /** The file name (for reports). */
    public String name() {
        return name;
    }

    public GruLayout layout() {
        return layout;
    }

    /** T. */
    public int length() {
        return length;
    }

    /** Flat parameters in {@link GruLayout} order. */
    public double[] params() {
        return params;
    }

    /** Every layer's h_init, then (LSTM) every layer's c_init. */
    public double[] initialState() {
        return initialState;
    }

    /** {@code x[t]}, [T][D]. */
    public double[][] x() {
        return x;
    }

    /** {@code target[t]}, [T][O]. */
    public double[][] target() {
        return target;
    }

    /** The whole state after step t: every layer's h[t], then (LSTM) every layer's c[t]. */
    public double[] state(int t) {
        return states[t];
    }

    /** {@code y[t]} = W_y h_top[t] + b_y, [T][O]. */
    public double[][] forwardY() {
        return forwardY;
    }

    /** The mean squared error over all T·O outputs. */
    public double forwardLoss() {
        return forwardLoss;
    }
}
