package io.grustreams.tools.nab;

import io.grustreams.app.backtest.BacktestConfig;
import io.grustreams.app.cli.SettingsOptions;
import io.grustreams.app.train.TrainingOptions;
import io.grustreams.stream.StreamSettings;
import io.grustreams.tools.nab.NabCorpus;
import io.grustreams.tools.nab.NabDataFile;
import io.grustreams.tools.nab.NabDetection;
import io.grustreams.tools.nab.NabProfile;
import io.grustreams.tools.nab.NabResults;
import io.grustreams.tools.nab.NabResultsWriter;
import io.grustreams.tools.nab.NabScore;
import io.grustreams.tools.nab.NabScorer;
import io.grustreams.tools.nab.ThresholdSearch;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gru-streams nab ...}: the Numenta Anomaly Benchmark. With {@code --nab-dir} and
 * {@code --out}, runs every data file through the backtest path ({@link NabDetection}), writes
 * NAB-format results under {@code OUT/grustreams/} and prints the three profiles' scores; without
 * them, prints usage. Subcommand {@code score} scores an existing results directory.
 */
@Command(name = "nab",
        mixinStandardHelpOptions = true,
        description = {"The Numenta Anomaly Benchmark.",
            "With --nab-dir and --out: detect on all data files (backtest path), write",
            "OUT/grustreams/<category>/grustreams_<file>.csv and print the score of each profile."},
        subcommands = {NabScoreCommand.class})
public final class NabCommand implements Callable<Integer> {

    /** The detector name in results paths (NAB splits file names on underscores). */
    public static final String DETECTOR = "grustreams";

    @Option(names = "--nab-dir", paramLabel = "DIR",
            description = "NAB directory with data/, labels/combined_windows.json and config/profiles.json.")
    Path nabDir;

    @Option(names = "--out", paramLabel = "RESULTS_DIR", description = "Where to write the results.")
    Path out;

    @Option(names = "--protocol", defaultValue = "standard", paramLabel = "standard|strict|both",
            description = {"What a detector knows of a file before its rows: standard (NAB's rules: the file's",
                "min and max, as NAB hands every detector inputMin/inputMax), strict (nothing), or both",
                "(results under OUT/standard and OUT/strict). Default: ${DEFAULT-VALUE}."})
    String protocol;

    @Option(names = "--jobs", defaultValue = "2", description = "Files replayed at once (each trains on one thread). "
            + "Default: ${DEFAULT-VALUE}.")
    int jobs;

    @Option(names = "--retrain-every", defaultValue = "1000",
            description = "Events between retrainings after the first model (0: never). Default: ${DEFAULT-VALUE}.")
    int retrainEvery;

    @CommandLine.Mixin
    SettingsOptions settingsOptions = new SettingsOptions();

    @CommandLine.Mixin
    TrainingOptions training = new TrainingOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter pw = spec.commandLine().getOut();
        if (nabDir == null && out == null) {
            spec.commandLine().usage(pw);
            return 0;
        }
        if (nabDir == null || out == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "detection needs both --nab-dir and --out");
        }
        List<NabDetection.Protocol> protocols;
        try {
            protocols = protocol.equals("both") ? List.of(NabDetection.Protocol.STANDARD, NabDetection.Protocol.STRICT)
                    : List.of(NabDetection.Protocol.fromId(protocol));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--protocol: unknown '" + protocol
                    + "' (known: standard, strict, both)");
        }
        long start = System.nanoTime();
        NabCorpus corpus = NabCorpus.load(nabDir);
        List<NabProfile> profiles = NabProfile.load(nabDir.resolve(NabProfile.PROFILES_FILE));
        StreamSettings settings = settingsOptions.settings(Map.of(StreamSettings.FEATURES, "value"));
        BacktestConfig config = BacktestConfig.defaults(settings.engine()).withRetrainEvery(retrainEvery);
        config = config.withRetrain(training.apply(config.retrain()));
        List<String> summary = new ArrayList<>();
        for (NabDetection.Protocol p : protocols) {
            long t0 = System.nanoTime();
            Path dir = protocols.size() == 1 ? out : out.resolve(p.id());
            pw.printf("protocol %s: detecting on %d files (%d rows), %d at once%n", p.id(), corpus.files().size(),
                    corpus.rowCount(), jobs);
            pw.flush();
            Map<String, double[]> scores = new NabDetection(config, jobs, p).run(corpus, line -> {
                pw.println(line);
                pw.flush();
            });
            for (NabDataFile f : corpus.files()) {
                NabResultsWriter.write(dir, DETECTOR, f, scores.get(f.relativePath()));
            }
            double detectSeconds = (System.nanoTime() - t0) / 1e9;
            NabResults results = NabResults.of(DETECTOR, corpus, scores);
            List<NabScore> scored = new NabScorer(corpus).optimize(results, profiles, ThresholdSearch.SWEEP);
            for (NabScore s : scored) {
                pw.println(NabScoreCommand.textLine(s));
            }
            summary.add(String.format(Locale.ROOT, "%-9s %s", p.id(), scored.stream()
                    .map(s -> String.format(Locale.ROOT, "%s %.2f", s.profile(), s.normalizedScore()))
                    .collect(Collectors.joining("  "))));
            pw.printf("protocol %s: results in %s; detection %.0f s, with scoring %.0f s%n", p.id(),
                    dir.resolve(DETECTOR), detectSeconds, (System.nanoTime() - t0) / 1e9);
            pw.flush();
        }
        if (protocols.size() > 1) {
            summary.forEach(pw::println);
        }
        pw.printf("total %.0f s%n", (System.nanoTime() - start) / 1e9);
        pw.flush();
        return 0;
    }
}
