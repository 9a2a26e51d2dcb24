package io.grustreams.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.management.ThreadMXBean;
import io.grustreams.tools.reference.RecurrentReference;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The serving stepper of every cell and layer count against the committed PyTorch float64 forward
 * passes ({@code src/test/reference/cases}, schema {@code recurrent-reference/2}).
 */
class RecurrentStepperReferenceTest {

    /** The bound: absolute, relative above 1 (as {@code verify-reference} judges). */
    private static final double TOL = 1e-9;

    static Path casesDirectory() {
        Path base = Path.of(System.getProperty("basedir", "."));
        return base.resolve("src/test/reference/cases");
    }

    static List<Path> caseFiles() {
        try (Stream<Path> s = Files.list(casesDirectory())) {
            return s.filter(p -> p.getFileName().toString().endsWith(".json")
                    && !p.getFileName().toString().equals("index.json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static RecurrentReference load(Path file) {
        try {
            JsonNode root = new ObjectMapper().readTree(file.toFile());
            return RecurrentReference.parse(file.getFileName().toString(), root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void shouldHaveACaseForEveryCellAndBothLayerCounts() {
        Set<String> seen = new HashSet<>();
        for (Path f : caseFiles()) {
            GruLayout layout = load(f).layout();
            String id = layout.cell() == Cell.GRU ? "gru-" + layout.variant().id() : layout.cell().id();
            seen.add(id + "/" + layout.layers());
        }
        assertEquals(Set.of("rnn/1", "rnn/2", "lstm/1", "lstm/2", "gru-cho/1", "gru-cho/2", "gru-pytorch/1",
                "gru-pytorch/2"), seen);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("caseFiles")
    void shouldMatchThePyTorchForwardPassOfEveryLayer(Path file) {
        RecurrentReference ref = load(file);
        GruLayout layout = ref.layout();
        Stepper stepper = Stepper.of(new Parameters(layout, ref.params()));
        double[] state = ref.initialState().clone();
        double[] y = new double[layout.outputSize()];
        double sumSq = 0;
        for (int t = 0; t < ref.length(); t++) {
            stepper.step(state, ref.x()[t]);
            stepper.readout(state, y);
            assertClose(ref.state(t), state, "state (every layer's h, then c) after step " + t);
            assertClose(ref.forwardY()[t], y, "y after step " + t);
            for (int j = 0; j < y.length; j++) {
                double e = y[j] - ref.target()[t][j];
                sumSq += e * e;
            }
        }
        // L = (1 / (T·O)) Σ_t Σ_j (y[t][j] - target[t][j])²  (reference README §7).
        assertClose(new double[] {ref.forwardLoss()}, new double[] {sumSq / (ref.length() * y.length)}, "loss");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("caseFiles")
    void shouldCountTheParametersThePyTorchFileCounts(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        assertEquals(root.get("param_count").asInt(), load(file).layout().size());
    }

    static Stream<GruLayout> stackedLayouts() {
        return Stream.of(GruLayout.of(Cell.LSTM, Variant.PYTORCH, 2, 8, 64, 8),
                GruLayout.of(Cell.RNN, Variant.PYTORCH, 2, 8, 64, 8),
                GruLayout.of(Cell.GRU, Variant.CHO, 2, 8, 64, 8));
    }

    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    @ParameterizedTest(name = "{0}")
    @MethodSource("stackedLayouts")
    void shouldAllocateNothingPerStepAfterWarmUp(GruLayout layout) {
        CpuFeatures.assumeFma();
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported(), "the JVM reports per-thread allocation");
        threads.setThreadAllocatedMemoryEnabled(true);
        Stepper stepper = Stepper.of(TestModels.randomParameters(layout, 5, 1 / Math.sqrt(layout.hiddenSize())));
        double[] state = new double[layout.stateSize()];
        double[] x = new double[layout.inputSize()];
        double[] y = new double[layout.outputSize()];
        Random rnd = new Random(3);
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextGaussian();
        }
        for (int i = 0; i < 10; i++) {
            run(stepper, state, x, y, 10_000);
        }
        // As in RecurrentStepperTest: a JIT swap may allocate once, a per-step allocation shows in every window.
        List<Long> windows = new ArrayList<>();
        for (int w = 0; w < 5 && (windows.isEmpty() || windows.get(windows.size() - 1) != 0); w++) {
            long c0 = threads.getCurrentThreadAllocatedBytes();
            long c1 = threads.getCurrentThreadAllocatedBytes();
            run(stepper, state, x, y, 50_000);
            long c2 = threads.getCurrentThreadAllocatedBytes();
            windows.add((c2 - c1) - (c1 - c0));
        }
        assertEquals(0L, windows.get(windows.size() - 1), "bytes allocated by windows of 50,000 steps: " + windows);
        assertFalse(Double.isNaN(state[0]));
    }

    private static void run(Stepper s, double[] state, double[] x, double[] y, int n) {
        for (int i = 0; i < n; i++) {
            s.step(state, x);
            s.readout(state, y);
        }
    }

    private static void assertClose(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(actual[i] - expected[i]) / Math.max(1.0, Math.abs(expected[i]));
            assertTrue(err <= TOL, what + "[" + i + "]: expected " + expected[i] + ", got " + actual[i]);
        }
    }
}
