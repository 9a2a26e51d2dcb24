package io.grustreams.tools.reference;

import com.fasterxml.jackson.databind.JsonNode;
import io.grustreams.model.Cell;
import io.grustreams.model.GruLayout;
import io.grustreams.model.Tensor;
import io.grustreams.model.Variant;
import io.grustreams.train.Adam;
import io.grustreams.train.Tbptt;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One PyTorch reference file of schema {@code recurrent-reference/2} ({@code src/test/reference/README.md}):
 * a stacked rnn, lstm or gru (either form) with L layers, its parameters, initial states, inputs,
 * per step every layer's h (and c) and the readout, the full-BPTT and TBPTT gradients, clipping and
 * an Adam run.
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
    private final double fullLoss;
    private final double[] fullGrad;
    private final double[] fullGradInit;
    private final double fullGradNorm;
    private final ReferenceCase.Clipped fullClipped;
    private final Tbptt tbptt;
    private final List<ReferenceCase.Chunk> chunks;
    private final double[] tbpttGradSum;
    private final double tbpttGradSumNorm;
    private final ReferenceCase.Clipped tbpttClipped;
    private final ReferenceCase.AdamRun adamRun;

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

        JsonNode full = in.object(root, "bptt_full");
        this.fullLoss = in.number(full, "bptt_full.loss", "loss");
        this.fullGrad = in.tensors(full, "bptt_full.grad", "grad", layout, Tensor::name);
        this.fullGradInit = state(in, full, "bptt_full.grad_h_init", "grad_h_init",
                lstm ? "grad_c_init" : null);
        this.fullGradNorm = in.number(full, "bptt_full.grad_norm", "grad_norm");
        this.fullClipped = clipped(in, root, "bptt_full_clipped");

        JsonNode tb = in.object(root, "tbptt");
        try {
            this.tbptt = Tbptt.of(in.positiveInt(tb, "tbptt.k1", "k1"), in.positiveInt(tb, "tbptt.k2", "k2"));
        } catch (IllegalArgumentException e) {
            throw in.error("tbptt", e.getMessage());
        }
        int numChunks = in.positiveInt(tb, "tbptt.num_chunks", "num_chunks");
        if (numChunks != tbptt.segmentCount(length)) {
            throw in.error("tbptt.num_chunks", "is " + numChunks + " but " + tbptt + " over " + length
                    + " steps has " + tbptt.segmentCount(length) + " segments");
        }
        JsonNode chunkArray = in.array(tb, "tbptt.chunks", "chunks", numChunks);
        List<ReferenceCase.Chunk> list = new ArrayList<>();
        for (int n = 0; n < numChunks; n++) {
            JsonNode ch = chunkArray.get(n);
            String p = "tbptt.chunks[" + n + "]";
            list.add(new ReferenceCase.Chunk(in.integer(ch, p + ".start", "start"), in.integer(ch, p + ".end", "end"),
                    in.number(ch, p + ".loss", "loss"), state(in, ch, p + ".h_start", "h_start", lstm ? "c_start" : null),
                    in.number(ch, p + ".grad_norm", "grad_norm"),
                    in.tensors(ch, p + ".grad", "grad", layout, Tensor::name)));
        }
        this.chunks = Collections.unmodifiableList(list);
        this.tbpttGradSum = in.tensors(tb, "tbptt.grad_sum", "grad_sum", layout, Tensor::name);
        this.tbpttGradSumNorm = in.number(tb, "tbptt.grad_sum_norm", "grad_sum_norm");
        this.tbpttClipped = clipped(in, root, "tbptt_clipped");
        this.adamRun = adamRun(in, root, numChunks, lstm);
    }

    /** A [L][H] field (and, for the LSTM, its [L][H] companion) as one flat state. */
    private double[] state(ReferenceReader in, JsonNode parent, String path, String hKey, String cKey) {
        int layers = layout.layers();
        int hidden = layout.hiddenSize();
        double[] s = new double[layout.stateSize()];
        double[][] hs = in.matrix(parent, path, hKey, layers, hidden);
        for (int k = 0; k < layers; k++) {
            System.arraycopy(hs[k], 0, s, k * hidden, hidden);
        }
        if (cKey != null) {
            String cPath = path.substring(0, path.length() - hKey.length()) + cKey;
            double[][] cs = in.matrix(parent, cPath, cKey, layers, hidden);
            for (int k = 0; k < layers; k++) {
                System.arraycopy(cs[k], 0, s, (layers + k) * hidden, hidden);
            }
        }
        return s;
    }

    private ReferenceCase.Clipped clipped(ReferenceReader in, JsonNode root, String field) {
        JsonNode c = in.object(root, field);
        return new ReferenceCase.Clipped(in.number(c, field + ".max_norm", "max_norm"),
                in.number(c, field + ".total_norm_before", "total_norm_before"),
                in.number(c, field + ".clip_coef", "clip_coef"),
                in.tensors(c, field + ".grad", "grad", layout, Tensor::name));
    }

    private ReferenceCase.AdamRun adamRun(ReferenceReader in, JsonNode root, int numChunks, boolean lstm) {
        String f = "tbptt_adam_run";
        JsonNode a = in.object(root, f);
        if (in.number(a, f + ".weight_decay", "weight_decay") != 0.0) {
            throw in.error(f + ".weight_decay", "must be 0 (Adam without weight decay)");
        }
        JsonNode ams = a.get("amsgrad");
        if (ams == null || !ams.isBoolean() || ams.booleanValue()) {
            throw in.error(f + ".amsgrad", "must be false");
        }
        JsonNode arr = in.array(a, f + ".chunks", "chunks", numChunks);
        List<ReferenceCase.AdamUpdate> updates = new ArrayList<>();
        for (int c = 0; c < numChunks; c++) {
            JsonNode ch = arr.get(c);
            String p = f + ".chunks[" + c + "]";
            updates.add(new ReferenceCase.AdamUpdate(in.integer(ch, p + ".start", "start"),
                    in.integer(ch, p + ".end", "end"), in.number(ch, p + ".loss", "loss"),
                    in.number(ch, p + ".grad_norm_before_clip", "grad_norm_before_clip"),
                    in.number(ch, p + ".clip_coef", "clip_coef")));
        }
        return new ReferenceCase.AdamRun(in.number(a, f + ".lr", "lr"), in.number(a, f + ".beta1", "beta1"),
                in.number(a, f + ".beta2", "beta2"), in.number(a, f + ".eps", "eps"),
                in.number(a, f + ".max_norm", "max_norm"), Collections.unmodifiableList(updates),
                state(in, a, f + ".h_final", "h_final", lstm ? "c_final" : null),
                in.tensors(a, f + ".params_final", "params_final", layout, Tensor::name));
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

    public double fullLoss() {
        return fullLoss;
    }

    /** dL/dθ by full BPTT, layout order. */
    public double[] fullGrad() {
        return fullGrad;
    }

    /** dL/d(initial state): every layer's dL/dh_init, then (LSTM) dL/dc_init. */
    public double[] fullGradInit() {
        return fullGradInit;
    }

    public double fullGradNorm() {
        return fullGradNorm;
    }

    public ReferenceCase.Clipped fullClipped() {
        return fullClipped;
    }

    /** k1 = k2 = K: the chunks of the file. */
    public Tbptt tbptt() {
        return tbptt;
    }

    /** Per chunk at the file's parameters; {@code hStart} is the whole state entering the chunk. */
    public List<ReferenceCase.Chunk> chunks() {
        return chunks;
    }

    public double[] tbpttGradSum() {
        return tbpttGradSum;
    }

    public double tbpttGradSumNorm() {
        return tbpttGradSumNorm;
    }

    public ReferenceCase.Clipped tbpttClipped() {
        return tbpttClipped;
    }

    /** The Adam run; {@code hFinal} is the whole carried state after the last chunk. */
    public ReferenceCase.AdamRun adamRun() {
        return adamRun;
    }
}
