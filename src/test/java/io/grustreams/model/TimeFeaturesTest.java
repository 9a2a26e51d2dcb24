package io.grustreams.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TimeFeaturesTest {

    private static final List<TimeInput> ALL = List.of(TimeInput.TIME_OF_DAY, TimeInput.DAY_OF_WEEK, TimeInput.GAP);

    private static double[] at(TimeFeatures f, String instant, long previous) {
        double[] out = new double[f.width()];
        f.write(Instant.parse(instant).toEpochMilli(), previous, out, 0);
        return out;
    }

    @Test
    void shouldPlaceTheTimeOfDayAndTheDayOfWeekOnTheUnitCircle() {
        TimeFeatures f = new TimeFeatures(ALL, ZoneId.of("UTC"));
        assertEquals(5, f.width());
        // Monday 2024-05-06 00:00: both angles 0.
        assertArrayEquals(new double[] {0, 1, 0, 1, 0}, at(f, "2024-05-06T00:00:00Z", Long.MIN_VALUE), 1e-15);
        // 06:00 is a quarter of the day; Thursday 18:00 is (3 + 0.75) / 7 of the week.
        double[] t = at(f, "2024-05-09T18:00:00Z", Long.MIN_VALUE);
        assertEquals(Math.sin(2 * Math.PI * 0.75), t[0], 1e-15);
        assertEquals(Math.cos(2 * Math.PI * 0.75), t[1], 1e-15);
        assertEquals(Math.sin(2 * Math.PI * 3.75 / 7), t[2], 1e-15);
        assertEquals(Math.cos(2 * Math.PI * 3.75 / 7), t[3], 1e-15);
        assertEquals(1.0, at(f, "2024-05-06T06:00:00Z", Long.MIN_VALUE)[0], 1e-15);
    }

    @Test
    void shouldFollowTheWallClockAcrossADaylightSavingChange() {
        TimeFeatures berlin = new TimeFeatures(List.of(TimeInput.TIME_OF_DAY), ZoneId.of("Europe/Berlin"));
        TimeFeatures utc = new TimeFeatures(List.of(TimeInput.TIME_OF_DAY), ZoneId.of("UTC"));
        // 2024-03-31: 02:00 CET became 03:00 CEST at 01:00 UTC. 00:30 UTC is 01:30 local, 01:30 UTC is 03:30.
        assertArrayEquals(at(utc, "2024-03-31T01:30:00Z", Long.MIN_VALUE),
                at(berlin, "2024-03-31T00:30:00Z", Long.MIN_VALUE), 1e-15);
        assertArrayEquals(at(utc, "2024-03-31T03:30:00Z", Long.MIN_VALUE),
                at(berlin, "2024-03-31T01:30:00Z", Long.MIN_VALUE), 1e-15);
        // The day of a change is still a day of the week: Sunday before and after.
        TimeFeatures dow = new TimeFeatures(List.of(TimeInput.DAY_OF_WEEK), ZoneId.of("Europe/Berlin"));
        double[] before = at(dow, "2024-03-30T23:30:00Z", Long.MIN_VALUE);
        double[] after = at(dow, "2024-03-31T21:30:00Z", Long.MIN_VALUE);
        assertEquals(Math.sin(2 * Math.PI * (6 + 0.5 / 24) / 7), before[0], 1e-12, "Sunday 00:30");
        assertEquals(Math.sin(2 * Math.PI * (6 + 23.5 / 24) / 7), after[0], 1e-12, "Sunday 23:30");
    }

    @Test
    void shouldGiveTheSameValuesWithTheOffsetCacheAsWithoutInAnyOrder() {
        SplittableRandom rng = new SplittableRandom(3);
        ZoneId zone = ZoneId.of("America/New_York");
        TimeFeatures cached = new TimeFeatures(ALL, zone);
        long t = Instant.parse("2023-01-01T00:00:00Z").toEpochMilli();
        for (int i = 0; i < 5000; i++) {
            // Mostly forward, sometimes far back: transitions crossed both ways.
            t += rng.nextInt(10) == 0 ? -rng.nextLong(400L * 86_400_000L) : rng.nextLong(3L * 86_400_000L);
            double[] a = new double[5];
            double[] b = new double[5];
            cached.write(t, t - 60_000, a, 0);
            new TimeFeatures(ALL, zone).write(t, t - 60_000, b, 0);
            assertArrayEquals(b, a, 0.0, "at " + Instant.ofEpochMilli(t));
        }
    }

    @Test
    void shouldMeasureTheGapOnALogScaleWithoutAPreviousEventOrAfterMonths() {
        TimeFeatures gap = new TimeFeatures(List.of(TimeInput.GAP), ZoneId.of("UTC"));
        long now = Instant.parse("2024-06-01T00:00:00Z").toEpochMilli();
        assertEquals(0.0, at(gap, "2024-06-01T00:00:00Z", Long.MIN_VALUE)[0]);
        assertEquals(0.0, at(gap, "2024-06-01T00:00:00Z", now)[0], "the same instant");
        assertEquals(0.0, at(gap, "2024-06-01T00:00:00Z", now + 5000)[0], "an older event has no gap");
        assertEquals(1.0, at(gap, "2024-06-02T00:00:00Z", now)[0], 1e-15, "a day");
        double months = at(gap, "2024-09-01T00:00:00Z", now)[0];
        assertEquals(Math.log1p(92 * 86_400.0) / Math.log1p(86_400.0), months, 1e-12);
    }
}
