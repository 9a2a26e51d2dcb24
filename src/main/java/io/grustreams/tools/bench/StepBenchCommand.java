package io.grustreams.tools.bench;

import io.grustreams.model.Cell;
import io.grustreams.model.GruLayout;
import io.grustreams.model.Parameters;
import io.grustreams.model.Stepper;
import io.grustreams.model.Variant;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gru-streams bench step}: the cost of one {@link Stepper#step} (every layer) for a single key,
 * per (input, hidden) size, cell, GRU variant and layer count. Random weights at PyTorch's default
 * scale, a ring of random normalized inputs, the state carried from step to step as in the stream
 * processor.
 *
 * <p>Anchor: PyTorch {@code GRUCell}, batch 1, takes 14–18 µs per step at (8, 64). Besides the
 * harness's wall-clock figures, each case reports the median thread CPU time per step.
 */
@Command(name = "step",
        description = {"Times one step (single key, every layer) for each (input, hidden) size, cell, variant and"
                + " layer count.",
                "Reports median and spread (min, max) over the measured rounds."})
public final class StepBenchCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--json", description = "One JSON object per case per line instead of a table.")
    boolean json;

    @Option(names = "--sizes", split = ",", defaultValue = "1x32,8x64,32x128", paramLabel = "DxH",
            description = "Cases as inputxhidden (default: ${DEFAULT-VALUE}).")
    List<String> sizes;

    @Option(names = "--variants", split = ",", defaultValue = "cho,pytorch",
            description = "GRU variants to time (default: ${DEFAULT-VALUE}).")
    List<String> variants;

    @Option(names = "--cells", split = ",", defaultValue = "gru",
            description = "Cells to time: rnn, lstm, gru (default: ${DEFAULT-VALUE}); rnn and lstm in PyTorch's form.")
    List<String> cells;

    @Option(names = "--layers", split = ",", defaultValue = "1", paramLabel = "L",
            description = "Layer counts to time (default: ${DEFAULT-VALUE}).")
    List<Integer> layers;

    @Option(names = "--warmup", defaultValue = "5", description = "Warm-up rounds, not reported (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--rounds", defaultValue = "15", description = "Measured rounds (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--round-ms", defaultValue = "200", description = "Target length of one round in ms (default: ${DEFAULT-VALUE}).")
    int roundMs;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of weights and inputs (default: ${DEFAULT-VALUE}).")
    long seed;

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** Number of distinct inputs cycled through; a power of two. */
    private static final int INPUTS = 256;

    /** One case: the cell, its form, layers and sizes. */
    private record Shape(Cell cell, Variant variant, int layers, int input, int hidden) {
    }

    /** One case's fixture: the stepper, its state and inputs. The state is kept so the JIT cannot drop the work. */
    static final class Case {
        final Stepper stepper;
        final double[] h;
        final double[][] xs;

        Case(Cell cell, Variant variant, int layers, int d, int hidden, long seed) {
            GruLayout layout = GruLayout.of(cell, variant, layers, d, hidden, d);
            Random rnd = new Random(seed);
            double[] v = new double[layout.size()];
            double bound = 1 / Math.sqrt(hidden);
            for (int i = 0; i < v.length; i++) {
                v[i] = (2 * rnd.nextDouble() - 1) * bound;
            }
            stepper = Stepper.of(new Parameters(layout, v));
            h = new double[layout.stateSize()];
            xs = new double[INPUTS][d];
            for (double[] x : xs) {
                for (int j = 0; j < d; j++) {
                    x[j] = rnd.nextGaussian();
                }
            }
        }

        /** Runs {@code n} steps; returns n. */
        long run(long n) {
            for (long i = 0; i < n; i++) {
                stepper.step(h, xs[(int) (i & (INPUTS - 1))]);
            }
            return n;
        }
    }

    @Override
    public Integer call() {
        if (warmup < 0 || rounds < 1 || roundMs < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "need --warmup >= 0, --rounds >= 1, --round-ms >= 1");
        }
        List<int[]> cases = new ArrayList<>();
        for (String s : sizes) {
            String[] parts = s.trim().toLowerCase(Locale.ROOT).split("x");
            try {
                cases.add(new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])});
            } catch (RuntimeException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--sizes: '" + s + "' is not DxH, e.g. 8x64");
            }
        }
        List<Variant> vs = new ArrayList<>();
        for (String v : variants) {
            try {
                vs.add(Variant.fromId(v.trim()));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--variants: " + e.getMessage());
            }
        }
        List<Cell> cs = new ArrayList<>();
        for (String c : cells) {
            try {
                cs.add(Cell.fromId(c.trim()));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--cells: " + e.getMessage());
            }
        }
        for (int l : layers) {
            if (l < 1 || l > GruLayout.MAX_LAYERS) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--layers: " + l + " is not in [1, "
                        + GruLayout.MAX_LAYERS + "]");
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (!json) {
            out.printf("bench step: one step of every layer, single key; %s; %d warm-up + %d rounds of ~%d ms%n",
                    BenchHarness.machine(), warmup, rounds, roundMs);
            out.printf("%-5s %-8s %6s %5s %6s %12s %10s %10s %14s %12s%n", "cell", "variant", "layers", "input",
                    "hidden", "median ns", "min ns", "max ns", "steps/s", "cpu ns");
        }
        BenchHarness harness = new BenchHarness(warmup, rounds);
        List<Shape> shapes = new ArrayList<>();
        for (int[] c : cases) {
            for (Cell cell : cs) {
                for (Variant v : cell == Cell.GRU ? vs : List.of(Variant.PYTORCH)) {
                    for (int l : layers) {
                        shapes.add(new Shape(cell, v, l, c[0], c[1]));
                    }
                }
            }
        }
        for (Shape shape : shapes) {
            Cell cell = shape.cell();
            Variant v = shape.variant();
            int l = shape.layers();
            Case fixture = new Case(cell, v, l, shape.input(), shape.hidden(), seed);
            long steps = calibrate(fixture);
            // Thread CPU time per round besides the harness's wall time: on a shared machine the
            // two differ by the time this thread waited for a core.
            double[] cpuNs = new double[warmup + rounds];
            int[] round = {0};
            BenchHarness.Result r = harness.measure(() -> {
                long c0 = THREADS.getCurrentThreadCpuTime();
                long ops = fixture.run(steps);
                cpuNs[round[0]++] = (double) (THREADS.getCurrentThreadCpuTime() - c0) / ops;
                return ops;
            });
            double[] measuredCpu = Arrays.copyOfRange(cpuNs, warmup, warmup + rounds);
            Arrays.sort(measuredCpu);
            double cpuMedian = measuredCpu[rounds / 2];
            if (!Double.isFinite(fixture.h[0])) {
                throw new IllegalStateException("the hidden state diverged");
            }
            if (json) {
                Map<String, Object> f = BenchHarness.fields();
                f.put("bench", "step");
                f.put("cell", cell.id());
                f.put("variant", v.id());
                f.put("layers", l);
                f.put("input_size", shape.input());
                f.put("hidden_size", shape.hidden());
                f.put("warmup_rounds", warmup);
                f.put("rounds", r.rounds());
                f.put("steps_per_round", steps);
                f.put("median_ns_per_step", r.medianNsPerOp());
                f.put("min_ns_per_step", r.minNsPerOp());
                f.put("max_ns_per_step", r.maxNsPerOp());
                f.put("median_steps_per_s", r.medianOpsPerSecond());
                f.put("median_cpu_ns_per_step", cpuMedian);
                f.put("machine", BenchHarness.machine());
                out.println(BenchHarness.jsonLine(f));
            } else {
                out.printf(Locale.ROOT, "%-5s %-8s %6d %5d %6d %12.1f %10.1f %10.1f %14.0f %12.1f%n", cell.id(),
                        v.id(), l, shape.input(), shape.hidden(), r.medianNsPerOp(), r.minNsPerOp(), r.maxNsPerOp(),
                        r.medianOpsPerSecond(), cpuMedian);
            }
            out.flush();
        }
        return 0;
    }

    /**
     * Steps per round so that a round lasts about {@code roundMs}: first {@code roundMs} of
     * stepping so that the JIT has compiled the loop, then doubling runs until one lasts 20 ms.
     */
    private long calibrate(Case fixture) {
        long until = System.nanoTime() + roundMs * 1_000_000L;
        while (System.nanoTime() < until) {
            fixture.run(1000);
        }
        long n = 1024;
        while (true) {
            long t0 = System.nanoTime();
            fixture.run(n);
            long dt = System.nanoTime() - t0;
            if (dt >= 20_000_000L) {
                return Math.max(1, (long) ((double) n * roundMs * 1e6 / dt));
            }
            n *= 2;
        }
    }
}
