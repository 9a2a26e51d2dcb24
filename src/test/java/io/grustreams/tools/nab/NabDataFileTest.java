package io.grustreams.tools.nab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NabDataFileTest {

    @Test
    void shouldResolveWindowLimitsToRowsAndLabelRowsInsideInclusive() {
        NabDataFile f = NabFixtures.file("cat/f.csv", 30, new int[] {10, 14}, new int[] {20, 20});

        assertEquals(List.of(10, 20), f.windows().stream().map(NabWindow::firstRow).toList());
        assertEquals(List.of(14, 20), f.windows().stream().map(NabWindow::lastRow).toList());
        assertEquals(5, f.windows().get(0).width());
        int[] expected = new int[30];
        for (int i = 10; i <= 14; i++) {
            expected[i] = 1;
        }
        expected[20] = 1;
        for (int i = 0; i < 30; i++) {
            assertEquals(expected[i], f.label(i), "row " + i);
        }
        assertEquals("cat", f.category());
        assertEquals("f.csv", f.fileName());
        assertEquals(4, f.probationaryLength());
    }

    @Test
    void shouldRejectWindowLimitThatIsNotARowTimestamp() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NabDataFile.of("cat/f.csv",
                List.of(NabFixtures.timestamp(0), NabFixtures.timestamp(1)), List.of("1", "2"),
                List.of(List.of(NabFixtures.timestamp(0), "2020-01-01 00:07:00.000000"))));
        assertTrue(e.getMessage().contains("cat/f.csv window 1 end"), e.getMessage());
        assertTrue(e.getMessage().contains("does not occur"), e.getMessage());
    }

    @Test
    void shouldRejectWindowLimitOnRepeatedTimestamp() {
        List<String> ts = new ArrayList<>(List.of(NabFixtures.timestamp(0), NabFixtures.timestamp(1),
                NabFixtures.timestamp(1), NabFixtures.timestamp(2)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NabDataFile.of("cat/f.csv",
                ts, List.of("1", "2", "3", "4"), List.of(List.of(NabFixtures.timestamp(1), NabFixtures.timestamp(2)))));
        assertTrue(e.getMessage().contains("occurs 2 times"), e.getMessage());
    }

    @Test
    void shouldRejectOverlappingOrUnorderedWindows() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NabFixtures.file("cat/f.csv", 30, new int[] {10, 14}, new int[] {14, 18}));
        assertTrue(e.getMessage().contains("window 2"), e.getMessage());
        assertTrue(e.getMessage().contains("must not overlap"), e.getMessage());
    }

    @Test
    void shouldRejectMalformedTimestampAndValueNamingTheRow() {
        IllegalArgumentException ts = assertThrows(IllegalArgumentException.class, () -> NabDataFile.of("cat/f.csv",
                List.of(NabFixtures.timestamp(0), "2020-13-01 00:00:00"), List.of("1", "2"), List.of()));
        assertTrue(ts.getMessage().contains("cat/f.csv row 2"), ts.getMessage());
        IllegalArgumentException value = assertThrows(IllegalArgumentException.class, () -> NabDataFile.of("cat/f.csv",
                List.of(NabFixtures.timestamp(0), NabFixtures.timestamp(1)), List.of("1", "x"), List.of()));
        assertTrue(value.getMessage().contains("cat/f.csv row 2: value 'x'"), value.getMessage());
    }
}
