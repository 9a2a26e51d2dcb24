package io.grustreams.tools.bench;

import io.grustreams.model.Cell;
import io.grustreams.model.GruLayout;
import io.grustreams.model.Parameters;
import io.grustreams.model.Variant;
import io.grustreams.train.SequenceDataset;
import io.grustreams.train.Tbptt;
import io.grustreams.train.TbpttTrainer;
import io.grustreams.train.TrainerConfig;
import io.grustreams.train.TrainingListener;
import io.grustreams.train.TrainingSequence;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gru-streams bench train}: TBPTT training throughput in time-steps per second (one
 * time-step = one sequence advanced by one step, forward and backward, including clipping and Adam).
 * Each case trains a network (cell, L layers, input D, hidden H) with linear readout on next-step MSE of noisy sines,
 * one mini-batch of B sequences × T steps per fit, chunks of K (k1 = k2 = K), Adam.
 *
 * <p>Besides wall-clock throughput it reports time-steps per second of process CPU time, a figure
 * that stays comparable when other processes share the machine (it then only overstates by the
 * JIT and GC threads' share, small after warm-up).
 */
@Command(name = "train",
        mixinStandardHelpOptions = true,
        description = "TBPTT training throughput (time-steps/s = sequences × steps per second), median and spread.")
public final class TrainBenchCommand implements Callable<Integer> {

    @Option(names = "--variant", split = ",", defaultValue = "cho,pytorch",
            description = "GRU variants (cho, pytorch). Default: ${DEFAULT-VALUE}.")
    List<String> variants;

    @Option(names = "--cells", split = ",", defaultValue = "gru",
            description = "Cells (rnn, lstm, gru); --variant applies to gru. Default: ${DEFAULT-VALUE}.")
    List<String> cells;

    @Option(names = "--layers", split = ",", defaultValue = "1", description = "Layer counts. Default: ${DEFAULT-VALUE}.")
    List<Integer> layers;

    @Option(names = "--hidden", split = ",", defaultValue = "16,64,128",
            description = "Hidden sizes. Default: ${DEFAULT-VALUE}.")
    List<Integer> hiddenSizes;

    @Option(names = "--input", defaultValue = "4", description = "Input size D (= output size). Default: ${DEFAULT-VALUE}.")
    int inputSize;

    @Option(names = "--batch", defaultValue = "64", description = "Sequences per mini-batch. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--steps", defaultValue = "256", description = "Steps per sequence. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--chunk", defaultValue = "32", description = "TBPTT chunk, k1 = k2. Default: ${DEFAULT-VALUE}.")
    int chunk;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Adam learning rate. Default: ${DEFAULT-VALUE}.")
    double learningRate;

    @Option(names = "--shards", description = "Shards per batch (default: the trainer's default).")
    Integer shards;

    @Option(names = "--threads", description = "Threads (default: the trainer's default).")
    Integer threads;

    @Option(names = "--warmup", defaultValue = "3", description = "Warm-up rounds. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--rounds", defaultValue = "7", description = "Measured rounds. Default: ${DEFAULT-VALUE}.")
    int rounds;

    @Option(names = "--min-round-ms", defaultValue = "300",
            description = "A round repeats whole batches for at least this long. Default: ${DEFAULT-VALUE}.")
    long minRoundMillis;

    @Option(names = "--json", description = "One JSON object per case per line.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        TrainerConfig base = TrainerConfig.defaults();
        TrainerConfig config = base.withTbptt(Tbptt.chunks(chunk)).withBatchSize(batchSize).withEpochs(1)
                .withLearningRate(learningRate)
                .withShards(shards == null ? base.shards() : shards)
                .withThreads(threads == null ? base.threads() : threads);
        SequenceDataset data = sines(new SplittableRandom(1), batchSize, steps, inputSize);
        if (!json) {
            out.println("bench train: " + BenchHarness.machine() + "; batch " + batchSize + " × " + steps
                    + " steps, chunk " + chunk + ", shards " + config.shards() + ", threads " + config.threads());
        }
        for (String c : cells) {
            Cell cell = Cell.fromId(c.trim());
            for (String v : cell == Cell.GRU ? variants : List.of(Variant.PYTORCH.id())) {
                Variant variant = Variant.fromId(v.trim());
                for (int l : layers) {
                    for (int h : hiddenSizes) {
                        GruLayout layout = GruLayout.of(cell, variant, l, inputSize, h, inputSize);
                        report(out, config, layout, measure(config, layout, data));
                    }
                }
            }
        }
        out.flush();
        return 0;
    }

    /** Wall-clock result and the median of time-steps per second of process CPU time over the measured rounds. */
    private record Measured(BenchHarness.Result wall, double medianStepsPerCpuSecond) {
    }

    private static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
    }

    private Measured measure(TrainerConfig config, GruLayout layout, SequenceDataset data) {
        int hidden = layout.hiddenSize();
        double[] init = new double[layout.size()];
        SplittableRandom rng = new SplittableRandom(2);
        double bound = 1 / Math.sqrt(hidden);
        for (int i = 0; i < init.length; i++) {
            init[i] = (2 * rng.nextDouble() - 1) * bound;
        }
        Parameters start = new Parameters(layout, init);
        long stepsPerBatch = (long) batchSize * steps;
        long minNanos = minRoundMillis * 1_000_000L;
        List<Double> perCpuSecond = new ArrayList<>();
        try (TbpttTrainer trainer = new TbpttTrainer(config)) {
            Parameters[] current = {start};
            BenchHarness.Result wall = new BenchHarness(warmup, rounds).measure(() -> {
                long t0 = System.nanoTime();
                long cpu0 = processCpuNanos();
                long done = 0;
                do {
                    // train on from the previous round's parameters so the work stays realistic
                    current[0] = trainer.fit(current[0], data, TrainingListener.NONE).parameters();
                    done += stepsPerBatch;
                } while (System.nanoTime() - t0 < minNanos);
                long cpu = processCpuNanos() - cpu0;
                perCpuSecond.add(cpu > 0 && cpu0 >= 0 ? done * 1e9 / cpu : Double.NaN);
                return done;
            });
            List<Double> measured = new ArrayList<>(perCpuSecond.subList(warmup, perCpuSecond.size()));
            measured.sort(null);
            int m = measured.size();
            double median = m % 2 == 1 ? measured.get(m / 2) : 0.5 * (measured.get(m / 2 - 1) + measured.get(m / 2));
            return new Measured(wall, median);
        }
    }

    private void report(PrintWriter out, TrainerConfig config, GruLayout layout, Measured m) {
        BenchHarness.Result r = m.wall();
        Variant variant = layout.variant();
        int hidden = layout.hiddenSize();
        if (json) {
            Map<String, Object> f = BenchHarness.fields();
            f.put("bench", "train");
            f.put("cell", layout.cell().id());
            f.put("variant", variant.id());
            f.put("layers", layout.layers());
            f.put("input", inputSize);
            f.put("hidden", hidden);
            f.put("batch", batchSize);
            f.put("steps", steps);
            f.put("k1", chunk);
            f.put("k2", chunk);
            f.put("lr", learningRate);
            f.put("shards", config.shards());
            f.put("threads", config.threads());
            f.put("rounds", r.rounds());
            f.put("median_steps_per_s", r.medianOpsPerSecond());
            f.put("min_steps_per_s", r.minOpsPerSecond());
            f.put("max_steps_per_s", r.maxOpsPerSecond());
            f.put("median_steps_per_cpu_s", m.medianStepsPerCpuSecond());
            out.println(BenchHarness.jsonLine(f));
        } else {
            String name = (layout.cell() == Cell.GRU ? variant.id() : layout.cell().id()) + " L" + layout.layers();
            out.println(String.format(Locale.ROOT,
                    "%-11s H=%-4d median %,10.0f steps/s  (min %,.0f, max %,.0f, %d rounds; %,.0f steps per CPU-second)",
                    name, hidden, r.medianOpsPerSecond(), r.minOpsPerSecond(), r.maxOpsPerSecond(), r.rounds(),
                    m.medianStepsPerCpuSecond()));
        }
        out.flush();
    }

    /** Noisy sines, next-step targets, D features: the bench's fixed, seeded data. */
    static SequenceDataset sines(SplittableRandom rng, int count, int length, int features) {
        List<TrainingSequence> list = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            double[][] series = new double[length + 1][features];
            for (int f = 0; f < features; f++) {
                double period = 8 + 24 * rng.nextDouble();
                double phase = 2 * Math.PI * rng.nextDouble();
                for (int t = 0; t <= length; t++) {
                    series[t][f] = Math.sin(2 * Math.PI * t / period + phase) + 0.1 * rng.nextGaussian();
                }
            }
            list.add(TrainingSequence.nextStep(series));
        }
        return new SequenceDataset(list);
    }
}
