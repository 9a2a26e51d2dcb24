package io.grustreams.tools.nab;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.grustreams.tools.nab.FileChange;
import io.grustreams.tools.nab.FileScore;
import io.grustreams.tools.nab.NabCorpus;
import io.grustreams.tools.nab.NabProfile;
import io.grustreams.tools.nab.NabResults;
import io.grustreams.tools.nab.NabScore;
import io.grustreams.tools.nab.NabScorer;
import io.grustreams.tools.nab.NabWindow;
import io.grustreams.tools.nab.ThresholdSearch;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.format.DateTimeFormatter;
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
    private static final DateTimeFormatter WINDOW_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

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

    @Option(names = "--baseline", paramLabel = "DIR",
            description = {"Compare with another results directory of the same corpus, each scored at its own "
                    + "threshold: per profile, the score before and after, then one line per file that changed: "
                    + "its raw score before and after, the windows gained (detected now, missed before) and lost, "
                    + "and the false-positive rows added and removed (with --json, a baseline object and a "
                    + "changes array)."})
    Path baseline;

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
        List<NabScore> scores = score(scorer, detector, profiles);
        NabResults before = baseline == null ? null : NabResults.load(baseline, corpus);
        List<NabScore> beforeScores = before == null ? null : score(scorer, before, profiles);
        PrintWriter out = spec.commandLine().getOut();
        for (int i = 0; i < scores.size(); i++) {
            NabScore s = scores.get(i);
            List<FileChange> changes = before == null ? null
                    : scorer.compare(before, beforeScores.get(i), detector, s);
            if (json) {
                Map<String, Object> m = jsonFields(s, perFile);
                if (changes != null) {
                    m.put("baseline", jsonFields(beforeScores.get(i), false));
                    m.put("changes", jsonChanges(changes));
                }
                out.println(MAPPER.writeValueAsString(m));
                continue;
            }
            if (changes != null) {
                out.println(comparisonLine(beforeScores.get(i), s));
            } else {
                out.println(textLine(s));
            }
            if (perFile && changes == null) {
                for (FileScore f : s.files()) {
                    out.println(fileLine(f));
                }
            }
            if (changes != null) {
                for (FileChange c : changes) {
                    if (c.changed()) {
                        out.println(changeLine(c));
                    }
                }
            }
        }
        out.flush();
        return 0;
    }

    private List<NabScore> score(NabScorer scorer, NabResults results, List<NabProfile> profiles) {
        if (threshold == null) {
            return scorer.optimize(results, profiles, search);
        }
        List<NabScore> scores = new ArrayList<>();
        for (NabProfile p : profiles) {
            scores.add(scorer.scoreAt(results, p, threshold));
        }
        return scores;
    }

    /** One line: profile, normalized score before and after, windows detected and false positives before and after. */
    static String comparisonLine(NabScore before, NabScore after) {
        return String.format(Locale.ROOT,
                "%-20s score %7.2f -> %7.2f (%+.2f)  windows %d -> %d of %d  FP %d -> %d  threshold %.6g -> %.6g",
                after.profile(), before.normalizedScore(), after.normalizedScore(),
                after.normalizedScore() - before.normalizedScore(), before.windowsDetected(), after.windowsDetected(),
                after.windows(), before.fp(), after.fp(), before.threshold(), after.threshold());
    }

    /**
     * One indented line per changed file: raw score before and after, the windows gained and lost
     * (by their first and last timestamps), and the false-positive rows added and removed.
     */
    static String changeLine(FileChange c) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "  %-58s raw %7.3f -> %7.3f (%+.3f)  FP %d -> %d (+%d -%d)",
                c.relativePath(), c.scoreBefore(), c.scoreAfter(), c.delta(), c.fpBefore(), c.fpAfter(), c.fpAdded(),
                c.fpRemoved()));
        appendWindows(sb, "  gained", c.gained());
        appendWindows(sb, "  lost", c.lost());
        return sb.toString();
    }

    private static void appendWindows(StringBuilder sb, String label, List<NabWindow> windows) {
        if (windows.isEmpty()) {
            return;
        }
        sb.append(label);
        for (NabWindow w : windows) {
            sb.append(' ').append(windowText(w));
        }
    }

    /** {@code [first timestamp .. last timestamp]} of a window. */
    static String windowText(NabWindow w) {
        return "[" + WINDOW_TIME.format(w.start()) + " .. " + WINDOW_TIME.format(w.end()) + "]";
    }

    private static List<Map<String, Object>> jsonChanges(List<FileChange> changes) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (FileChange c : changes) {
            if (!c.changed()) {
                continue;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("file", c.relativePath());
            m.put("rawScoreBefore", c.scoreBefore());
            m.put("rawScoreAfter", c.scoreAfter());
            m.put("gained", c.gained().stream().map(NabScoreCommand::windowText).toList());
            m.put("lost", c.lost().stream().map(NabScoreCommand::windowText).toList());
            m.put("fpBefore", c.fpBefore());
            m.put("fpAfter", c.fpAfter());
            m.put("fpAdded", c.fpAdded());
            m.put("fpRemoved", c.fpRemoved());
            list.add(m);
        }
        return list;
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
    private static Map<String, Object> jsonFields(NabScore s, boolean perFile) {
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
        return m;
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
