package io.grustreams.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grustreams.app.cli.DemoReport.Comparison;
import io.grustreams.app.cli.DemoReport.Method;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoReportTest {

    private static final long HOUR = 3_600_000L;

    @TempDir
    Path dir;

    private static DemoReport.KeyTrace trace(String key) {
        DemoReport.KeyTrace t = new DemoReport.KeyTrace(key, "u", new long[] {1_000, 2_000, 3_000, 4_000},
                new double[] {1, 2, 4, 4});
        t.expected[1] = 1.5;
        t.expected[2] = 3;
        return t;
    }

    /**
     * A key read every 6 hours (P = 4 readings a day) for 9 days: 36 readings, value i at reading i
     * except readings 29..35, which are 20, 20, 23, 24, 24, 26, 27. The GRU forecast readings 30..35.
     */
    private static DemoReport.KeyTrace sixHourly() {
        long[] times = new long[36];
        double[] values = new double[36];
        for (int i = 0; i < times.length; i++) {
            times[i] = 1_000_000L + i * 6 * HOUR;
            values[i] = i;
        }
        double[] tail = {20, 20, 23, 24, 24, 26, 27};
        System.arraycopy(tail, 0, values, 29, tail.length);
        DemoReport.KeyTrace t = new DemoReport.KeyTrace("k", "u", times, values);
        double[] gru = {21, 22, 24, 25, 25, 27};
        System.arraycopy(gru, 0, t.expected, 30, gru.length);
        return t;
    }

    @Test
    void shouldCountEventsPerDayAtTheMedianGap() {
        assertEquals(4, DemoReport.eventsPerDay(sixHourly().times));
        assertEquals(288, DemoReport.eventsPerDay(new long[] {0, 300_000, 600_000, 900_000, 4_000_000}));
        assertEquals(0, DemoReport.eventsPerDay(new long[] {0, 86_400_000L, 2 * 86_400_000L}), "one a day: no P");
        assertEquals(0, DemoReport.eventsPerDay(new long[] {5}));
    }

    @Test
    void shouldJudgeTheGruAndEveryBaselineOnTheSameReadings() {
        // Weekly naive (7P = 28 back) exists from reading 28 on, daily (4 back) from 4, persistence from 1:
        // all six forecast readings 30..35 are judged.
        //   reading:      30  31  32  33  34  35
        //   actual:       20  23  24  24  26  27
        //   GRU:          21  22  24  25  25  27   errors 1 1 0 1 1 0      SE 4,   AE 4
        //   persistence:  20  20  23  24  24  26   errors 0 3 1 0 2 1      SE 15,  AE 7
        //   daily (i−4):  26  27  28  20  20  23   errors 6 4 4 4 6 4      SE 136, AE 28
        //   weekly (i−28): 2   3   4   5   6   7   errors 18 20 20 19 20 20 SE 2285, AE 117
        Comparison c = sixHourly().compare();
        assertEquals(4, c.eventsPerDay());
        assertEquals(6, c.forecasts());
        assertEquals(6, c.judged());
        assertEquals(Math.sqrt(4 / 6.0), c.rmse(Method.GRU), 1e-12);
        assertEquals(Math.sqrt(15 / 6.0), c.rmse(Method.PERSISTENCE), 1e-12);
        assertEquals(Math.sqrt(136 / 6.0), c.rmse(Method.DAILY), 1e-12);
        assertEquals(Math.sqrt(2285 / 6.0), c.rmse(Method.WEEKLY), 1e-12);
        assertEquals(4 / 6.0, c.mae(Method.GRU), 1e-12);
        assertEquals(7 / 6.0, c.mae(Method.PERSISTENCE), 1e-12);
        assertEquals(28 / 6.0, c.mae(Method.DAILY), 1e-12);
        assertEquals(117 / 6.0, c.mae(Method.WEEKLY), 1e-12);
        assertEquals(Method.PERSISTENCE, c.bestBaseline());
        assertEquals(Math.sqrt(4 / 15.0), c.ratio(), 1e-12);
        assertTrue(c.gruWins());
    }

    @Test
    void shouldLeaveOutForecastReadingsWithoutAWeekBehindThem() {
        // Forecasts also at readings 26 and 27 (GRU 25, 26; actual 26, 27): they have no weekly naive
        // forecast (26 − 28 < 0), so the comparison stays on readings 30..35, the GRU's errors there.
        DemoReport.KeyTrace t = sixHourly();
        t.expected[26] = 25;
        t.expected[27] = 26;
        Comparison c = t.compare();
        assertEquals(8, c.forecasts());
        assertEquals(6, c.judged());
        assertEquals(Math.sqrt(4 / 6.0), c.rmse(Method.GRU), 1e-12);
        assertEquals(Math.sqrt(2285 / 6.0), c.rmse(Method.WEEKLY), 1e-12);
    }

    @Test
    void shouldLeaveOutABaselineThatNoForecastReadingHas() {
        // Only 7 readings of the same key: no reading has a week behind it, so the weekly naive does not
        // apply and does not thin out the comparison; the daily one (4 back) does.
        //   reading:      4  5  6      actual 4 5 6
        //   GRU:          4  6  6      errors 0 1 0          SE 1
        //   persistence:  3  4  5      errors 1 1 1          SE 3
        //   daily:        0  1  2      errors 4 4 4          SE 48
        long[] times = new long[7];
        double[] values = new double[7];
        for (int i = 0; i < times.length; i++) {
            times[i] = i * 6 * HOUR;
            values[i] = i;
        }
        DemoReport.KeyTrace t = new DemoReport.KeyTrace("short", "u", times, values);
        t.expected[2] = 9;
        t.expected[4] = 4;
        t.expected[5] = 6;
        t.expected[6] = 6;
        Comparison c = t.compare();
        assertEquals(4, c.forecasts());
        assertEquals(3, c.judged(), "reading 2 has no daily naive forecast");
        assertFalse(c.applies(Method.WEEKLY));
        assertTrue(Double.isNaN(c.rmse(Method.WEEKLY)));
        assertEquals(Math.sqrt(1 / 3.0), c.rmse(Method.GRU), 1e-12);
        assertEquals(1.0, c.rmse(Method.PERSISTENCE), 1e-12);
        assertEquals(4.0, c.rmse(Method.DAILY), 1e-12);
        assertEquals(Math.sqrt(1 / 3.0), c.ratio(), 1e-12);
    }

    @Test
    void shouldNameTheBestBaselineWhenItBeatsTheGru() {
        // Readings 30..35 with a GRU that is 5 off everywhere: SE 150, worse than persistence's 15.
        DemoReport.KeyTrace t = sixHourly();
        for (int i = 30; i < 36; i++) {
            t.expected[i] = t.actual[i] + 5;
        }
        Comparison c = t.compare();
        assertEquals(Math.sqrt(150 / 15.0), c.ratio(), 1e-12);
        assertFalse(c.gruWins());
        assertEquals("The GRU does not beat the best baseline on: k (persistence, ratio 3.162).",
                DemoReport.verdict(List.of(sixHourly(), t), List.of(sixHourly().compare(), c)));
        assertEquals("The GRU beats persistence and every seasonal naive forecast on every key (RMSE ratio < 1).",
                DemoReport.verdict(List.of(sixHourly()), List.of(sixHourly().compare())));
    }

    @Test
    void shouldJudgeOnlyTheReadingsThatHadAForecast() {
        // A reading a second: P is 86 400, more than the trace holds, so only persistence applies.
        Comparison c = trace("k").compare();
        assertEquals(2, c.forecasts());
        assertEquals(2, c.judged());
        assertEquals((0.5 + 1.0) / 2, c.mae(Method.GRU), 1e-12);
        assertEquals((1.0 + 2.0) / 2, c.mae(Method.PERSISTENCE), 1e-12);
        assertEquals(86_400, c.eventsPerDay());
        assertFalse(c.applies(Method.DAILY));
    }

    @Test
    void shouldDrawTwoPlotsPerKeyWithAlertSpansAndSwapsAndNothingExternal() throws IOException {
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
        assertEquals(2, html.split("<svg class=\"zoom\"", -1).length - 1);
        assertEquals(4, html.split("<rect ", -1).length - 1, "one shaded span per alert and plot, an open one to the end");
        assertEquals(4, html.split(">v2</text>", -1).length - 1, "the swap marked on each plot");
        assertTrue(html.contains("<h3>a&lt;b "), "keys are escaped");
        assertTrue(html.contains("<th>events</th><td>8</td>"));
        assertEquals(2, html.split("<tr class=\"key\">", -1).length - 1, "a row of errors per key");
        assertTrue(html.contains("<td class=\"n\"><b>0.500</b></td><td>persistence</td>"),
                "the ratio sqrt(1.25 / 5) and the best baseline");
        assertFalse(html.contains("<script") || html.contains("src=") || html.contains("href="));
    }

    @Test
    void shouldWriteFiguresWithFourSignificantDigits() {
        assertEquals("0.08707", DemoReport.num(0.087071));
        assertEquals("1.030", DemoReport.num(1.0297));
        assertEquals("846.4", DemoReport.num(846.43));
        assertEquals("7134", DemoReport.num(7134.3));
        assertEquals("n/a", DemoReport.num(Double.NaN));
    }
}
