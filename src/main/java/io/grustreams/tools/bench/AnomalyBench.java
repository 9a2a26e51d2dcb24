package io.grustreams.tools.bench;

import io.grustreams.anomaly.AnomalyConfig;
import io.grustreams.anomaly.AnomalyDetector;
import io.grustreams.anomaly.AnomalyState;
import io.grustreams.anomaly.AnomalyVerdict;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench anomaly}: the cost of {@link AnomalyDetector#score} per event, and, on synthetic
 * seeded data, how the chosen knobs trade false alerts against detection. Prints one JSON line
 * for the timing and one per quality scenario.
 *
 * <p>Quality scenarios, each over {@code --seeds} seeds: {@code noise} scores {@code --events}
 * events of independent Gaussian residuals and counts OPENs (all of them false) per 100k events;
 * {@code burst} adds {@code --burst-sigma} standard deviations to feature 0 for
 * {@code --burst-length} events after 3000 normal ones, and reports the share of seeds whose
 * first OPEN after the burst starts falls within the burst plus one short window, with its mean
 * delay in events.
 */
@Command(name = "anomaly", mixinStandardHelpOptions = true,
        description = "Time AnomalyDetector.score per event; measure false alerts and burst detection on seeded data.")
public final class AnomalyBench implements Callable<Integer> {

    private static final int BURST_START = 3_000;

    @Option(names = "--features", defaultValue = "3", description = "Values per event. Default: ${DEFAULT-VALUE}.")
    int features;

    @Option(names = "--warmup", defaultValue = "3", description = "Warm-up rounds. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--rounds", defaultValue = "7", description = "Measured rounds. Default: ${DEFAULT-VALUE}.")
    int rounds;

    @Option(names = "--events-per-round", defaultValue = "2000000",
            description = "score() calls per timed round. Default: ${DEFAULT-VALUE}.")
    int eventsPerRound;

    @Option(names = "--seeds", defaultValue = "100", description = "Seeds per quality scenario. Default: ${DEFAULT-VALUE}.")
    int seeds;

    @Option(names = "--events", defaultValue = "10000",
            description = "Events per seed in the noise scenario. Default: ${DEFAULT-VALUE}.")
    int events;

    @Option(names = "--burst-length", defaultValue = "20", description = "Burst events. Default: ${DEFAULT-VALUE}.")
    int burstLength;

    @Option(names = "--burst-sigma", defaultValue = "5", description = "Burst size in residual standard deviations. Default: ${DEFAULT-VALUE}.")
    double burstSigma;

    @Option(names = "--open-threshold", description = "Override AnomalyConfig.openThreshold.")
    Double openThreshold;

    @Option(names = "--open-after", description = "Override AnomalyConfig.openAfter.")
    Integer openAfter;

    @Option(names = "--short-window", description = "Override AnomalyConfig.shortWindow.")
    Integer shortWindow;

    @Option(names = "--long-window", description = "Override AnomalyConfig.longWindow.")
    Integer longWindow;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        AnomalyConfig config = config();
        timing(config);
        noise(config);
        burst(config);
        return 0;
    }

    private AnomalyConfig config() {
        AnomalyConfig.Builder b = AnomalyConfig.builder();
        if (openThreshold != null) {
            b.openThreshold(openThreshold);
        }
        if (openAfter != null) {
            b.openAfter(openAfter);
        }
        if (shortWindow != null) {
            b.shortWindow(shortWindow);
        }
        if (longWindow != null) {
            b.longWindow(longWindow);
        }
        return b.build();
    }

    private void timing(AnomalyConfig config) {
        AnomalyDetector detector = new AnomalyDetector(config, features);
        AnomalyState state = detector.newState();
        AnomalyVerdict verdict = new AnomalyVerdict();
        // A fixed table of inputs cycled through, so the timed loop only scores.
        int table = 1 << 16;
        double[][] actual = new double[table][features];
        double[][] expected = new double[table][features];
        Random random = new Random(1);
        for (int e = 0; e < table; e++) {
            for (int i = 0; i < features; i++) {
                expected[e][i] = 10.0 * i;
                actual[e][i] = expected[e][i] + random.nextGaussian();
            }
        }
        int[] next = {0};
        BenchHarness.Result r = new BenchHarness(warmup, rounds).measure(() -> {
            for (int n = 0; n < eventsPerRound; n++) {
                int e = next[0]++ & (table - 1);
                detector.score(state, actual[e], expected[e], verdict);
            }
            return eventsPerRound;
        });
        Map<String, Object> f = head("score");
        f.put("nsPerEvent", r.medianNsPerOp());
        f.put("minNsPerEvent", r.minNsPerOp());
        f.put("maxNsPerEvent", r.maxNsPerOp());
        f.put("eventsPerSecond", r.medianOpsPerSecond());
        f.put("rounds", r.rounds());
        f.put("machine", BenchHarness.machine());
        print(f, config);
    }

    private void noise(AnomalyConfig config) {
        long opens = 0;
        int seedsWithOpen = 0;
        for (int seed = 0; seed < seeds; seed++) {
            int o = run(config, seed, events, 0, 0.0).opens;
            opens += o;
            seedsWithOpen += o > 0 ? 1 : 0;
        }
        Map<String, Object> f = head("noise");
        f.put("seeds", seeds);
        f.put("eventsPerSeed", events);
        f.put("falseOpensPer100k", opens * 1e5 / ((double) events * seeds));
        f.put("seedsWithFalseOpen", seedsWithOpen);
        print(f, config);
    }

    private void burst(AnomalyConfig config) {
        int detected = 0;
        long delay = 0;
        for (int seed = 0; seed < seeds; seed++) {
            Outcome o = run(config, 1_000_000 + seed, BURST_START + burstLength + 200, burstLength, burstSigma);
            if (o.firstOpenInBurst >= 0 && o.firstOpenInBurst < burstLength + config.shortWindow()) {
                detected++;
                delay += o.firstOpenInBurst;
            }
        }
        Map<String, Object> f = head("burst");
        f.put("seeds", seeds);
        f.put("burstLength", burstLength);
        f.put("burstSigma", burstSigma);
        f.put("detectedPercent", 100.0 * detected / seeds);
        f.put("meanDelayEvents", detected == 0 ? Double.NaN : (double) delay / detected);
        print(f, config);
    }

    private record Outcome(int opens, int firstOpenInBurst) {
    }

    private Outcome run(AnomalyConfig config, long seed, int n, int burst, double sigma) {
        AnomalyDetector detector = new AnomalyDetector(config, features);
        AnomalyState state = detector.newState();
        AnomalyVerdict verdict = new AnomalyVerdict();
        double[] actual = new double[features];
        double[] expected = new double[features];
        Random random = new Random(seed);
        int opens = 0;
        int first = -1;
        for (int e = 0; e < n; e++) {
            for (int i = 0; i < features; i++) {
                actual[i] = random.nextGaussian();
            }
            if (burst > 0 && e >= BURST_START && e < BURST_START + burst) {
                actual[0] += sigma;
            }
            detector.score(state, actual, expected, verdict);
            if (verdict.transition() == AnomalyVerdict.Transition.OPEN) {
                opens++;
                if (burst > 0 && first < 0 && e >= BURST_START) {
                    first = e - BURST_START;
                }
            }
        }
        return new Outcome(opens, first);
    }

    private Map<String, Object> head(String phase) {
        Map<String, Object> f = BenchHarness.fields();
        f.put("bench", "anomaly");
        f.put("phase", phase);
        f.put("features", features);
        return f;
    }

    private void print(Map<String, Object> f, AnomalyConfig config) {
        f.put("openThreshold", config.openThreshold());
        f.put("openAfter", config.openAfter());
        f.put("shortWindow", config.shortWindow());
        f.put("longWindow", config.longWindow());
        spec.commandLine().getOut().println(BenchHarness.jsonLine(f));
        spec.commandLine().getOut().flush();
    }
}
