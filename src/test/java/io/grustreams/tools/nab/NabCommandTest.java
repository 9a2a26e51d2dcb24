package io.grustreams.tools.nab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grustreams.tools.nab.NabFixtures;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class NabCommandTest {

    private static final List<String> FILES = List.of("realTraffic/speed_7578.csv",
            "realAdExchange/exchange-3_cpc_results.csv");

    @TempDir
    Path tmp;

    /** A mini corpus made of two real files, their windows and the real profiles. */
    private Path miniCorpus() throws IOException {
        Path nab = NabFixtures.nabDir();
        Path mini = tmp.resolve("nab");
        ObjectMapper json = new ObjectMapper();
        ObjectNode all = (ObjectNode) json.readTree(nab.resolve("labels/combined_windows.json").toFile());
        ObjectNode windows = json.createObjectNode();
        for (String f : FILES) {
            Path target = mini.resolve("data").resolve(f);
            Files.createDirectories(target.getParent());
            Files.copy(nab.resolve("data").resolve(f), target);
            windows.set(f, all.get(f));
        }
        Files.createDirectories(mini.resolve("labels"));
        json.writeValue(mini.resolve("labels/combined_windows.json").toFile(), windows);
        Files.createDirectories(mini.resolve("config"));
        Files.copy(nab.resolve("config/profiles.json"), mini.resolve("config/profiles.json"));
        return mini;
    }

    @Test
    void shouldWriteNabResultsForEveryFileAndPrintEveryProfile() throws IOException {
        Path mini = miniCorpus();
        Path out = tmp.resolve("results");
        StringWriter sw = new StringWriter();
        CommandLine cmd = new CommandLine(new NabCommand());
        cmd.setOut(new PrintWriter(sw));

        int code = cmd.execute("--nab-dir", mini.toString(), "--out", out.toString(), "--jobs", "1");

        assertEquals(0, code);
        for (String f : FILES) {
            String[] parts = f.split("/");
            Path results = out.resolve("grustreams").resolve(parts[0]).resolve("grustreams_" + parts[1]);
            List<String> data = Files.readAllLines(mini.resolve("data").resolve(f));
            List<String> rows = Files.readAllLines(results);
            assertEquals("timestamp,value,anomaly_score,label", rows.get(0));
            assertEquals(data.size(), rows.size(), f);
            for (int i = 1; i < rows.size(); i++) {
                String[] r = rows.get(i).split(",");
                assertEquals(4, r.length);
                assertEquals(data.get(i), r[0] + "," + r[1], "timestamp and value as in the data file");
                double score = Double.parseDouble(r[2]);
                assertTrue(score >= 0 && score <= 1, f + " row " + i + ": " + score);
                assertTrue(r[3].equals("0") || r[3].equals("1"));
            }
        }
        String printed = sw.toString();
        for (String profile : List.of("standard", "reward_low_FP_rate", "reward_low_FN_rate")) {
            assertTrue(printed.lines().anyMatch(l -> l.startsWith(profile + " ") && l.contains("score")), printed);
        }
        assertTrue(printed.contains("2/2]"), "progress is shown: " + printed);
    }

    @Test
    void shouldRunBothProtocolsIntoTheirOwnDirectoriesAndPrintBoth() throws IOException {
        Path mini = miniCorpus();
        Path out = tmp.resolve("results");
        StringWriter sw = new StringWriter();
        CommandLine cmd = new CommandLine(new NabCommand());
        cmd.setOut(new PrintWriter(sw));

        int code = cmd.execute("--nab-dir", mini.toString(), "--out", out.toString(), "--jobs", "1",
                "--protocol", "both");

        assertEquals(0, code);
        String printed = sw.toString();
        for (String protocol : List.of("standard", "strict")) {
            for (String f : FILES) {
                String[] parts = f.split("/");
                assertTrue(Files.exists(out.resolve(protocol).resolve("grustreams").resolve(parts[0])
                        .resolve("grustreams_" + parts[1])), protocol + " " + f);
            }
            assertTrue(printed.lines().anyMatch(l -> l.startsWith(protocol + " ") && l.contains("standard ")
                    && l.contains("reward_low_FP_rate ") && l.contains("reward_low_FN_rate ")), printed);
        }
    }

    @Test
    void shouldRejectAnUnknownProtocol() {
        CommandLine cmd = new CommandLine(new NabCommand());
        cmd.setErr(new PrintWriter(new StringWriter()));
        assertEquals(2, cmd.execute("--nab-dir", tmp.toString(), "--out", tmp.toString(), "--protocol", "lenient"));
    }
}
