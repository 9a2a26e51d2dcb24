package io.grustreams.tools.reference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grustreams.model.GruLayout;
import io.grustreams.model.Parameters;
import io.grustreams.model.RecurrentStepper;
import io.grustreams.model.Stepper;
import io.grustreams.train.Adam;
import io.grustreams.train.BatchBackprop;
import io.grustreams.train.GradientClipping;
import io.grustreams.train.SequenceBackprop;
import io.grustreams.train.StackedBackprop;
import io.grustreams.train.Tbptt;
import io.grustreams.train.TbpttTrainer;
import io.grustreams.train.TrainerConfig;
import io.grustreams.train.TrainingSequence;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Runs the production training classes on PyTorch reference files and measures, per part, the
 * largest error against the file. The error of a value is {@code |actual − expected|} when
 * {@code |expected| <= 1} and relative, {@code |actual − expected| / |expected|}, above; a part passes
 * when its largest error is at most {@link #TOLERANCE}.
 *
 * <p>The standard parts, each computed from the file's parameters, data, T, k1 and k2:
 * <ul>
 *   <li>{@code forward}: states h, gates r and z, candidate, outputs y and the loss ({@link SequenceBackprop});
 *   <li>{@code bptt_full}: full-BPTT loss, gradient, its norm and {@code grad_h_init};
 *   <li>{@code tbptt_chunks}: per chunk the boundaries, entering state, loss, gradient and its norm;
 *   <li>{@code tbptt_sum}: the TBPTT gradient (sum over chunks) and its norm;
 *   <li>{@code tbptt_batched}: the same sum through the batched path ({@link BatchBackprop}, one row);
 *   <li>{@code clip_full}, {@code clip_tbptt}: {@link GradientClipping} of both our gradients (norm, coefficient,
 *       result);
 *   <li>{@code adam_run}: the trainer's mini-batch loop ({@link TbpttTrainer}) with {@link Adam} and clipping:
 *       per-update loss, norm and coefficient, final state and final parameters.
 * </ul>
 * Those parts read {@code gru-reference/1} files (one-layer GRUs). A {@code recurrent-reference/2} file
 * (rnn, lstm or gru, any layer count; {@code src/test/reference}) is checked by one part, the
 * serving stepper's forward pass ({@link #verify(RecurrentReference)}).
 *
 * <p>More parts are added with {@link #withPart}. Immutable.
 */
public final class ReferenceVerifier {

    /** Largest accepted error of any part (absolute, or relative for values above 1). */
    public static final double TOLERANCE = 1e-9;

    /** Computes one part of the comparison for a file, feeding every compared value to the meter. */
    @FunctionalInterface
    public interface Check {
        void run(ReferenceCase reference, ErrorMeter meter);
    }

    /** A named check. */
    public record Part(String name, Check check) {
    }

    /** The largest error of one part. */
    public record PartResult(String name, double maxError) {
        public boolean passed() {
            return maxError <= TOLERANCE;
        }
    }

    /**
     * The outcome for one file: the part results, or the error that stopped the file from being
     * read or checked ({@code error != null}).
     */
    public record FileResult(String file, List<PartResult> parts, String error) {
        public boolean passed() {
            return error == null && parts.stream().allMatch(PartResult::passed);
        }

        /** One line: verdict, file, then {@code part=error} for every part (or the error message). */
        public String line() {
            StringBuilder sb = new StringBuilder(passed() ? "OK   " : "FAIL ").append(file);
            if (error != null) {
                return sb.append("  error: ").append(error).toString();
            }
            for (PartResult p : parts) {
                sb.append("  ").append(p.name()).append('=')
                        .append(String.format(Locale.ROOT, "%.1e", p.maxError()));
                if (!p.passed()) {
                    sb.append('!');
                }
            }
            return sb.toString();
        }
    }

    /** Accumulates the largest error; NaN or a structural mismatch counts as infinite. Not thread-safe. */
    public static final class ErrorMeter {
        private double max;

        /** Compares one value against the reference value. */
        public void compare(double actual, double expected) {
            double err = Math.abs(actual - expected) / Math.max(1.0, Math.abs(expected));
            if (!(err <= max)) {
                max = Double.isNaN(err) ? Double.POSITIVE_INFINITY : err;
            }
        }

        /** @param actual not modified @param expected not modified */
        public void compare(double[] actual, double[] expected) {
            if (actual.length != expected.length) {
                mismatch();
                return;
            }
            for (int i = 0; i < actual.length; i++) {
                compare(actual[i], expected[i]);
            }
        }

        /** Records a difference that is not numeric (a boundary or a shape): the part fails. */
        public void mismatch() {
            max = Double.POSITIVE_INFINITY;
        }

        public double max() {
            return max;
        }
    }

    private final List<Part> parts;

    private ReferenceVerifier(List<Part> parts) {
        this.parts = Collections.unmodifiableList(new ArrayList<>(parts));
    }

    /** The standard parts listed in the class comment. */
    public static ReferenceVerifier standard() {
        return new ReferenceVerifier(List.of(
                new Part("forward", ReferenceVerifier::checkForward),
                new Part("forward_stepper", ReferenceVerifier::checkStepperForward),
                new Part("bptt_full", ReferenceVerifier::checkFullBptt),
                new Part("tbptt_chunks", ReferenceVerifier::checkTbpttChunks),
                new Part("tbptt_sum", ReferenceVerifier::checkTbpttSum),
                new Part("tbptt_batched", ReferenceVerifier::checkTbpttBatched),
                new Part("clip_full", (c, m) -> checkClip(fullGradient(c, null, new double[1]), c.fullClipped(), m)),
                new Part("clip_tbptt", (c, m) -> checkClip(new SegmentGradients(c).sum(), c.tbpttClipped(), m)),
                new Part("adam_run", ReferenceVerifier::checkAdamRun)));
    }

    /** This verifier with one more part, run after the others. */
    public ReferenceVerifier withPart(String name, Check check) {
        List<Part> more = new ArrayList<>(parts);
        more.add(new Part(name, check));
        return new ReferenceVerifier(more);
    }

    public List<Part> parts() {
        return parts;
    }

    /**
     * The reference files a path names: the file itself; for the generator's {@code index.json}
     * (a {@code "cases"} list) the files it lists, beside it; for a directory every {@code *.json}
     * in it except {@code index.json}, sorted by name. A shell glob such as {@code DIR/*.json}
     * therefore names each case once through its file and once through the index: callers that
     * take several paths drop repeats.
     *
     * @throws IllegalArgumentException if the path does not exist, an index is unreadable or lists
     *     no case, or a directory holds no reference file
     */
    /** The generator's list of cases in a reference directory. */
    public static final String INDEX = "index.json";

    public static List<Path> referenceFiles(Path fileOrDirectory) {
        if (Files.isRegularFile(fileOrDirectory)) {
            if (fileOrDirectory.getFileName().toString().equals(INDEX)) {
                return indexedFiles(fileOrDirectory);
            }
            return List.of(fileOrDirectory);
        }
        if (!Files.isDirectory(fileOrDirectory)) {
            throw new IllegalArgumentException("no such file or directory: " + fileOrDirectory);
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(fileOrDirectory)) {
            files = s.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".json")
                            && !p.getFileName().toString().equals(INDEX))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + fileOrDirectory, e);
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no reference files (*.json) in " + fileOrDirectory);
        }
        return files;
    }

    /** The case files an index lists ({@code "cases": [{"file": ...}, ...]}), resolved beside it. */
    private static List<Path> indexedFiles(Path index) {
        JsonNode cases;
        try {
            cases = new ObjectMapper().readTree(index.toFile()).get("cases");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the index " + index + ": " + e.getMessage(), e);
        }
        if (cases == null || !cases.isArray() || cases.isEmpty()) {
            throw new IllegalArgumentException("the index " + index + " lists no cases (field cases)");
        }
        List<Path> files = new ArrayList<>();
        for (JsonNode c : cases) {
            JsonNode file = c.get("file");
            if (file == null || !file.isTextual()) {
                throw new IllegalArgumentException("the index " + index + " has a case without a file name (field"
                        + " cases[].file)");
            }
            files.add(index.resolveSibling(file.asText()));
        }
        return files;
    }

    /** Reads and checks one file; never throws for a bad file, the result carries the error. */
    public FileResult verify(Path file) {
        String name = file.getFileName().toString();
        try {
            JsonNode root = new ObjectMapper().readTree(file.toFile());
            if (root != null && RecurrentReference.SCHEMA.equals(root.path("schema").asText())) {
                return verify(RecurrentReference.parse(name, root));
            }
            return verify(ReferenceCase.parse(name, root));
        } catch (IOException | RuntimeException e) {
            return new FileResult(name, List.of(), e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    /** A check of a {@code recurrent-reference/2} case. */
    private record RecurrentPart(String name, BiConsumer<RecurrentReference, ErrorMeter> check) {
    }

    /**
     * The parts of a {@code recurrent-reference/2} case (any cell, any layer count), each computed
     * from the file's parameters, initial states, data and K:
     * <ul>
     *   <li>{@code forward_stepper}: the serving stepper ({@link Stepper}): the whole state (every
     *       layer's h, and c for the LSTM) and y after every step, and the loss;
     *   <li>{@code forward}: the same through the training path ({@link StackedBackprop});
     *   <li>{@code bptt_full}: full-BPTT loss, gradient, its norm and the initial states' gradient;
     *   <li>{@code tbptt_chunks}, {@code tbptt_sum}: per chunk the entering state, loss, gradient and
     *       norm, every layer's state held constant at the boundary; their sum;
     *   <li>{@code clip_full}, {@code clip_tbptt}: {@link GradientClipping} of both gradients;
     *   <li>{@code adam_run}: the trainer ({@link TbpttTrainer}) on the sequence: per chunk, from the
     *       carried states, the mean loss over the chunk, its gradient clipped and one {@link Adam}
     *       step; the final states and parameters.
     * </ul>
     */
    private static final List<RecurrentPart> RECURRENT_PARTS = List.of(
            new RecurrentPart("forward_stepper", ReferenceVerifier::checkRecurrentStepper),
            new RecurrentPart("forward", ReferenceVerifier::checkRecurrentForward),
            new RecurrentPart("bptt_full", ReferenceVerifier::checkRecurrentFullBptt),
            new RecurrentPart("tbptt_chunks", ReferenceVerifier::checkRecurrentChunks),
            new RecurrentPart("tbptt_sum", (c, m) -> {
                double[] sum = recurrentChunkSum(c);
                m.compare(sum, c.tbpttGradSum());
                m.compare(GradientClipping.globalNorm(sum), c.tbpttGradSumNorm());
            }),
            new RecurrentPart("clip_full", (c, m) -> checkClip(recurrentFullGradient(c, null, new double[1]),
                    c.fullClipped(), m)),
            new RecurrentPart("clip_tbptt", (c, m) -> checkClip(recurrentChunkSum(c), c.tbpttClipped(), m)),
            new RecurrentPart("adam_run", ReferenceVerifier::checkRecurrentAdamRun));

    /** Checks a {@code recurrent-reference/2} case: every part of {@link #RECURRENT_PARTS}, even after one fails. */
    public FileResult verify(RecurrentReference reference) {
        return runParts(reference.name(), RECURRENT_PARTS, RecurrentPart::name,
                (p, meter) -> p.check().accept(reference, meter));
    }

    /**
     * Runs every part of one file in order, each with its own meter; a part that throws ends the
     * file, with the results of the parts before it.
     */
    private static <P> FileResult runParts(String file, List<P> parts, Function<P, String> name,
            BiConsumer<P, ErrorMeter> check) {
        List<PartResult> results = new ArrayList<>();
        for (P p : parts) {
            ErrorMeter meter = new ErrorMeter();
            try {
                check.accept(p, meter);
            } catch (RuntimeException e) {
                return new FileResult(file, results, "part " + name.apply(p) + ": " + e);
            }
            results.add(new PartResult(name.apply(p), meter.max()));
        }
        return new FileResult(file, results, null);
    }

    /** Mean squared error normalization of the files: N = T·O. */
    private static double globalScale(RecurrentReference c) {
        return 1.0 / ((double) c.length() * c.layout().outputSize());
    }

    private static void checkRecurrentStepper(RecurrentReference c, ErrorMeter m) {
        GruLayout layout = c.layout();
        Stepper stepper = Stepper.of(new Parameters(layout, c.params()));
        double[] state = c.initialState().clone();
        double[] y = new double[layout.outputSize()];
        double sumSq = 0;
        for (int t = 0; t < c.length(); t++) {
            stepper.step(state, c.x()[t]);
            stepper.readout(state, y);
            m.compare(state, c.state(t));
            m.compare(y, c.forwardY()[t]);
            for (int j = 0; j < y.length; j++) {
                double e = y[j] - c.target()[t][j];
                sumSq += e * e;
            }
        }
        // L = (1 / (T·O)) Σ_t Σ_j (y[t][j] - target[t][j])² (the reference README, section 7).
        m.compare(sumSq * globalScale(c), c.forwardLoss());
    }

    private static void checkRecurrentForward(RecurrentReference c, ErrorMeter m) {
        int n = c.length();
        StackedBackprop sb = new StackedBackprop(c.layout(), n);
        sb.forward(c.params(), c.x(), 0, n, c.initialState());
        for (int t = 0; t < n; t++) {
            m.compare(sb.state(t), c.state(t));
            m.compare(sb.output(t), c.forwardY()[t]);
        }
        m.compare(sb.squaredError(c.target(), 0, n) * globalScale(c), c.forwardLoss());
    }

    /** @param gradInit modified if not null; @param loss modified: loss[0] */
    private static double[] recurrentFullGradient(RecurrentReference c, double[] gradInit, double[] loss) {
        int n = c.length();
        StackedBackprop sb = new StackedBackprop(c.layout(), n);
        sb.forward(c.params(), c.x(), 0, n, c.initialState());
        double[] grad = new double[c.layout().size()];
        sb.backward(c.params(), c.target(), 0, n, globalScale(c), grad, gradInit);
        loss[0] = sb.squaredError(c.target(), 0, n) * globalScale(c);
        return grad;
    }

    private static void checkRecurrentFullBptt(RecurrentReference c, ErrorMeter m) {
        double[] gradInit = new double[c.layout().stateSize()];
        double[] loss = new double[1];
        double[] grad = recurrentFullGradient(c, gradInit, loss);
        m.compare(loss[0], c.fullLoss());
        m.compare(grad, c.fullGrad());
        m.compare(gradInit, c.fullGradInit());
        m.compare(GradientClipping.globalNorm(grad), c.fullGradNorm());
    }

    /**
     * Chunk i's gradient at the file's parameters: the window [start, end) from the full forward
     * pass's state at start − 1 (the initial state for the first), held constant; losses over N = T·O.
     * Fills {@code starts[i]}, {@code losses[i]} when given.
     */
    private static double[][] recurrentChunks(RecurrentReference c, double[][] starts, double[] losses) {
        int n = c.length();
        Tbptt tb = c.tbptt();
        StackedBackprop full = new StackedBackprop(c.layout(), n);
        full.forward(c.params(), c.x(), 0, n, c.initialState());
        StackedBackprop window = new StackedBackprop(c.layout(), tb.maxWindowLength());
        int segments = tb.segmentCount(n);
        double[][] grads = new double[segments][c.layout().size()];
        for (int i = 0; i < segments; i++) {
            int w = tb.windowStart(i);
            int s = tb.segmentStart(i);
            int e = tb.segmentEnd(i, n);
            double[] start = w == 0 ? c.initialState().clone() : full.state(w - 1);
            window.forward(c.params(), c.x(), w, e, start);
            window.backward(c.params(), c.target(), s, e, globalScale(c), grads[i], null);
            if (starts != null) {
                starts[i] = start;
                losses[i] = window.squaredError(c.target(), s, e) * globalScale(c);
            }
        }
        return grads;
    }

    private static double[] recurrentChunkSum(RecurrentReference c) {
        double[] sum = new double[c.layout().size()];
        for (double[] g : recurrentChunks(c, null, null)) {
            for (int j = 0; j < sum.length; j++) {
                sum[j] += g[j];
            }
        }
        return sum;
    }

    private static void checkRecurrentChunks(RecurrentReference c, ErrorMeter m) {
        int segments = c.tbptt().segmentCount(c.length());
        double[][] starts = new double[segments][];
        double[] losses = new double[segments];
        double[][] grads = recurrentChunks(c, starts, losses);
        if (grads.length != c.chunks().size()) {
            m.mismatch();
            return;
        }
        for (int i = 0; i < grads.length; i++) {
            ReferenceCase.Chunk ch = c.chunks().get(i);
            if (ch.start() != c.tbptt().segmentStart(i) || ch.end() != c.tbptt().segmentEnd(i, c.length())) {
                m.mismatch();
            }
            m.compare(starts[i], ch.hStart());
            m.compare(losses[i], ch.loss());
            m.compare(grads[i], ch.grad());
            m.compare(GradientClipping.globalNorm(grads[i]), ch.gradNorm());
        }
    }

    /**
     * The reference README's Adam run through the trainer ({@link TbpttTrainer}, one sequence, one
     * shard): per chunk, from the states carried from the previous chunk (computed before its update),
     * loss = mean over the chunk (len·O values), gradient clipped to max_norm over all parameters, one
     * Adam step. The one-layer GRU runs the batched kernels, every other layout the stacked ones.
     */
    private static void checkRecurrentAdamRun(RecurrentReference c, ErrorMeter m) {
        checkAdamRun(c.layout(), c.layout().stateSize(), c.tbptt(), c.length(), c.params(),
                new TrainingSequence(c.x(), c.target(), c.initialState()), c.adamRun(), m);
    }

    /** Checks an already read case: every part, even after one fails. */
    public FileResult verify(ReferenceCase reference) {
        return runParts(reference.name(), parts, Part::name, (p, meter) -> p.check().run(reference, meter));
    }

    // ---------------------------------------------------------------------------------------------
    // The standard parts
    // ---------------------------------------------------------------------------------------------

    /** Mean squared error normalization of the files: N = T·O. */
    private static double globalScale(ReferenceCase c) {
        return 1.0 / ((double) c.length() * c.layout().outputSize());
    }

    private static void checkForward(ReferenceCase c, ErrorMeter m) {
        int n = c.length();
        SequenceBackprop sb = new SequenceBackprop(c.layout(), n);
        sb.forward(c.params(), c.sequence(), 0, n, c.hInit());
        for (int t = 0; t < n; t++) {
            m.compare(sb.state(t), c.forwardH()[t]);
            m.compare(sb.resetGate(t), c.forwardR()[t]);
            m.compare(sb.updateGate(t), c.forwardZ()[t]);
            m.compare(sb.candidate(t), c.forwardCandidate()[t]);
            m.compare(sb.output(t), c.forwardY()[t]);
        }
        m.compare(sb.squaredError(0, n) * globalScale(c), c.forwardLoss());
    }

    /**
     * The serving cell, {@link RecurrentStepper}, is a separate implementation from the training path
     * (packed weights, polynomial activations); the stream runs it, so it is checked on its own:
     * states h[t] and readouts y[t] over the whole sequence from h_init.
     */
    private static void checkStepperForward(ReferenceCase c, ErrorMeter m) {
        RecurrentStepper stepper = new RecurrentStepper(new Parameters(c.layout(), c.params()));
        double[] h = c.hInit().clone();
        double[] y = new double[c.layout().outputSize()];
        for (int t = 0; t < c.length(); t++) {
            stepper.step(h, c.x()[t]);
            stepper.readout(h, y);
            m.compare(h, c.forwardH()[t]);
            m.compare(y, c.forwardY()[t]);
        }
    }

    private static double[] fullGradient(ReferenceCase c, double[] gradHInit, double[] loss) {
        int n = c.length();
        SequenceBackprop sb = new SequenceBackprop(c.layout(), n);
        sb.forward(c.params(), c.sequence(), 0, n, c.hInit());
        double[] grad = new double[c.layout().size()];
        sb.backward(c.params(), 0, n, globalScale(c), grad, gradHInit);
        loss[0] = sb.squaredError(0, n) * globalScale(c);
        return grad;
    }

    private static void checkFullBptt(ReferenceCase c, ErrorMeter m) {
        double[] gradH = new double[c.layout().hiddenSize()];
        double[] loss = new double[1];
        double[] grad = fullGradient(c, gradH, loss);
        m.compare(loss[0], c.fullLoss());
        m.compare(grad, c.fullGrad());
        m.compare(gradH, c.fullGradHInit());
        m.compare(GradientClipping.globalNorm(grad), c.fullGradNorm());
    }

    /** Per-segment TBPTT gradients at the file's parameters (no update in between), chunk losses over N. */
    private static final class SegmentGradients {
        final double[][] grads;
        final double[][] hStarts;
        final double[] losses;

        SegmentGradients(ReferenceCase c) {
            int n = c.length();
            GruLayout layout = c.layout();
            Tbptt tb = c.tbptt();
            TrainingSequence seq = c.sequence();
            SequenceBackprop full = new SequenceBackprop(layout, n);
            full.forward(c.params(), seq, 0, n, c.hInit());
            SequenceBackprop window = new SequenceBackprop(layout, tb.maxWindowLength());
            int segments = tb.segmentCount(n);
            grads = new double[segments][layout.size()];
            hStarts = new double[segments][];
            losses = new double[segments];
            for (int i = 0; i < segments; i++) {
                int w = tb.windowStart(i);
                int s = tb.segmentStart(i);
                int e = tb.segmentEnd(i, n);
                hStarts[i] = (w == 0 ? c.hInit() : full.state(w - 1)).clone();
                window.forward(c.params(), seq, w, e, hStarts[i]);
                window.backward(c.params(), s, e, globalScale(c), grads[i], null);
                losses[i] = window.squaredError(s, e) * globalScale(c);
            }
        }

        double[] sum() {
            double[] g = new double[grads[0].length];
            for (double[] gi : grads) {
                for (int j = 0; j < g.length; j++) {
                    g[j] += gi[j];
                }
            }
            return g;
        }
    }

    private static void checkTbpttChunks(ReferenceCase c, ErrorMeter m) {
        SegmentGradients sg = new SegmentGradients(c);
        Tbptt tb = c.tbptt();
        for (int i = 0; i < c.chunks().size(); i++) {
            ReferenceCase.Chunk ch = c.chunks().get(i);
            if (ch.start() != tb.segmentStart(i) || ch.end() != tb.segmentEnd(i, c.length())) {
                m.mismatch();
            }
            m.compare(sg.hStarts[i], ch.hStart());
            m.compare(sg.losses[i], ch.loss());
            m.compare(sg.grads[i], ch.grad());
            m.compare(GradientClipping.globalNorm(sg.grads[i]), ch.gradNorm());
        }
    }

    private static void checkTbpttSum(ReferenceCase c, ErrorMeter m) {
        double[] sum = new SegmentGradients(c).sum();
        m.compare(sum, c.tbpttGradSum());
        m.compare(GradientClipping.globalNorm(sum), c.tbpttGradSumNorm());
    }

    private static void checkTbpttBatched(ReferenceCase c, ErrorMeter m) {
        double[] sum = new double[c.layout().size()];
        BatchBackprop.tbpttGradientAtFixedParameters(c.layout(), c.params(), c.sequence(), c.tbptt(),
                globalScale(c), sum);
        m.compare(sum, c.tbpttGradSum());
    }

    /** @param g modified: our gradient, clipped in place */
    private static void checkClip(double[] g, ReferenceCase.Clipped expected, ErrorMeter m) {
        double total = GradientClipping.clip(g, expected.maxNorm());
        m.compare(total, expected.totalNormBefore());
        m.compare(GradientClipping.coefficient(total, expected.maxNorm()), expected.clipCoef());
        m.compare(g, expected.grad());
    }

    private static void checkAdamRun(ReferenceCase c, ErrorMeter m) {
        checkAdamRun(c.layout(), c.layout().hiddenSize(), c.tbptt(), c.length(), c.params(), c.sequence(),
                c.adamRun(), m);
    }

    /**
     * Trains {@code sequence} from {@code initialParams} with the run's Adam settings through
     * {@link TbpttTrainer} (one sequence, one shard) and compares every update's chunk, loss, norm and
     * clipping coefficient, the final state and the final parameters with the reference's.
     */
    private static void checkAdamRun(GruLayout layout, int stateSize, Tbptt tbptt, int length,
            double[] initialParams, TrainingSequence sequence, ReferenceCase.AdamRun run, ErrorMeter m) {
        TrainerConfig config = TrainerConfig.defaults()
                .withTbptt(tbptt)
                .withBatchSize(1)
                .withEpochs(1)
                .withAdam(run.learningRate(), run.beta1(), run.beta2(), run.epsilon())
                .withMaxGradNorm(run.maxNorm())
                .withShards(1)
                .withThreads(1);
        double[] params = initialParams.clone();
        double[][] finalStates = new double[1][stateSize];
        List<double[]> updates = new ArrayList<>();
        try (TbpttTrainer trainer = new TbpttTrainer(config)) {
            Adam adam = config.newAdam(params.length);
            trainer.trainBatch(layout, params, adam, List.of(sequence), 0, finalStates,
                    (update, loss, norm, coef) -> updates.add(new double[] {loss, norm, coef}));
        }
        if (updates.size() != run.updates().size()) {
            m.mismatch();
            return;
        }
        for (int i = 0; i < updates.size(); i++) {
            ReferenceCase.AdamUpdate u = run.updates().get(i);
            if (u.start() != tbptt.segmentStart(i) || u.end() != tbptt.segmentEnd(i, length)) {
                m.mismatch();
            }
            m.compare(updates.get(i)[0], u.loss());
            m.compare(updates.get(i)[1], u.gradNormBeforeClip());
            m.compare(updates.get(i)[2], u.clipCoef());
        }
        m.compare(finalStates[0], run.hFinal());
        m.compare(params, run.paramsFinal());
    }
}
