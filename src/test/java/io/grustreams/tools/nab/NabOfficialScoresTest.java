package io.grustreams.tools.nab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The scorer against the official NAB results shipped with the corpus: the per-row output of
 * the numenta (HTM) detector, the per-file score tables, and {@code final_results.json}.
 */
class NabOfficialScoresTest {

    private static NabCorpus corpus;
    private static NabScorer scorer;
    private static List<NabProfile> profiles;
    private static NabResults numenta;
    private static JsonNode finalResults;

    @BeforeAll
    static void load() throws IOException {
        Path nab = NabFixtures.nabDir();
        corpus = NabFixtures.corpus();
        scorer = new NabScorer(corpus);
        profiles = NabProfile.load(nab.resolve(NabProfile.PROFILES_FILE));
        numenta = NabResults.load(nab.resolve("results/numenta"), corpus);
        finalResults = new ObjectMapper().readTree(nab.resolve("results/final_results.json").toFile());
    }

    @Test
    void shouldLoadTheWholeCorpus() {
        assertEquals(58, corpus.files().size());
        assertEquals(365_558, corpus.rowCount());
        assertEquals(116, corpus.windowCount());
    }

    /**
     * The published numenta scores (70.10 / 63.12 / 74.32) were optimized with NAB 1.0's
     * hill-climb, which this reproduces on all three profiles.
     */
    @Test
    void shouldReproduceOfficialNumentaScoresWithNab10HillClimb() {
        for (NabScore s : scorer.optimize(numenta, profiles, ThresholdSearch.HILL_CLIMB)) {
            double official = finalResults.get("numenta").get(s.profile()).asDouble();
            assertEquals(official, s.normalizedScore(), 0.01, s.profile());
            assertEquals(officialTotal("numenta", s.profile()), s.rawScore(), 1e-6, s.profile());
        }
    }

    /**
     * The sweep (today's official optimizer) finds the published threshold's detections on the
     * standard and low-FN profiles; on low-FP it finds a better threshold than the hill-climb did.
     */
    @Test
    void shouldReachOrBeatOfficialNumentaScoresWithSweep() {
        List<NabScore> swept = scorer.optimize(numenta, profiles, ThresholdSearch.SWEEP);
        List<NabScore> climbed = scorer.optimize(numenta, profiles, ThresholdSearch.HILL_CLIMB);
        double[] numentaScores = new double[corpus.rowCount()];
        for (int f = 0; f < corpus.files().size(); f++) {
            double[] s = numenta.scores(corpus.files().get(f).relativePath());
            System.arraycopy(s, 0, numentaScores, corpus.offset(f), s.length);
        }
        Arrays.sort(numentaScores);
        for (int p = 0; p < profiles.size(); p++) {
            NabScore s = swept.get(p);
            double official = finalResults.get("numenta").get(s.profile()).asDouble();
            assertTrue(s.rawScore() >= climbed.get(p).rawScore() - 1e-9, s.profile());
            assertTrue(Arrays.binarySearch(numentaScores, s.threshold()) >= 0,
                    s.profile() + ": sweep threshold " + s.threshold() + " is not one of the scores");
            if (s.profile().equals("reward_low_FP_rate")) {
                assertTrue(s.normalizedScore() > official + 0.05, s.profile() + " " + s.normalizedScore());
            } else {
                assertEquals(official, s.normalizedScore(), 0.01, s.profile());
            }
        }
    }

    /** Each file's score and counts at the published thresholds match the official score tables. */
    @Test
    void shouldMatchOfficialPerFileScoresAtPublishedThresholds() throws IOException {
        for (NabProfile profile : profiles) {
            Map<String, String[]> official = scoreTable("numenta", profile.name());
            double threshold = Double.parseDouble(official.values().iterator().next()[3]);
            NabScore s = scorer.scoreAt(numenta, profile, threshold);
            assertFileRowsMatch(official, s);
        }
    }

