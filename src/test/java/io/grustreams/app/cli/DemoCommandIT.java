package io.grustreams.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grustreams.app.Main;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo end to end on the NAB series: it ends by itself, the retrain is swapped in mid-run, the GRU
 * beats persistence and both seasonal naive forecasts on every key, the report has two plots per key,
 * and nothing is printed on stderr (no WARN or ERROR of Kafka's internals on a normal run).
 * The timeline moves by whole weeks from run to run, so the models and figures are the same every run.
 */
class DemoCommandIT {

    private static final Pattern INTERNAL_WARNING = Pattern.compile("\\] (WARN|ERROR) (?!io\\.grustreams\\.)");

    private static final String[] KEYS = {"machine-temperature", "nyc-taxi", "aws-ec2-cpu"};

    @TempDir
    Path dir;

    @Test
    void shouldReplayTrainHotSwapBeatEveryBaselineAndWriteTheReportOnAQuietConsole() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Path report = dir.resolve("report.html");
        // Its own process on the shipped class path, so that the console is the one a user sees: the shipped
        // simplelogger.properties, not the tests' (test-classes come first on the tests' class path).
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.contains("test-classes"))
                .collect(Collectors.joining(File.pathSeparator));
        Path stdout = dir.resolve("stdout.txt");
        Path stderr = dir.resolve("stderr.txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-Xmx1g", "-cp", classPath, Main.class.getName(), "demo",
                "--port", Integer.toString(port), "--report", report.toString())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        try {
            assertTrue(process.waitFor(15, TimeUnit.MINUTES), "the demo did not end within 15 minutes");
        } finally {
            process.destroyForcibly();
        }
        String text = Files.readString(stdout, StandardCharsets.UTF_8);
        String err = Files.readString(stderr, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), err + "\n" + text);
        // A quiet console: no warning or error of Kafka's clients, Kafka Streams or the broker on a normal run
        // (slf4j-simple writes "time [thread] LEVEL logger - message"); the product's own would still show.
        assertEquals(List.of(), err.lines().filter(l -> INTERNAL_WARNING.matcher(l).find()).toList(), err);
        assertTrue(text.contains("   published gru v1, effective from "), text);
        assertTrue(text.contains("   published gru v2, effective from "), text);
        assertTrue(text.contains("   .. events "), text);
        Matcher byVersion = Pattern.compile("forecasts by model version: v1 (\\d+), v2 (\\d+)\\n").matcher(text);
        assertTrue(byVersion.find(), text);
        assertTrue(Long.parseLong(byVersion.group(1)) > 0 && Long.parseLong(byVersion.group(2)) > 0, text);

        for (String key : KEYS) {
            Matcher row = Pattern.compile("   " + key + " +(\\d+) forecasts, (\\d+) judged, P (\\d+), alerts \\d+ .*\\n"
                    + "     RMSE  GRU (\\S+) \\| persistence (\\S+)  daily naive (\\S+)  weekly naive (\\S+)"
                    + "   GRU / best baseline (\\S+) \\(").matcher(text);
            assertTrue(row.find(), key + "\n" + text);
            assertTrue(Integer.parseInt(row.group(2)) > 0, "events judged: " + key);
            double gru = Double.parseDouble(row.group(4));
            double best = Math.min(Double.parseDouble(row.group(5)),
                    Math.min(Double.parseDouble(row.group(6)), Double.parseDouble(row.group(7))));
            assertTrue(gru < best, key + ": the GRU's RMSE beats every baseline's\n" + text);
            assertEquals(gru / best, Double.parseDouble(row.group(8)), 0.002, key);
        }
        String verdict = "The GRU beats persistence and every seasonal naive forecast on every key (RMSE ratio < 1).";
        assertTrue(text.contains("   " + verdict + "\n"), text);
        assertTrue(text.contains("Report: " + report.toAbsolutePath()), text);

        String html = Files.readString(report, StandardCharsets.UTF_8);
        assertEquals(3, html.split("<svg class=\"plot\"", -1).length - 1, "one plot per key");
        assertEquals(3, html.split("<svg class=\"zoom\"", -1).length - 1, "one zoom per key");
        assertEquals(3, html.split("<tr class=\"key\">", -1).length - 1, "a row of errors per key");
        for (String key : KEYS) {
            assertTrue(html.contains("<h3>" + key + " "), key);
        }
        assertTrue(html.contains(verdict.replace("<", "&lt;")), "the verdict");
        assertTrue(html.contains(">v2</text>"), "the swap is marked");
        assertTrue(!html.contains("<script") && !html.contains("src=") && !html.contains("href="),
                "self-contained: no script, nothing loaded");
    }
}
