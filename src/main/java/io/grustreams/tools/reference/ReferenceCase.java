package io.grustreams.tools.reference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grustreams.model.GruLayout;
import io.grustreams.model.Variant;
import io.grustreams.train.Adam;
import io.grustreams.train.Tbptt;
import io.grustreams.train.TrainingSequence;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One PyTorch reference file ({@code "schema": "gru-reference/1"}, see
 * {@code shared/reference/gru/README.md}), parsed and validated. Sizes, T, k1 and k2 are read from
 * the file. Parameter and gradient dictionaries (their tensors named without the {@code _l0} suffix,
 * {@link GruLayout#legacyName}) are flattened into the {@link GruLayout} order.
 *
 * <p>Arrays returned by the accessors are the parsed values themselves: callers must not modify them.
 */
public final class ReferenceCase {

    /** The only schema this reader accepts. */
    public static final String SCHEMA = "gru-reference/1";

    /** A TBPTT chunk at fixed parameters, normalized by the global count N = T·O. */
    public record Chunk(int start, int end, double loss, double[] hStart, double gradNorm, double[] grad) {
    }

    /** One update of the Adam run. */
    public record AdamUpdate(int start, int end, double loss, double gradNormBeforeClip, double clipCoef) {
    }

    /** {@code clip_grad_norm_} applied to a gradient. */
    public record Clipped(double maxNorm, double totalNormBefore, double clipCoef, double[] grad) {
    }

    /** The hyper-parameters and results of the Adam training run. */
    public record AdamRun(double learningRate, double beta1, double beta2, double epsilon, double maxNorm,
            List<AdamUpdate> updates, double[] hFinal, double[] paramsFinal) {
    }

    private final String name;
    private final GruLayout layout;
    private final int length;
    private final double[] params;
    private final double[] hInit;
    private final double[][] x;
    private final double[][] target;
    private final double[][] forwardH;
    private final double[][] forwardR;
    private final double[][] forwardZ;
    private final double[][] forwardCandidate;
    private final double[][] forwardY;
    private final double forwardLoss;
    private final double fullLoss;
    private final double[] fullGrad;
    private final double[] fullGradHInit;
    private final double fullGradNorm;
    private final Clipped fullClipped;
    private final Tbptt tbptt;
    private final List<Chunk> chunks;
    private final double[] tbpttGradSum;
    private final double tbpttGradSumNorm;
    private final Clipped tbpttClipped;
    private final AdamRun adamRun;

    private ReferenceCase(String name, JsonNode root) {
        this.name = name;
        ReferenceReader in = new ReferenceReader(name);
        String schema = in.text(root, "schema");
        if (!SCHEMA.equals(schema)) {
            throw in.error("schema", "is '" + schema + "', this reader knows '" + SCHEMA + "'");
        }
        String dtype = in.text(root, "dtype");
        if (!"float64".equals(dtype)) {
            throw in.error("dtype", "is '" + dtype + "', expected 'float64'");
        }
        Variant variant;
        try {
            variant = Variant.fromId(in.text(root, "formulation"));
        } catch (IllegalArgumentException e) {
            throw in.error("formulation", e.getMessage());
        }
        int inputSize = in.positiveInt(root, "input_size");
        int hiddenSize = in.positiveInt(root, "hidden_size");
        int outputSize = in.positiveInt(root, "output_size");
        this.length = in.positiveInt(root, "seq_len");
        this.layout = GruLayout.of(variant, inputSize, hiddenSize, outputSize);
        checkParamOrder(in, root);
        this.params = in.tensors(root, "params", layout);
        this.hInit = in.vector(root, "h_init", hiddenSize);
        this.x = in.matrix(root, "x", length, inputSize);
        this.target = in.matrix(root, "target", length, outputSize);

        JsonNode fw = in.object(root, "forward");
        this.forwardH = in.matrix(fw, "forward.h", "h", length, hiddenSize);
        this.forwardR = in.matrix(fw, "forward.r", "r", length, hiddenSize);
        this.forwardZ = in.matrix(fw, "forward.z", "z", length, hiddenSize);
        String candidateName = variant == Variant.CHO ? "h_tilde" : "n";
        this.forwardCandidate = in.matrix(fw, "forward." + candidateName, candidateName, length, hiddenSize);
        this.forwardY = in.matrix(fw, "forward.y", "y", length, outputSize);
        this.forwardLoss = in.number(fw, "forward.loss", "loss");

        JsonNode full = in.object(root, "bptt_full");
        this.fullLoss = in.number(full, "bptt_full.loss", "loss");
        this.fullGrad = in.tensors(full, "bptt_full.grad", "grad", layout);
        this.fullGradHInit = in.vector(full, "bptt_full.grad_h_init", "grad_h_init", hiddenSize);
        this.fullGradNorm = in.number(full, "bptt_full.grad_norm", "grad_norm");
        this.fullClipped = clipped(in, root, "bptt_full_clipped");

        JsonNode tb = in.object(root, "tbptt");
        int k1 = in.positiveInt(tb, "tbptt.k1", "k1");
        int k2 = in.positiveInt(tb, "tbptt.k2", "k2");
        try {
            this.tbptt = Tbptt.of(k1, k2);
        } catch (IllegalArgumentException e) {
            throw in.error("tbptt", e.getMessage());
        }
        int numChunks = in.positiveInt(tb, "tbptt.num_chunks", "num_chunks");
        if (numChunks != tbptt.segmentCount(length)) {
            throw in.error("tbptt.num_chunks", "is " + numChunks + " but " + tbptt + " over " + length
                    + " steps has " + tbptt.segmentCount(length) + " segments");
        }
        JsonNode chunkArray = in.array(tb, "tbptt.chunks", "chunks", numChunks);
        List<Chunk> list = new ArrayList<>();
        for (int c = 0; c < numChunks; c++) {
            JsonNode ch = chunkArray.get(c);
            String p = "tbptt.chunks[" + c + "]";
            list.add(new Chunk(in.integer(ch, p + ".start", "start"), in.integer(ch, p + ".end", "end"),
                    in.number(ch, p + ".loss", "loss"), in.vector(ch, p + ".h_start", "h_start", hiddenSize),
                    in.number(ch, p + ".grad_norm", "grad_norm"), in.tensors(ch, p + ".grad", "grad", layout)));
        }
        this.chunks = Collections.unmodifiableList(list);
        this.tbpttGradSum = in.tensors(tb, "tbptt.grad_sum", "grad_sum", layout);
        this.tbpttGradSumNorm = in.number(tb, "tbptt.grad_sum_norm", "grad_sum_norm");
        this.tbpttClipped = clipped(in, root, "tbptt_clipped");
        this.adamRun = adamRun(in, root, numChunks);
    }

    private void checkParamOrder(ReferenceReader in, JsonNode root) {
        JsonNode order = in.array(root, "param_order", "param_order", layout.tensors().size());
        for (int i = 0; i < layout.tensors().size(); i++) {
            String expected = GruLayout.legacyName(layout.tensors().get(i));
            if (!expected.equals(order.get(i).asText())) {
                throw in.error("param_order[" + i + "]", "is '" + order.get(i).asText() + "', expected '" + expected + "'");
            }
        }
    }

    private Clipped clipped(ReferenceReader in, JsonNode root, String field) {
        JsonNode c = in.object(root, field);
        return new Clipped(in.number(c, field + ".max_norm", "max_norm"),
                in.number(c, field + ".total_norm_before", "total_norm_before"),
                in.number(c, field + ".clip_coef", "clip_coef"),
                in.tensors(c, field + ".grad", "grad", layout));
    }

    private AdamRun adamRun(ReferenceReader in, JsonNode root, int numChunks) {
        JsonNode a = in.object(root, "tbptt_adam_run");
        String f = "tbptt_adam_run";
        if (in.number(a, f + ".weight_decay", "weight_decay") != 0.0) {
            throw in.error(f + ".weight_decay", "must be 0 (Adam without weight decay)");
        }
        JsonNode ams = a.get("amsgrad");
        if (ams == null || !ams.isBoolean() || ams.booleanValue()) {
            throw in.error(f + ".amsgrad", "must be false");
        }
        JsonNode arr = in.array(a, f + ".chunks", "chunks", numChunks);
        List<AdamUpdate> updates = new ArrayList<>();
        for (int c = 0; c < numChunks; c++) {
            JsonNode ch = arr.get(c);
            String p = f + ".chunks[" + c + "]";
            updates.add(new AdamUpdate(in.integer(ch, p + ".start", "start"), in.integer(ch, p + ".end", "end"),
                    in.number(ch, p + ".loss", "loss"),
                    in.number(ch, p + ".grad_norm_before_clip", "grad_norm_before_clip"),
                    in.number(ch, p + ".clip_coef", "clip_coef")));
        }
        return new AdamRun(in.number(a, f + ".lr", "lr"), in.number(a, f + ".beta1", "beta1"),
                in.number(a, f + ".beta2", "beta2"), in.number(a, f + ".eps", "eps"),
                in.number(a, f + ".max_norm", "max_norm"), Collections.unmodifiableList(updates),
                in.vector(a, f + ".h_final", "h_final", layout.hiddenSize()),
                in.tensors(a, f + ".params_final", "params_final", layout));
    }

    /**
     * Reads and validates a reference file.
     *
     * @throws IOException if it cannot be read or is not JSON
     * @throws IllegalArgumentException naming the file and the field that is missing, mistyped or mis-shaped
     */
    public static ReferenceCase read(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        return parse(file.getFileName().toString(), root);
    }

    /** Validates an already parsed document; {@code name} is used in messages. */
    public static ReferenceCase parse(String name, JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(name + ": not a JSON object");
        }
        return new ReferenceCase(name, root);
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

    public double[] hInit() {
        return hInit;
    }

    /** {@code x[t]}, [T][D]. */
    public double[][] x() {
        return x;
    }

    /** {@code target[t]}, [T][O]. */
    public double[][] target() {
        return target;
    }

    /** {@code forward.h}: state after step t, [T][H]. */
    public double[][] forwardH() {
        return forwardH;
    }

    public double[][] forwardR() {
        return forwardR;
    }

    public double[][] forwardZ() {
        return forwardZ;
    }

    /** {@code forward.h_tilde} (cho) or {@code forward.n} (pytorch). */
    public double[][] forwardCandidate() {
        return forwardCandidate;
    }

    public double[][] forwardY() {
        return forwardY;
    }

    public double forwardLoss() {
        return forwardLoss;
    }

    public double fullLoss() {
        return fullLoss;
    }

    /** {@code bptt_full.grad}, flat. */
    public double[] fullGrad() {
        return fullGrad;
    }

    public double[] fullGradHInit() {
        return fullGradHInit;
    }

    public double fullGradNorm() {
        return fullGradNorm;
    }

    public Clipped fullClipped() {
        return fullClipped;
    }

    /** k1 and k2 of the file. */
    public Tbptt tbptt() {
        return tbptt;
    }

    public List<Chunk> chunks() {
        return chunks;
    }

    public double[] tbpttGradSum() {
        return tbpttGradSum;
    }

    public double tbpttGradSumNorm() {
        return tbpttGradSumNorm;
    }

    public Clipped tbpttClipped() {
        return tbpttClipped;
    }

    public AdamRun adamRun() {
        return adamRun;
    }

    /** The sequence as a training sequence starting from {@code h_init}. */
    public TrainingSequence sequence() {
        return new TrainingSequence(x, target, hInit);
    }
}