    /** The official null detector (constant 0.5) at its threshold 0.6, file by file; and it normalizes to 0. */
    @Test
    void shouldReproduceNullDetector() throws IOException {
        NabResults half = constant("null", 0.5);
        for (NabProfile profile : profiles) {
            assertFileRowsMatch(scoreTable("null", profile.name()), scorer.scoreAt(half, profile, 0.6));
        }
        NabResults zeros = constant("zeros", 0.0);
        for (ThresholdSearch search : ThresholdSearch.values()) {
            for (NabScore s : scorer.optimize(zeros, profiles, search)) {
                assertEquals(0.0, s.normalizedScore(), 1e-12, s.profile() + " " + search);
                assertEquals(officialTotal("null", s.profile()), s.rawScore(), 1e-12);
                assertEquals(0, s.windowsDetected());
            }
        }
    }

    /** Score 1 on the first row of every window and 0 elsewhere is the perfect detector: 100. */
    @Test
    void shouldScorePerfectDetectorHundred() {
        Map<String, double[]> scores = new LinkedHashMap<>();
        for (NabDataFile f : corpus.files()) {
            double[] s = new double[f.rowCount()];
            for (NabWindow w : f.windows()) {
                s[w.firstRow()] = 1.0;
            }
            scores.put(f.relativePath(), s);
        }
        NabResults perfect = NabResults.of("perfect", corpus, scores);
        for (ThresholdSearch search : ThresholdSearch.values()) {
            for (NabScore s : scorer.optimize(perfect, profiles, search)) {
                assertEquals(100.0, s.normalizedScore(), 1e-9, s.profile() + " " + search);
                assertEquals(116, s.windowsDetected());
                assertEquals(0, s.fp());
            }
        }
    }

    /** Our labels are NAB's: the label column of the official numenta results files. */
    @Test
    void shouldLabelRowsLikeOfficialResultsFiles() throws IOException {
        for (NabDataFile f : corpus.files()) {
            Path path = NabFixtures.nabDir().resolve("results/numenta").resolve(f.category())
                    .resolve("numenta_" + f.fileName());
            try (BufferedReader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
                List<String> header = Arrays.asList(in.readLine().split(","));
                int col = header.indexOf("label");
                for (int i = 0; i < f.rowCount(); i++) {
                    String[] cells = in.readLine().split(",");
                    assertEquals(Integer.parseInt(cells[col]), f.label(i), f.relativePath() + " row " + (i + 1));
                }
            }
        }
    }

    private static void assertFileRowsMatch(Map<String, String[]> official, NabScore s) {
        assertEquals(official.size(), s.files().size(), s.detector() + " " + s.profile());
        for (FileScore f : s.files()) {
            String[] row = official.get(f.relativePath());
            String what = s.detector() + " " + s.profile() + " " + f.relativePath();
            assertEquals(Double.parseDouble(row[4]), f.score(), 1e-9, what);
            assertEquals(Integer.parseInt(row[5]), f.tp(), what + " TP");
            assertEquals(Integer.parseInt(row[6]), f.tn(), what + " TN");
            assertEquals(Integer.parseInt(row[7]), f.fp(), what + " FP");
            assertEquals(Integer.parseInt(row[8]), f.fn(), what + " FN");
        }
    }

    private static NabResults constant(String name, double value) {
        Map<String, double[]> scores = new HashMap<>();
        for (NabDataFile f : corpus.files()) {
            double[] s = new double[f.rowCount()];
            Arrays.fill(s, value);
            scores.put(f.relativePath(), s);
        }
        return NabResults.of(name, corpus, scores);
    }

    /** Rows of {@code results/<detector>/<detector>_<profile>_scores.csv} by file, without the Totals row. */
    private static Map<String, String[]> scoreTable(String detector, String profile) throws IOException {
        Path path = NabFixtures.nabDir().resolve("results").resolve(detector)
                .resolve(detector + "_" + profile + "_scores.csv");
        Map<String, String[]> rows = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",");
            if (!line.isBlank() && !cells[0].equals("Totals")) {
                rows.put(cells[2], cells);
            }
        }
        return rows;
    }

    private static double officialTotal(String detector, String profile) {
        Path path = NabFixtures.nabDir().resolve("results").resolve(detector)
                .resolve(detector + "_" + profile + "_scores.csv");
        try {
            List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
            String[] totals = lines.get(lines.size() - 1).split(",");
            assertEquals("Totals", totals[0], path.toString());
            return Double.parseDouble(totals[4]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
