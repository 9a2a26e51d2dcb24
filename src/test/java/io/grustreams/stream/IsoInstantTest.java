package io.grustreams.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IsoInstantTest {

    private static final long YEAR_0 = Instant.parse("0000-01-01T00:00:00Z").toEpochMilli();
    private static final long YEAR_10000 = Instant.parse("+10000-01-01T00:00:00Z").toEpochMilli();

    @Test
    void shouldWriteWhatInstantToStringWritesForRandomTimes() {
        SplittableRandom random = new SplittableRandom(7);
        char[] out = new char[IsoInstant.MAX_CHARS];
        for (int i = 0; i < 200_000; i++) {
            long ms = random.nextLong(YEAR_0, YEAR_10000);
            if (i % 2 == 0) {
                ms -= Math.floorMod(ms, 1000L);
            }
            assertFormatted(ms, out);
        }
    }

    @Test
    void shouldWriteEdgesOfDaysLeapYearsAndTheEpoch() {
        char[] out = new char[IsoInstant.MAX_CHARS];
        for (String t : new String[] {"1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999Z", "2000-02-29T12:00:00.001Z",
                "1900-03-01T00:00:00Z", "2024-12-31T23:59:59.999Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z",
                "1600-02-29T00:00:00.010Z"}) {
            long ms = Instant.parse(t).toEpochMilli();
            assertEquals(t, new String(out, 0, IsoInstant.format(ms, out)));
            assertFormatted(ms - 1, out);
            assertFormatted(ms + 1, out);
        }
    }

    @Test
    void shouldDeclineYearsThatInstantWritesWithASign() {
        char[] out = new char[IsoInstant.MAX_CHARS];
        assertEquals(-1, IsoInstant.format(YEAR_0 - 1, out));
        assertEquals(-1, IsoInstant.format(YEAR_10000, out));
        assertEquals(-1, IsoInstant.format(Long.MIN_VALUE, out));
        assertEquals(-1, IsoInstant.format(Long.MAX_VALUE, out));
    }

    private static void assertFormatted(long ms, char[] out) {
        int n = IsoInstant.format(ms, out);
        if (ms < YEAR_0 || ms >= YEAR_10000) {
            assertEquals(-1, n, () -> "ms " + ms);
        } else {
            assertEquals(Instant.ofEpochMilli(ms).toString(), new String(out, 0, n), () -> "ms " + ms);
        }
    }
}
