package io.grustreams.app.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grustreams.train.History;
import io.grustreams.train.SampleLimits;
import io.grustreams.train.SampleSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvSourceTest {

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void shouldReadEveryCsvOfADirectoryInNameOrderKeepingEachKeysOrder() throws IOException {
        write("b.csv", "key,timestamp,temp,load\nk1,6000,3,30\nk2,1000,9,90\n");
        write("a.csv", "timestamp,load,key,temp,extra\n2000,20,k1,2,x\n5000,10,k1,1,y\n");
        write("notes.txt", "not read");
        SourceData d = new CsvSource(List.of("temp", "load")).read(dir, Optional.empty(), SampleLimits.defaults(), 1);
        History h = d.history();
        assertEquals(2, h.keys());
        History.KeySeries k1 = h.series().get(0);
        assertEquals("k1", k1.key());
        assertEquals(3, k1.length());
        // a.csv first (name order), rows in file order; b.csv first would have left 2000 and 5000 out of order
        assertEquals(2000, k1.timestamp(0));
        assertEquals(5000, k1.timestamp(1));
        assertEquals(6000, k1.timestamp(2));
        assertEquals(1.0, k1.value(1, 0));
        assertEquals(10.0, k1.value(1, 1));
        assertEquals(4, d.records());
        assertEquals(2, d.provenance().get("files"));
        assertEquals(Map.of(), d.badRecords());
    }

    @Test
    void shouldTakeAValueColumnIsoTimesAndQuotedFieldsForOneFeature() throws IOException {
        Path f = write("one.csv", "\uFEFFkey,ts,value\n\"a,b\",2024-05-01T12:00:00Z,1.5\n\"a,b\",2024-05-01T12:00:01Z,\"2.5\"\n");
        SourceData d = new CsvSource(List.of("cpu")).read(f, Optional.empty(), SampleLimits.defaults(), 1);
        History.KeySeries s = d.history().series().get(0);
        assertEquals("a,b", s.key());
        assertEquals(1714564800000L, s.timestamp(0));
        assertEquals(2.5, s.value(1, 0));
    }

    @Test
    void shouldSkipAndCountBadRowsByReason() throws IOException {
        Path f = write("bad.csv", String.join("\n", "key,timestamp,value",
                "a,1,1.0",
                "a,2",
                ",3,1.0",
                "a,yesterday,1.0",
                "a,4,abc",
                "a,5,NaN",
                "a,6,1e999",
                "a,7,\"unclosed",
                "",
                "a,8,2.0", ""));
        SourceData d = new CsvSource(List.of("value")).read(f, Optional.empty(), SampleLimits.defaults(), 1);
        assertEquals(9, d.records());
        assertEquals(2, d.history().events());
        assertEquals(Map.of("wrong-column-count", 2L, "bad-key", 1L, "bad-timestamp", 1L, "wrong-type", 1L,
                "not-finite", 2L), d.badRecords());
        assertEquals(7L, d.provenance().get("badRecords"));
    }

    @Test
    void shouldLeaveOutAndCountRowsTheStreamDeadLettersForTheirOrder() throws IOException {
        Path f = write("order.csv", "key,timestamp,value\na,10,1\nb,5,1\na,9,2\na,10,1\na,10,3\na,11,3\n");
        SourceData d = new CsvSource(List.of("value")).read(f, Optional.empty(), SampleLimits.defaults(), 1);
        assertEquals(Map.of("out-of-order", 1L, "duplicate", 1L), d.badRecords());
        History.KeySeries a = d.history().series().get(0);
        assertEquals(List.of(1.0, 3.0, 3.0), List.of(a.value(0, 0), a.value(1, 0), a.value(2, 0)));
        assertEquals(1, d.history().series().get(1).length());
    }

    @Test
    void shouldKeepOnlyTheWindowBeforeTheNewestEvent() throws IOException {
        Path f = write("w.csv", "key,timestamp,value\na,0,1\nb,50000,2\na,60000,3\na,120000,4\n");
        SourceData d = new CsvSource(List.of("value")).read(f, Optional.of(Duration.ofMinutes(1)),
                SampleLimits.defaults(), 1);
        assertEquals(2, d.history().events());
        assertEquals(60000, d.history().series().get(0).timestamp(0));
        assertEquals("1970-01-01T00:01:00Z", d.provenance().get("from"));
        assertEquals("1970-01-01T00:02:00Z", d.provenance().get("to"));
    }

    @Test
    void shouldSampleOnlyTheKeysWithEventsInTheWindow() throws IOException {
        // b's only event is before the window: with room for one key, a must be the one.
        Path f = write("w.csv", "key,timestamp,value\nb,0,1\na,60000,3\na,120000,4\na,125000,5\na,130000,6\n");
        SourceData d = new CsvSource(List.of("value")).read(f, Optional.of(Duration.ofMinutes(1)),
                new SampleLimits(1, 2), 1);
        assertEquals(List.of("a"), d.history().series().stream().map(History.KeySeries::key).toList());
        assertEquals(125000, d.history().series().get(0).timestamp(0));
        assertEquals(new SampleSummary(1, 1, 2, 1, true, 1, 3, 2, 0, 1), d.sample());
        assertEquals(5, d.records());
    }

    @Test
    void shouldNameTheMissingColumns() throws IOException {
        Path f = write("h.csv", "key,time,temp\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CsvSource(List.of("temp", "load")).read(f, Optional.empty(), SampleLimits.defaults(), 1));
        assertTrue(e.getMessage().contains("lacks the column(s) [timestamp, load]"), e.getMessage());
    }

    @Test
    void shouldRefuseADirectoryWithoutCsvFiles() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CsvSource(List.of("value")).read(dir, Optional.empty(), SampleLimits.defaults(), 1));
        assertTrue(e.getMessage().endsWith("the directory has no .csv file"), e.getMessage());
    }
}
