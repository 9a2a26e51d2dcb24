package io.grustreams.tools.bench;

import io.grustreams.train.History;
import io.grustreams.train.RetrainConfig;
import io.grustreams.train.RetrainListener;
import io.grustreams.train.RetrainRequest;
import io.grustreams.train.RetrainResult;
import io.grustreams.train.Retrainer;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gru-streams bench retrain}: the wall time of a whole retraining run as {@code train} does it
 * after reading (split, normalization, sequences, TBPTT epochs with validation after each, champion
 * scoring), on seeded synthetic history: K keys × N events of one feature, each a sum of two sines with
 * an offset and noise. The run uses the trainer's defaults ({@link RetrainConfig#defaults()}) unless
 * options change them. Each round is one full run; the figure is seconds per run (median, min, max).
 */
@Command(name = "retrain",
        mixinStandardHelpOptions = true,
        description = "Wall time of a whole retraining run (train's defaults) on synthetic K keys x N events.")
public final class RetrainBenchCommand implements Callable<Integer> {

    @Option(names = "--keys", defaultValue = "1000", description = "Keys K. Default: ${DEFAULT-VALUE}.")
    int keys;

    @Option(names = "--events", defaultValue = "2000", description = "Events per key N. Default: ${DEFAULT-VALUE}.")
    int events;

    @Option(names = "--hidden", defaultValue = "32", description = "Hidden size. Default: ${DEFAULT-VALUE}.")
    int hidden;

    @Option(names = "--epochs", description = "Epochs at most (default: train's).")
    Integer epochs;

    @Option(names = "--threads", description = "Threads (default: train's).")
    Integer threads;

    @Option(names = "--warmup", defaultValue = "0", description = "Warm-up runs. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--rounds", defaultValue = "1", description = "Measured runs. Default: ${DEFAULT-VALUE}.")
    int rounds;

    @Option(names = "--json", description = "One JSON object per line.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        RetrainConfig config = RetrainConfig.defaults().withHiddenSize(hidden);
        if (epochs != null) {
            config = config.withTrainer(config.trainer().withEpochs(epochs));
        }
        if (threads != null) {
            config = config.withTrainer(config.trainer().withThreads(threads));
        }
        History history = history(keys, events, 1);
        RetrainRequest request = new RetrainRequest("bench", List.of("value"), 1, Instant.EPOCH, Optional.empty(),
                Map.of());
        Retrainer retrainer = new Retrainer(config);
        RetrainResult[] last = new RetrainResult[1];
        long cpu0 = processCpuNanos();
        BenchHarness.Result r = new BenchHarness(warmup, rounds).measure(() -> {
            last[0] = retrainer.run(history, request, RetrainListener.NONE);
            // One operation per run: the harness's ns/op is the run's wall time.
            return 1;
        });
        // CPU time per run (all threads, JIT and GC included): on a shared machine, wall time alone
        // says little; CPU / wall near the thread count means the run had its cores.
        double cpuPerRun = (processCpuNanos() - cpu0) / 1e9 / (warmup + rounds);
        RetrainResult result = last[0];
        double median = r.medianNsPerOp() / 1e9;
        double stepsPerSecond = result.stepsTrained() / median;
        if (json) {
            Map<String, Object> f = BenchHarness.fields();
            f.put("bench", "retrain");
            f.put("keys", keys);
            f.put("events", events);
            f.put("hidden", hidden);
            f.put("variant", config.variant().id());
            f.put("threads", config.trainer().threads());
            f.put("epochs", result.epochsRun());
            f.put("max_epochs", config.trainer().epochs());
            f.put("rounds", r.rounds());
            f.put("median_s", median);
            f.put("min_s", r.minNsPerOp() / 1e9);
            f.put("max_s", r.maxNsPerOp() / 1e9);
            f.put("cpu_s_per_run", cpuPerRun);
            f.put("train_steps_per_s", stepsPerSecond);
            f.put("validation_rmse_vs_persistence", Math.sqrt(result.validationScore()));
            out.println(BenchHarness.jsonLine(f));
        } else {
            out.println("bench retrain: " + BenchHarness.machine() + "; " + keys + " keys x " + events + " events, "
                    + config.variant().id() + " H=" + hidden + ", threads " + config.trainer().threads());
            out.printf(Locale.ROOT, "run: median %.1f s (min %.1f, max %.1f, %d rounds), %.1f CPU s per run; %d of at "
                    + "most %d epochs, %,d sequences x %d steps, %,.0f training steps/s%n", median, r.minNsPerOp() / 1e9,
                    r.maxNsPerOp() / 1e9, r.rounds(), cpuPerRun, result.epochsRun(), config.trainer().epochs(),
                    result.data().sequences(), config.sequenceLength(), stepsPerSecond);
            out.printf(Locale.ROOT, "validation RMSE %.4g x persistence's%n", Math.sqrt(result.validationScore()));
        }
        out.flush();
        return 0;
    }

    /** CPU time of this process so far, or 0 where the JVM does not tell. */
    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return Math.max(0, os.getProcessCpuTime());
        }
        return 0;
    }

    /** K keys × N events of one feature: offset + two sines + uniform noise, seeded. */
    static History history(int keys, int events, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        History.Builder b = History.builder(1);
        double[] v = new double[1];
        for (int k = 0; k < keys; k++) {
            double p1 = 12 + 18 * rng.nextDouble();
            double p2 = 40 + 40 * rng.nextDouble();
            double ph1 = 2 * Math.PI * rng.nextDouble();
            double ph2 = 2 * Math.PI * rng.nextDouble();
            double offset = 10 * rng.nextDouble();
            String key = "key-" + k;
            for (int t = 0; t < events; t++) {
                v[0] = offset + Math.sin(2 * Math.PI * t / p1 + ph1) + 0.5 * Math.sin(2 * Math.PI * t / p2 + ph2)
                        + 0.1 * (2 * rng.nextDouble() - 1);
                b.add(key, 1_700_000_000_000L + 1000L * t, v);
            }
        }
        return b.build();
    }
}
