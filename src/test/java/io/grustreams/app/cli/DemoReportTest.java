package io.grustreams.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoReportTest {

    @TempDir
    Path dir;

    private static DemoReport.KeyTrace trace(String key) {
        DemoReport.KeyTrace t = new DemoReport.KeyTrace(key, "u", new long[] {1_000, 2_000, 3_000, 4_000},
                new double[] {1, 2, 4, 4});
        t.expected[1] = 1.5;
        t.expected[2] = 3;
        return t;
    }

    @Test
    void shouldScoreOnlyTheReadingsThatHadAForecast() {
        DemoReport.KeyTrace t = trace("k");
        assertEquals(2, t.forecasts());
        assertEquals((0.5 + 1.0) / 2, t.maeModel(), 1e-12);
        assertEquals((1.0 + 2.0) / 2, t.maePersistence(), 1e-12);
    }

    @Test
    void shouldDrawOnePlotPerKeyWithAlertSpansAndSwapsAndNothingExternal() throws IOException {
        DemoReport.KeyTrace a = trace("a<b");
        a.alerts.add(new long[] {2_000, 3_000});
        DemoReport.KeyTrace b = trace("c");
        b.alerts.add(new long[] {3_000, Long.MAX_VALUE});
        Map<String, String> figures = DemoReport.figures();
        figures.put("events", "8");
        Path file = dir.resolve("r.html");
        DemoReport.write(file, figures, List.of(a, b), Map.of(1L, 1_000L, 2L, 2_500L));
        String html = Files.readString(file, StandardCharsets.UTF_8);
        assertEquals(2, html.split("<svg class=\"plot\"", -1).length - 1);
        assertEquals(2, html.split("<rect ", -1).length - 1, "one shaded span per alert, an open one to the end");
        assertEquals(2, html.split(">v2</text>", -1).length - 1, "the swap marked on each plot");
        assertTrue(html.contains("<h3>a&lt;b "), "keys are escaped");
        assertTrue(html.contains("<th>events</th><td>8</td>"));
        assertFalse(html.contains("<script") || html.contains("src=") || html.contains("href="));
    }
}
