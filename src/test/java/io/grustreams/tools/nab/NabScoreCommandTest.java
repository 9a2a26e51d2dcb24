package io.grustreams.tools.nab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grustreams.app.CommandRun;
import io.grustreams.tools.nab.NabCorpus;
import io.grustreams.tools.nab.NabDataFile;
import io.grustreams.tools.nab.NabFixtures;
import io.grustreams.tools.nab.NabResultsWriter;
import io.grustreams.tools.nab.NabWindow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NabScoreCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** A two-file NAB directory; the detector fires on the first row of each window only. */
    @Test
    void shouldPrintOneJsonLinePerProfileWithPerfectScore() throws IOException {
        Path results = writeSmallNab(true);

        CommandRun run = run("--nab-dir", tmp.toString(), "--results", results.toString(), "--json");

        assertEquals(0, run.exit(), run.err());
        List<JsonNode> lines = jsonLines(run.out());
        assertEquals(List.of("standard", "reward_low_FN_rate"), lines.stream().map(j -> j.get("profile").asText()).toList());
        for (JsonNode j : lines) {
            assertEquals(100.0, j.get("normalizedScore").asDouble(), 1e-9);
            assertEquals("perfect", j.get("detector").asText());
            assertEquals("sweep", j.get("thresholdSource").asText());
            assertEquals(1.0, j.get("threshold").asDouble(), 0.0);
            assertEquals(3, j.get("windowsDetected").asInt());
            assertEquals(3, j.get("windows").asInt());
            assertEquals(0, j.get("fp").asInt());
        }
    }

    @Test
    void shouldPrintTextLinePerRequestedProfile() throws IOException {
        Path results = writeSmallNab(false);

        CommandRun run = run("--nab-dir", tmp.toString(), "--results", results.toString(), "--profile", "reward_low_FN_rate",
                "--optimizer", "hill-climb");

        assertEquals(0, run.exit(), run.err());
        String[] lines = run.out().strip().split("\n");
        assertEquals(1, lines.length, run.out());
        assertTrue(lines[0].startsWith("reward_low_FN_rate"), lines[0]);
        assertTrue(lines[0].contains("score    0.00"), lines[0]);
        assertTrue(lines[0].contains("(hill-climb)"), lines[0]);
        assertTrue(lines[0].contains("windows 0/3"), lines[0]);
    }

    /** File a: both windows hit at their first row; file b: its window missed and one false positive. */
    @Test
    void shouldPrintEachFilesScoreWindowsAndFalsePositivesAtTheProfileThreshold() throws IOException {
        Path results = writeSmallNab(true);
        missWindowWithFalsePositive(results);

        CommandRun run = run("--nab-dir", tmp.toString(), "--results", results.toString(), "--profile", "standard",
                "--threshold", "0.5", "--per-file");

        assertEquals(0, run.exit(), run.err());
        String[] lines = run.out().strip().split("\n");
        assertEquals(3, lines.length, run.out());
        assertTrue(lines[0].startsWith("standard"), lines[0]);
        // Two windows at their left edge (1 each, S(-1)/S(-1)); the miss costs -A_fn = -1 and the
        // false positive, before b's only window, -A_fp = -0.11.
        assertTrue(lines[1].matches("  realA/a\\.csv +raw +2\\.000  windows 2/2  FP 0  TP 2"), lines[1]);
        assertTrue(lines[2].matches("  realB/b\\.csv +raw +-1\\.110  windows 0/1  FP 1  TP 0"), lines[2]);
    }

    @Test
    void shouldAddFilesArrayToJsonOnlyWithPerFile() throws IOException {
        Path results = writeSmallNab(true);
        missWindowWithFalsePositive(results);

        JsonNode with = jsonLines(run("--nab-dir", tmp.toString(), "--results", results.toString(), "--profile",
                "standard", "--threshold", "0.5", "--json", "--per-file").out()).get(0);
        JsonNode without = jsonLines(run("--nab-dir", tmp.toString(), "--results", results.toString(), "--profile",
                "standard", "--threshold", "0.5", "--json").out()).get(0);

        assertTrue(without.get("files") == null, without.toString());
        JsonNode files = with.get("files");
        assertEquals(2, files.size());
        assertEquals("realB/b.csv", files.get(1).get("file").asText());
        assertEquals(-1.11, files.get(1).get("rawScore").asDouble(), 1e-9);
        assertEquals(0, files.get(1).get("windowsDetected").asInt());
        assertEquals(1, files.get(1).get("fp").asInt());
        assertEquals(with.get("rawScore").asDouble(),
                files.get(0).get("rawScore").asDouble() + files.get(1).get("rawScore").asDouble(), 1e-9);
    }

    /**
     * The baseline detects every window; the new results (under another detector name) miss b's
     * window and fire at b's row 50: b's line names the lost window and the added false positive,
     * a's unchanged line is left out.
     */
    @Test
    void shouldPrintWindowsLostAndFalsePositivesAddedAgainstBaseline() throws IOException {
        Path baseline = writeSmallNab(true);
        NabDataFile b = NabFixtures.file("realB/b.csv", 120, new int[] {90, 99});
        NabDataFile a = NabFixtures.file("realA/a.csv", 200, new int[] {60, 79}, new int[] {150, 159});
        double[] bScores = new double[b.rowCount()];
        bScores[50] = 1.0;
        double[] aScores = new double[a.rowCount()];
        aScores[60] = 1.0;
        aScores[150] = 1.0;
        NabResultsWriter.write(tmp.resolve("results"), "changed", a, aScores);
        NabResultsWriter.write(tmp.resolve("results"), "changed", b, bScores);

        CommandRun run = run("--nab-dir", tmp.toString(), "--results", tmp.resolve("results/changed").toString(),
                "--baseline", baseline.toString(), "--profile", "standard", "--threshold", "0.5", "--per-file");

        assertEquals(0, run.exit(), run.err());
        String[] lines = run.out().strip().split("\n");
        assertEquals(2, lines.length, run.out());
        assertTrue(lines[0].matches("standard +score +100\\.00 -> +\\d+\\.\\d\\d \\(-\\d+\\.\\d\\d\\)  windows 3 -> 2 of 3"
                + "  FP 0 -> 1 .*"), lines[0]);
        assertTrue(lines[1].matches("  realB/b\\.csv +raw +1\\.000 -> +-1\\.110 \\(-2\\.110\\)  FP 0 -> 1 \\(\\+1 -0\\)"
                + "  lost \\[" + NabFixtures.timestamp(90) + " \\.\\. " + NabFixtures.timestamp(99) + "\\]"), lines[1]);

        JsonNode j = jsonLines(run("--nab-dir", tmp.toString(), "--results", tmp.resolve("results/changed").toString(),
                "--baseline", baseline.toString(), "--profile", "standard", "--threshold", "0.5", "--json").out()).get(0);
        assertEquals(100.0, j.get("baseline").get("normalizedScore").asDouble(), 1e-9);
        assertEquals(1, j.get("changes").size());
        assertEquals("realB/b.csv", j.get("changes").get(0).get("file").asText());
        assertEquals(1, j.get("changes").get(0).get("lost").size());
        assertEquals(1, j.get("changes").get(0).get("fpAdded").asInt());
    }

    @Test
    void shouldFailNamingTheMissingResultsFile() throws IOException {
        Path results = writeSmallNab(true);
        Files.delete(results.resolve("realB/perfect_b.csv"));

        CommandRun run = run("--nab-dir", tmp.toString(), "--results", results.toString());

        assertNotEquals(0, run.exit());
        assertTrue(run.err().contains("perfect_b.csv"), run.err());
    }

    /** End to end on the real corpus: the published numenta scores with NAB 1.0's optimizer. */
    @Test
    void shouldReproducePublishedNumentaScoresFromCommandLine() throws IOException {
        Path nab = NabFixtures.nabDir();
        JsonNode official = JSON.readTree(nab.resolve("results/final_results.json").toFile()).get("numenta");

        CommandRun run = run("--nab-dir", nab.toString(), "--results", nab.resolve("results/numenta").toString(),
                "--optimizer", "hill-climb", "--json");

        assertEquals(0, run.exit(), run.err());
        List<JsonNode> lines = jsonLines(run.out());
        assertEquals(3, lines.size(), run.out());
        for (JsonNode j : lines) {
            String profile = j.get("profile").asText();
            assertEquals(official.get(profile).asDouble(), j.get("normalizedScore").asDouble(), 0.01, profile);
        }
    }

    /** Rewrites file b's results: nothing in its window (rows 90-99), a detection at row 50 (after probation). */
    private void missWindowWithFalsePositive(Path results) throws IOException {
        NabDataFile b = NabFixtures.file("realB/b.csv", 120, new int[] {90, 99});
        double[] scores = new double[b.rowCount()];
        scores[50] = 1.0;
        NabResultsWriter.write(tmp.resolve("results"), "perfect", b, scores);
    }

    private Path writeSmallNab(boolean perfect) throws IOException {
        NabDataFile a = NabFixtures.file("realA/a.csv", 200, new int[] {60, 79}, new int[] {150, 159});
        NabDataFile b = NabFixtures.file("realB/b.csv", 120, new int[] {90, 99});
        NabCorpus corpus = NabCorpus.of(List.of(a, b));
        StringBuilder windows = new StringBuilder("{");
        for (NabDataFile f : corpus.files()) {
            List<String> pairs = new ArrayList<>();
            for (NabWindow w : f.windows()) {
                pairs.add("[\"" + f.timestampText(w.firstRow()) + ".000000\", \"" + f.timestampText(w.lastRow())
                        + ".000000\"]");
            }
            windows.append(windows.length() > 1 ? ", " : "").append('"').append(f.relativePath()).append("\": [")
                    .append(String.join(", ", pairs)).append(']');
            Path data = tmp.resolve("data").resolve(f.relativePath());
            Files.createDirectories(data.getParent());
            StringBuilder csv = new StringBuilder("timestamp,value\n");
            for (int i = 0; i < f.rowCount(); i++) {
                csv.append(f.timestampText(i)).append(',').append(f.valueText(i)).append('\n');
            }
            Files.writeString(data, csv);
            double[] scores = new double[f.rowCount()];
            if (perfect) {
                for (NabWindow w : f.windows()) {
                    scores[w.firstRow()] = 1.0;
                }
            }
            NabResultsWriter.write(tmp.resolve("results"), "perfect", f, scores);
        }
        Files.createDirectories(tmp.resolve("labels"));
        Files.writeString(tmp.resolve("labels/combined_windows.json"), windows.append('}'));
        Files.createDirectories(tmp.resolve("config"));
        Files.writeString(tmp.resolve("config/profiles.json"), """
                {"standard": {"CostMatrix": {"tpWeight": 1.0, "fnWeight": 1.0, "fpWeight": 0.11, "tnWeight": 1.0}},
                 "reward_low_FN_rate": {"CostMatrix": {"tpWeight": 1.0, "fnWeight": 2.0, "fpWeight": 0.11, "tnWeight": 1.0}}}
                """);
        return tmp.resolve("results/perfect");
    }

    private static List<JsonNode> jsonLines(String out) throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : out.strip().split("\n")) {
            nodes.add(JSON.readTree(line));
        }
        return nodes;
    }


    private static CommandRun run(String... args) {
        return CommandRun.execute(new NabScoreCommand(), args);
    }
}
