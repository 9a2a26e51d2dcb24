package io.grustreams.tools.nab;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grustreams.tools.nab.FileScore;
import io.grustreams.tools.nab.NabCorpus;
import io.grustreams.tools.nab.NabProfile;
import io.grustreams.tools.nab.NabResults;
import io.grustreams.tools.nab.NabScore;
import io.grustreams.tools.nab.NabScorer;
import io.grustreams.tools.nab.ThresholdSearch;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nab score}: scores a detector's NAB results directory on each profile, as the official
 * NAB runner does (optimize one threshold per profile, score, normalize), and prints one line
 * per profile.
 */
@Command(name = "score",
        mixinStandardHelpOptions = true,
        description = {
            "Score a detector's results on the Numenta Anomaly Benchmark, one line per profile:",
            "normalized score (0 = never fires, 100 = perfect), threshold, raw score, row counts."})
public final class NabScoreCommand implements Callable<Integer> {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Option(names = "--nab-dir", required = true, paramLabel = "DIR",
            description = "NAB directory with data/, labels/combined_windows.json and config/profiles.json.")
    Path nabDir;

    @Option(names = "--results", required = true, paramLabel = "DIR",
            description = "The detector's results directory RESULTS_DIR/<detector>, holding "
                    + "<category>/<detector>_<file>.csv with a timestamp and an anomaly_score column.")
    Path results;

    @Option(names = "--profile", split = ",", paramLabel = "NAME",
            description = "Profiles to score (repeatable or comma separated). Default: all of config/profiles.json.")
    List<String> profileNames = new ArrayList<>();

    @Option(names = "--optimizer", paramLabel = "sweep|hill-climb", defaultValue = "sweep",
            converter = SearchConverter.class,
            description = "How the corpus-wide threshold is chosen: sweep (every distinct score, the true "
                    + "maximum, as NAB's sweeper) or hill-climb (NAB 1.0's optimizer, which produced the "
                    + "published scores of the older detectors). Default: ${DEFAULT-VALUE}.")
    ThresholdSearch search;

    @Option(names = "--threshold", paramLabel = "T",
            description = "Score at this threshold instead of optimizing one.")
    Double threshold;

    @Option(names = "--json", description = "Print one JSON object per line.")
    boolean json;

    @Option(names = "--per-file",
            description = "After each profile, one line per data file at that profile's threshold: the file's raw "
                    + "score, windows detected and false-positive rows (with --json, a files array), to see where "
                    + "points are lost.")
    boolean perFile;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        List<NabProfile> all = NabProfile.load(nabDir.resolve(NabProfile.PROFILES_FILE));
        List<NabProfile> profiles = new ArrayList<>();
        if (profileNames.isEmpty()) {
            profiles.addAll(all);
        } else {
            for (String name : profileNames) {
                profiles.add(NabProfile.named(all, name));
            }
        }
        NabCorpus corpus = NabCorpus.load(nabDir);
        NabResults detector = NabResults.load(results, corpus);
        NabScorer scorer = new NabScorer(corpus);
        List<NabScore> scores = new ArrayList<>();
        if (threshold != null) {
            for (NabProfile p : profiles) {
                scores.add(scorer.scoreAt(detector, p, threshold));
            }
        } else {
            scores.addAll(scorer.optimize(detector, profiles, search));
        }
        PrintWriter out = spec.commandLine().getOut();
        for (NabScore s : scores) {
            if (json) {
                out.println(jsonLine(s, perFile));
                continue;
            }
            out.println(textLine(s));
            if (perFile) {
                for (FileScore f : s.files()) {
                    out.println(fileLine(f));
                }
            }
        }
        out.flush();
        return 0;
    }

    /** One line: profile, normalized score, threshold, raw score, counts, windows detected. */
    static String textLine(NabScore s) {
        return String.format(Locale.ROOT,
                "%-20s score %7.2f  threshold %.12g (%s)  raw %.4f  TP %d  FP %d  FN %d  TN %d  windows %d/%d",
                s.profile(), s.normalizedScore(), s.threshold(), s.thresholdSource(), s.rawScore(),
                s.tp(), s.fp(), s.fn(), s.tn(), s.windowsDetected(), s.windows());
    }

    /**
     * One indented line per file: raw score (best detection per window, −A_fn per missed window, FP
     * costs), windows detected, and detected rows outside (FP) and inside (TP) windows.
     */
    static String fileLine(FileScore f) {
        return String.format(Locale.ROOT, "  %-58s raw %7.3f  windows %d/%d  FP %d  TP %d", f.relativePath(), f.score(),
                f.windowsDetected(), f.windows(), f.fp(), f.tp());
    }

    /**
     * One JSON object with the fields of {@link NabScore} and the normalized score; with
     * {@code perFile}, a {@code files} array of the {@link FileScore} fields.
     */
    static String jsonLine(NabScore s, boolean perFile) throws JsonProcessingException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("detector", s.detector());
        m.put("profile", s.profile());
        m.put("normalizedScore", s.normalizedScore());
        m.put("threshold", s.threshold());
        m.put("thresholdSource", s.thresholdSource());
        m.put("rawScore", s.rawScore());
        m.put("nullScore", s.nullScore());
        m.put("perfectScore", s.perfectScore());
        m.put("tp", s.tp());
        m.put("fp", s.fp());
        m.put("fn", s.fn());
        m.put("tn", s.tn());
        m.put("windowsDetected", s.windowsDetected());
        m.put("windows", s.windows());
        if (perFile) {
            List<Map<String, Object>> files = new ArrayList<>();
            for (FileScore f : s.files()) {
                Map<String, Object> fm = new LinkedHashMap<>();
                fm.put("file", f.relativePath());
                fm.put("rawScore", f.score());
                fm.put("windowsDetected", f.windowsDetected());
                fm.put("windows", f.windows());
                fm.put("tp", f.tp());
                fm.put("fp", f.fp());
                fm.put("fn", f.fn());
                fm.put("tn", f.tn());
                files.add(fm);
            }
            m.put("files", files);
        }
        return MAPPER.writeValueAsString(m);
    }

    /** Parses {@code sweep} / {@code hill-climb}. */
    static final class SearchConverter implements CommandLine.ITypeConverter<ThresholdSearch> {
        @Override
        public ThresholdSearch convert(String value) {
            try {
                return ThresholdSearch.fromCliName(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
