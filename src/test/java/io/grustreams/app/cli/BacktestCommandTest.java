package io.grustreams.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BacktestCommandTest {

    @TempDir
    Path tmp;

    @Test
    void shouldWriteOneRowPerInputRowWithEveryHorizonAndPrintMetrics() throws IOException {
        // Two keys, interleaved, hourly: a daily period of 24 fits.
        Path in = tmp.resolve("in.csv");
        List<String> lines = new ArrayList<>();
        lines.add("host,timestamp,cpu,mem");
        SplittableRandom rng = new SplittableRandom(5);
        int perKey = 400;
        for (int i = 0; i < perKey; i++) {
            String ts = java.time.Instant.ofEpochSecond(1_600_000_000L + i * 3600L).toString();
            for (String host : List.of("a", "b")) {
                double level = host.equals("a") ? 50 : 20;
                lines.add(host + "," + ts + "," + (level + 10 * Math.sin(2 * Math.PI * i / 24) + rng.nextGaussian())
                        + "," + (level / 2 + rng.nextGaussian()));
            }
        }
        // Host a's row of hour 100 sent twice: the second is left out as the stream dead-letters it.
        int repeated = 1 + 2 * 100;
        lines.add(repeated + 1, lines.get(repeated));
        Files.write(in, lines);
        Path out = tmp.resolve("out.csv");

        StringWriter sw = new StringWriter();
        CommandLine cmd = new CommandLine(new BacktestCommand());
        cmd.setOut(new PrintWriter(sw));
        int code = cmd.execute("--input", in.toString(), "--key-column", "host", "--value-column", "cpu",
                "--value-column", "mem", "--horizon", "3", "--initial-fraction", "0.8", "--retrain-every", "0",
                "--out", out.toString());

        assertEquals(0, code);
        List<String> rows = Files.readAllLines(out);
        assertEquals(2 * perKey + 2, rows.size());
        String[] repeat = rows.get(repeated + 1).split(",", -1);
        assertEquals("duplicate", repeat[13], rows.get(repeated + 1));
        assertEquals("", rows.get(repeated).split(",", -1)[13]);
        assertEquals("timestamp,key,cpu,mem,cpu_forecast_1,cpu_forecast_2,cpu_forecast_3,mem_forecast_1,"
                + "mem_forecast_2,mem_forecast_3,anomaly_score,likelihood,alert,dead_letter", rows.get(0));
        String[] early = rows.get(1).split(",", -1);
        assertEquals(14, early.length);
        assertEquals("a", early[1]);
        assertEquals("", early[4], "no forecast before the first model");
        String[] late = rows.get(rows.size() - 1).split(",", -1);
        assertEquals("b", late[1]);
        for (int c = 4; c <= 11; c++) {
            assertTrue(!late[c].isEmpty() && Double.isFinite(Double.parseDouble(late[c])),
                    "column " + c + " of the last row: " + rows.get(rows.size() - 1));
        }
        String printed = sw.toString();
        assertTrue(printed.contains("rows left out as duplicate: 1 "), printed);
        assertTrue(printed.contains("daily naive") && printed.contains("weekly naive"), printed);
        assertEquals(6, printed.lines().filter(l -> l.startsWith("cpu ") || l.startsWith("mem ")).count(), printed);
    }
}
