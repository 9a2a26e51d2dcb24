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
        assertTrue(Double.isNaN(h1.seasonal().mae()));
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

        assertEquals(4, m.dailyPeriod());
        ForecastMetrics.Line l = m.lines().get(0);
        // Judged from t + 1 - 4 >= 0: t = 3..10, 8 events.
        assertEquals(8, l.events());
        assertEquals(0.0, l.seasonal().mae(), 0.0);
        assertEquals(1.0, l.model().mae(), 1e-12);
    }
}
