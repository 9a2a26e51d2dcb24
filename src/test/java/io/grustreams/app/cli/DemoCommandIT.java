package io.grustreams.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grustreams.app.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The demo end to end on the NAB series: it ends by itself, the retrain is swapped in mid-run, the GRU
 * beats persistence and both seasonal naive forecasts on every key, the report has two plots per key.
 * The timeline moves by whole weeks from run to run, so the models and figures are the same every run.
 */
class DemoCommandIT {

    private static final String[] KEYS = {"machine-temperature", "nyc-taxi", "aws-ec2-cpu"};

    @TempDir
    Path dir;

    @Test
    void shouldReplayTrainHotSwapBeatEveryBaselineAndWriteTheReport() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Path report = dir.resolve("report.html");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute("demo", "--port", Integer.toString(port), "--report", report.toString());
        String text = out.toString();
        assertEquals(0, exit, err + "\n" + text);
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
