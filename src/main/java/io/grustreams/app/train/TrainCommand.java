package io.grustreams.app.train;

import io.grustreams.app.AppConfig;
import io.grustreams.stream.StreamSettings;
import io.grustreams.train.RetrainConfig;
import io.grustreams.train.SampleLimits;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gru-streams train}: retrains the GRU on a window of the events topic (or on CSV files) by
 * truncated BPTT and publishes the new model to the models topic if it beats the current one.
 * Configuration errors and an empty window end the command with a one-line reason and exit code 1,
 * and nothing is published. With {@code --every}, a run that fails for lack of data or a broker
 * problem is reported and the next run still happens; configuration errors still end the command.
 */
@Command(name = "train",
        mixinStandardHelpOptions = true,
        description = {
            "Retrain the GRU by truncated BPTT on a window of the events topic (or CSV files), and publish the "
                    + "new model to the models topic if its validation MSE beats the current model's.",
            "Writes <model>-v<version>-<time>.{model.json,json,png} (model, report, loss curve) into --out."})
public final class TrainCommand implements Callable<Integer> {

    static final class Schedule {
        @Option(names = "--once", description = "Train once and exit (the default).")
        boolean once;

        @Option(names = "--every", paramLabel = "DURATION",
                description = "Train now and then every DURATION (PT6H, 6h, 90m, 1d), until stopped.")
        String every;
    }

    @Option(names = "--config", required = true, paramLabel = "FILE",
            description = "The configuration file of 'run' (bootstrap.servers, gru.* topics and features).")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Sets one key, over the file and the environment (repeatable), as for 'run'.")
    Map<String, String> set = new LinkedHashMap<>();

    /** Where GRUSTREAMS_* variables come from; tests replace it. */
    Map<String, String> env = System.getenv();

    @ArgGroup(exclusive = true)
    Schedule schedule;

    @Option(names = "--window", paramLabel = "DURATION",
            description = "History to train on, ending now (default PT24H); with --input, ending at the newest event"
                    + " (default: all of it).")
    String window;

    @Option(names = "--input", paramLabel = "DIR_OR_CSV",
            description = "Train on CSV files instead of the events topic (columns: key, timestamp, then the "
                    + "features of gru.features or value).")
    Path input;

    @Option(names = "--out", defaultValue = "train-runs", paramLabel = "DIR",
            description = "Where model, report and loss curve are written. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--model-name", paramLabel = "NAME",
            description = "Name (and models-topic key) of the new model. Default: gru.model.name, else gru.")
    String modelName;

    @Option(names = "--dry-run", description = "Train, judge and write the files, but publish nothing.")
    boolean dryRun;

    @Option(names = "--champion", paramLabel = "MODEL_FILE",
            description = "Judge against (and warm-start from) this model file instead of the models topic.")
    Path championFile;

    @Option(names = "--effective-from", paramLabel = "INSTANT",
            description = "Event time the stream switches to the new model at (ISO-8601, for a planned roll-out). "
                    + "Default: publish time + --lead.")
    String effectiveFrom;

    @Option(names = "--lead", paramLabel = "DURATION", defaultValue = "1m",
            description = "Without --effective-from: how long after publishing the model takes over, so every "
                    + "instance has read it first. Default: ${DEFAULT-VALUE}.")
    String lead;

    @Option(names = "--max-runs", paramLabel = "N", description = "With --every: stop after N runs. Default: never.")
    Integer maxRuns;

    @Option(names = "--max-keys", paramLabel = "N",
            description = "Keys read into memory at most: a uniform sample, chosen by --seed, of a window with more. "
                    + "Default: " + SampleLimits.DEFAULT_MAX_KEYS + ".")
    Integer maxKeys;

    @Option(names = "--max-events-per-key", paramLabel = "M",
            description = "Newest events of each key read into memory at most. Default: "
                    + SampleLimits.DEFAULT_MAX_EVENTS_PER_KEY + ".")
    Integer maxEventsPerKey;

    @Mixin
    TrainingOptions training = new TrainingOptions();

    @Spec
    CommandSpec spec;

