package io.grustreams.tools.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A small measurement harness for the {@code bench} commands: warm-up rounds that are thrown
 * away, then measured rounds, reported as median and spread (min, max). Each round returns how
 * many operations it did; the harness times it with {@link System#nanoTime()}.
 *
 * <p>Not JMH: the benchmarks must run from the launcher on a user's machine. Rounds are long
 * (≥ 100 ms each) so timer resolution and JIT noise stay small against the figure.
 */
public final class BenchHarness {

    /** Per-round results in nanoseconds per operation. */
    public record Result(double medianNsPerOp, double minNsPerOp, double maxNsPerOp, int rounds) {

        public double medianOpsPerSecond() {
            return 1e9 / medianNsPerOp;
        }

        /** Fastest round as ops/s (from the smallest ns/op). */
        public double maxOpsPerSecond() {
            return 1e9 / minNsPerOp;
        }

        /** Slowest round as ops/s. */
        public double minOpsPerSecond() {
            return 1e9 / maxNsPerOp;
        }
    }

    private final int warmupRounds;
    private final int measuredRounds;

    public BenchHarness(int warmupRounds, int measuredRounds) {
        if (warmupRounds < 0 || measuredRounds < 1) {
            throw new IllegalArgumentException("need warmupRounds >= 0 and measuredRounds >= 1");
        }
        this.warmupRounds = warmupRounds;
        this.measuredRounds = measuredRounds;
    }

    /**
     * Runs {@code round} warm-up plus measured times.
     *
     * @param round does one round of work and returns the number of operations it did (> 0)
     */
    public Result measure(LongSupplier round) {
        for (int i = 0; i < warmupRounds; i++) {
            round.getAsLong();
        }
        double[] nsPerOp = new double[measuredRounds];
        for (int i = 0; i < measuredRounds; i++) {
            long t0 = System.nanoTime();
            long ops = round.getAsLong();
            long dt = System.nanoTime() - t0;
            if (ops <= 0) {
                throw new IllegalStateException("a benchmark round reported " + ops + " operations");
            }
            nsPerOp[i] = (double) dt / ops;
        }
        double[] sorted = nsPerOp.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
        return new Result(median, sorted[0], sorted[n - 1], n);
    }

    /**
     * One JSON object on one line, keys in insertion order. Values: String, Number or Boolean.
     * Kept here (not Jackson) so every bench prints the same flat shape.
     */
    public static String jsonLine(Map<String, ?> fields) {
        StringBuilder sb = new StringBuilder("{");
        boolean first = true;
        for (Map.Entry<String, ?> e : fields.entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            sb.append('"').append(e.getKey()).append("\":");
            Object v = e.getValue();
            if (v instanceof String s) {
                sb.append('"').append(s.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            } else if (v instanceof Double d && !Double.isFinite(d)) {
                // JSON has no NaN: a figure that could not be measured (a round within one CPU-clock tick) is null.
                sb.append("null");
            } else if (v instanceof Double d) {
                sb.append(String.format(Locale.ROOT, "%.6g", d));
            } else {
                sb.append(v);
            }
        }
        return sb.append('}').toString();
    }

    /** A fresh ordered map for {@link #jsonLine}. */
    public static Map<String, Object> fields() {
        return new LinkedHashMap<>();
    }

    /** Machine description for reports: cores and CPU model. */
    public static String machine() {
        String cpu = "unknown CPU";
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // Not Linux: the core count alone still describes the machine.
        }
        return Runtime.getRuntime().availableProcessors() + " cores, " + cpu;
    }
}
