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

/** The demo end to end on the NAB series: it ends by itself, the retrain is swapped in mid-run, the report has a plot per key. */
class DemoCommandIT {

    @TempDir
    Path dir;

    @Test
    void shouldReplayTrainHotSwapAndWriteTheReport() throws IOException {
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
        assertTrue(text.contains("   published gru v1 to models"), text);
        assertTrue(text.contains("   published gru v2 to models"), text);
        assertTrue(text.contains("   .. events "), text);
        Matcher byVersion = Pattern.compile("forecasts by model version: v1 (\\d+), v2 (\\d+)\\n").matcher(text);
        assertTrue(byVersion.find(), text);
        assertTrue(Long.parseLong(byVersion.group(1)) > 0 && Long.parseLong(byVersion.group(2)) > 0, text);
        assertTrue(text.contains("Report: " + report.toAbsolutePath()), text);

        String html = Files.readString(report, StandardCharsets.UTF_8);
        assertEquals(3, html.split("<svg class=\"plot\"", -1).length - 1, "one plot per key");
        for (String key : new String[] {"machine-temperature", "nyc-taxi", "aws-ec2-cpu"}) {
            assertTrue(html.contains("<h3>" + key + " "), key);
        }
        assertTrue(html.contains(">v2</text>"), "the swap is marked");
        assertTrue(!html.contains("<script") && !html.contains("src=") && !html.contains("href="),
                "self-contained: no script, nothing loaded");
    }
}