    /** The clock of run start times; tests replace it. */
    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter console = spec.commandLine().getOut();
        TrainJob.Plan plan = plan();
        Optional<Duration> every = schedule == null || schedule.every == null ? Optional.empty()
                : Optional.of(duration("--every", schedule.every));
        if (every.isPresent() && every.get().isZero()) {
            throw new IllegalArgumentException("--every must be positive");
        }
        if (maxRuns != null && maxRuns < 1) {
            throw new IllegalArgumentException("--max-runs must be positive: " + maxRuns);
        }
        TrainJob job = new TrainJob(plan, clock, console);
        if (every.isEmpty()) {
            job.run();
            return 0;
        }
        for (int run = 1; maxRuns == null || run <= maxRuns; run++) {
            long start = System.nanoTime();
            try {
                job.run();
            } catch (IllegalStateException | KafkaException | IOException e) {
                // InsufficientDataException is an IllegalStateException: no data this time, maybe next time.
                console.println("run " + run + " failed, nothing published: " + e.getMessage());
            }
            if (maxRuns != null && run == maxRuns) {
                break;
            }
            long waitNanos = every.get().toNanos() - (System.nanoTime() - start);
            console.printf(Locale.ROOT, "next run in %s%n", ConsoleProgress.clock(Math.max(0, waitNanos)));
            console.flush();
            if (waitNanos > 0) {
                Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
            }
        }
        return 0;
    }

    /** Everything a run needs, validated: a bad option or configuration fails here, before any run. */
    TrainJob.Plan plan() throws IOException {
        // The same loader as 'run' (file < GRUSTREAMS_* environment < --set), so that both read one configuration.
        AppConfig cfg = AppConfig.load(config, env, set);
        Properties file = cfg.properties();
        StreamSettings settings = cfg.settings();
        String name = modelName;
        if (settings.modelName().isPresent()) {
            if (name != null && !name.equals(settings.modelName().get())) {
                throw new IllegalArgumentException("--model-name " + name + " is not gru.model.name "
                        + settings.modelName().get() + " of " + config + ": the stream would not serve it");
            }
            name = settings.modelName().get();
        }
        if (name == null) {
            name = "gru";
        }
        if (name.isBlank()) {
            throw new IllegalArgumentException("--model-name must not be blank");
        }
        Optional<Duration> win = window == null ? Optional.empty() : Optional.of(duration("--window", window));
        if (win.isPresent() && win.get().isZero()) {
            throw new IllegalArgumentException("--window must be positive");
        }
        if (input != null && !Files.exists(input)) {
            throw new IllegalArgumentException("--input " + input + ": no such file or directory");
        }
        if (championFile != null && !Files.isRegularFile(championFile)) {
            throw new IllegalArgumentException("--champion " + championFile + ": no such file");
        }
        Optional<Instant> effective;
        try {
            effective = effectiveFrom == null ? Optional.empty() : Optional.of(Instant.parse(effectiveFrom.trim()));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--effective-from '" + effectiveFrom
                    + "' is not an ISO-8601 instant such as 2026-12-01T00:00:00Z", e);
        }
        if (effective.isPresent() && effective.get().isBefore(Instant.EPOCH)) {
            throw new IllegalArgumentException("--effective-from must not be before 1970: " + effectiveFrom);
        }
        if (effective.isPresent() && every()) {
            throw new IllegalArgumentException("--effective-from is one instant; with --every use --lead");
        }
        return new TrainJob.Plan(file, settings, name, retrainConfig(settings), Optional.ofNullable(input), win, out,
                dryRun, Optional.ofNullable(championFile), effective, duration("--lead", lead), limits());
    }

    /** The sample's caps: the defaults of {@link SampleLimits#defaults()} with the options given. */
    SampleLimits limits() {
        if (maxKeys != null && maxKeys < 1) {
            throw new IllegalArgumentException("--max-keys must be positive: " + maxKeys);
        }
        if (maxEventsPerKey != null && maxEventsPerKey < 1) {
            throw new IllegalArgumentException("--max-events-per-key must be positive: " + maxEventsPerKey);
        }
        SampleLimits d = SampleLimits.defaults();
        return new SampleLimits(maxKeys != null ? maxKeys : d.maxKeys(),
                maxEventsPerKey != null ? maxEventsPerKey : d.maxEventsPerKey());
    }

    private boolean every() {
        return schedule != null && schedule.every != null;
    }

    /** The defaults of {@link RetrainConfig#defaults()} for the stream's settings, with the options given. */
    RetrainConfig retrainConfig(StreamSettings settings) {
        return training.apply(TrainingOptions.forStream(settings));
    }

    private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    /** An ISO-8601 duration (PT6H, P1D) or a number with a unit: 500ms, 90s, 15m, 6h, 1d. */
    static Duration duration(String option, String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        Duration d;
        Matcher m = SHORT.matcher(s);
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                d = switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            } else {
                d = Duration.parse(text.trim());
            }
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException(option + " '" + text + "' is not a duration such as PT24H, 24h, 90m or 1d",
                    e);
        }
        if (d.isNegative()) {
            throw new IllegalArgumentException(option + " must not be negative: " + text);
        }
        return d;
    }
}
