package io.grustreams.tools.bench;

import io.grustreams.tools.nab.NabCorpus;
import io.grustreams.tools.nab.NabProfile;
import io.grustreams.tools.nab.NabResults;
import io.grustreams.tools.nab.NabScorer;
import io.grustreams.tools.nab.ThresholdSearch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench nab-score}: how long scoring a detector's NAB results takes, split into reading
 * (corpus and results files) and optimizing (one threshold per profile, then per-file scores).
 * Prints one JSON line per phase, per row of the corpus.
 */
@Command(name = "nab-score", mixinStandardHelpOptions = true,
        description = "Time reading and scoring a detector's NAB results (all profiles).")
public final class NabScoreBench implements Callable<Integer> {

    @Option(names = "--nab-dir", required = true, paramLabel = "DIR", description = "The NAB directory.")
    Path nabDir;

    @Option(names = "--results", required = true, paramLabel = "DIR",
            description = "A detector's results directory RESULTS_DIR/<detector>.")
    Path results;

    @Option(names = "--optimizer", defaultValue = "sweep", paramLabel = "sweep|hill-climb",
            description = "Threshold search to time. Default: ${DEFAULT-VALUE}.")
    String optimizer;

    @Option(names = "--warmup", defaultValue = "2", description = "Warm-up rounds. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--rounds", defaultValue = "5", description = "Measured rounds. Default: ${DEFAULT-VALUE}.")
    int rounds;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ThresholdSearch search = ThresholdSearch.fromCliName(optimizer);
        List<NabProfile> profiles = NabProfile.load(nabDir.resolve(NabProfile.PROFILES_FILE));
        BenchHarness harness = new BenchHarness(warmup, rounds);
        NabCorpus[] corpus = new NabCorpus[1];
        NabResults[] detector = new NabResults[1];
        BenchHarness.Result read = harness.measure(() -> {
            try {
                corpus[0] = NabCorpus.load(nabDir);
                detector[0] = NabResults.load(results, corpus[0]);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return corpus[0].rowCount();
        });
        NabScorer scorer = new NabScorer(corpus[0]);
        BenchHarness.Result score = harness.measure(() -> {
            scorer.optimize(detector[0], profiles, search);
            return corpus[0].rowCount();
        });
        report("read corpus and results", read, corpus[0], search, profiles.size());
        report("optimize and score", score, corpus[0], search, profiles.size());
        return 0;
    }

    private void report(String phase, BenchHarness.Result r, NabCorpus corpus, ThresholdSearch search, int profiles) {
        Map<String, Object> f = BenchHarness.fields();
        f.put("bench", "nab-score");
        f.put("phase", phase);
        f.put("optimizer", search.cliName());
        f.put("profiles", profiles);
        f.put("rows", corpus.rowCount());
        f.put("medianMs", r.medianNsPerOp() * corpus.rowCount() / 1e6);
        f.put("minMs", r.minNsPerOp() * corpus.rowCount() / 1e6);
        f.put("maxMs", r.maxNsPerOp() * corpus.rowCount() / 1e6);
        f.put("nsPerRow", r.medianNsPerOp());
        f.put("rounds", r.rounds());
        f.put("machine", BenchHarness.machine());
        spec.commandLine().getOut().println(BenchHarness.jsonLine(f));
        spec.commandLine().getOut().flush();
    }
}
