package io.grustreams.app.backtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ForecastMetricsTest {

    private static final double NAN = Double.NaN;

    @Test
    void shouldMatchHandComputedErrorsAndPersistence() {
        // Values 2, 4, 5, 8 an hour apart (no daily period fits 4 events); horizon 2.
        ForecastMetrics m = new ForecastMetrics(List.of("v"), 2);
        m.add("k", 0L, new double[] {2}, new double[] {NAN, NAN});
        m.add("k", 3_600_000L, new double[] {4}, new double[] {6, 7});
        m.add("k", 7_200_000L, new double[] {5}, new double[] {5, 9});
        m.add("k", 10_800_000L, new double[] {8}, new double[] {9, 9});

        List<ForecastMetrics.Line> lines = m.lines();

        assertEquals(2, lines.size());
        // h = 1: made at t = 1 (6 for 5) and t = 2 (5 for 8): errors -1, 3. Persistence: 4 for 5, 5 for 8: 1, 3.
        ForecastMetrics.Line h1 = lines.get(0);
        assertEquals(2, h1.events());
        assertEquals(2.0, h1.model().mae(), 1e-12);
        assertEquals(Math.sqrt(5.0), h1.model().rmse(), 1e-12);
        assertEquals(100 * (1 / 5.0 + 3 / 8.0) / 2, h1.model().mape(), 1e-12);
        assertEquals(2.0, h1.persistence().mae(), 1e-12);
        assertEquals(Math.sqrt(5.0), h1.persistence().rmse(), 1e-12);
        assertTrue(Double.isNaN(h1.daily().mae()));
        assertTrue(Double.isNaN(h1.weekly().mae()));
        assertEquals(1.0, h1.ratio(), 1e-12, "as good as persistence, the only baseline");
        // h = 2: made at t = 1 only (7 for 8): error 1; persistence 4 for 8: 4.
        ForecastMetrics.Line h2 = lines.get(1);
        assertEquals(1, h2.events());
        assertEquals(1.0, h2.model().mae(), 1e-12);
        assertEquals(4.0, h2.persistence().mae(), 1e-12);
        assertEquals(50.0, h2.persistence().mape(), 1e-12);
    }

    @Test
    void shouldUseTheDailyPeriodForSeasonalPersistence() {
        // 6-hour steps: P = 4; values repeat daily, so seasonal persistence is exact.
        ForecastMetrics m = new ForecastMetrics(List.of("v"), 1);
        double[] day = {1, 5, 3, 2};
        for (int i = 0; i < 12; i++) {
            m.add("k", i * 21_600_000L, new double[] {day[i % 4]}, new double[] {day[(i + 1) % 4] + 1});
        }

        assertEquals(4, m.dailyPeriod("k"));
        assertTrue(!m.weekly("k"), "three days are not three weeks");
        ForecastMetrics.Line l = m.lines().get(0);
        // Judged from t + 1 - 4 >= 0: t = 3..10, 8 events.
        assertEquals(8, l.events());
        assertEquals(0.0, l.daily().mae(), 0.0);
        assertEquals(1.0, l.model().mae(), 1e-12);
    }

    @Test
    void shouldAddTheWeeklyNaiveForecastForKeysOfThreeWeeksAndJudgeEveryForecasterOnTheSameEvents() {
        // 6-hour steps for 21 days; weekdays and weekends differ, so only the weekly naive forecast is exact.
        ForecastMetrics m = new ForecastMetrics(List.of("v"), 1);
        int n = 4 * 21;
        for (int i = 0; i < n; i++) {
            double v = value(i);
            m.add("k", i * 21_600_000L, new double[] {v}, new double[] {value(i + 1) + 2});
        }
        assertTrue(m.weekly("k"));
        ForecastMetrics.Line l = m.lines().get(0);
        // Judged where t + 1 - 28 >= 0 (the weekly forecast exists): t = 27..82.
        assertEquals(n - 1 - 27, l.events());
        assertEquals(0.0, l.weekly().rmse(), 0.0);
        assertTrue(l.daily().rmse() > 0);
        assertEquals(Double.POSITIVE_INFINITY, l.ratio(), "the weekly naive forecast is perfect here");
    }

    private static double value(int i) {
        int day = i / 4;
        return (day % 7 >= 5 ? 10 : 0) + new double[] {1, 5, 3, 2}[i % 4];
    }

    @Test
    void shouldJudgeAKeyOnItsLaterEventsAndKeepKeysApart() {
        ForecastMetrics m = new ForecastMetrics(List.of("v"), 1);
        for (int i = 0; i < 10; i++) {
            m.add("a", i * 3_600_000L, new double[] {i}, new double[] {i + 1});
            m.add("b", i * 3_600_000L, new double[] {2 * i}, new double[] {2 * i});
        }
        // a is forecast exactly; b always misses by 2 (persistence too).
        assertEquals(0.0, m.keyLines("a", 0.5).get(0).model().rmse());
        assertEquals(4, m.keyLines("a", 0.5).get(0).events(), "t = 5..8");
        assertEquals(2.0, m.keyLines("b", 0.0).get(0).model().rmse());
        assertEquals(List.of("a", "b"), m.keys());
        assertEquals(ForecastMetrics.ALL, m.lines(0.5).get(0).key());
    }
}
