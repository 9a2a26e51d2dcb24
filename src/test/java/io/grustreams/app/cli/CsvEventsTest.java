package io.grustreams.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CsvEventsTest {

    private static List<CsvEvents.Event> read(String csv, String keyColumn, Optional<String> key, String ts,
            List<String> values) throws IOException {
        CsvEvents e = new CsvEvents("f.csv", new BufferedReader(new StringReader(csv)), keyColumn, key, ts, values);
        List<CsvEvents.Event> out = new ArrayList<>();
        for (Optional<CsvEvents.Event> ev = e.next(); ev.isPresent(); ev = e.next()) {
            out.add(ev.get());
        }
        return out;
    }

    @Test
    void shouldWriteSeveralFeaturesAsValuesByName() throws IOException {
        List<CsvEvents.Event> got = read("device,time,temp,load,site\n"
                + "d1,2024-05-01T12:00:00Z,80.5,0.75,x\n"
                + "\"d,2\",1714564800000,81,0.5,y\n", "device", Optional.empty(), "time", List.of("temp", "load"));
        assertEquals(List.of(
                new CsvEvents.Event("d1", "{\"ts\":\"2024-05-01T12:00:00Z\",\"values\":{\"temp\":80.5,\"load\":0.75}}"),
                new CsvEvents.Event("d,2", "{\"ts\":\"2024-05-01T12:00:00Z\",\"values\":{\"temp\":81.0,\"load\":0.5}}")),
                got);
    }

    @Test
    void shouldTakeEveryOtherColumnAsAFeatureByDefault() throws IOException {
        List<CsvEvents.Event> got = read("\uFEFFkey,timestamp,a,b\nk,2024-05-01T14:00:00+02:00,1,2\n", "key",
                Optional.empty(), "timestamp", List.of());
        assertEquals(List.of(new CsvEvents.Event("k",
                "{\"ts\":\"2024-05-01T12:00:00Z\",\"values\":{\"a\":1.0,\"b\":2.0}}")), got);
    }

    @Test
    void shouldNameTheMissingColumnAndTheWayOut() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> read("timestamp,value\n1,2\n", "key", Optional.empty(), "timestamp", List.of()));
        assertEquals("f.csv has no column 'key' (columns: [timestamp, value]); choose one with --key-column;"
                + " for a file of one entity pass --key NAME", e.getMessage());
    }

    @Test
    void shouldNameTheLineOfABadTimestampOrARaggedRow() {
        IllegalArgumentException ts = assertThrows(IllegalArgumentException.class,
                () -> read("timestamp,value\n1000,1\nyesterday,2\n", "key", Optional.of("k"), "timestamp", List.of()));
        assertTrue(ts.getMessage().startsWith("f.csv line 3: timestamp 'yesterday' is not"), ts.getMessage());
        IllegalArgumentException ragged = assertThrows(IllegalArgumentException.class,
                () -> read("timestamp,value\n1000,1,7\n", "key", Optional.of("k"), "timestamp", List.of()));
        assertEquals("f.csv line 2: 3 fields, the header has 2", ragged.getMessage());
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> read("timestamp,value\n1000,NaN\n", "key", Optional.of("k"), "timestamp", List.of()));
        assertEquals("f.csv line 2 column 'value': 'NaN' is not a finite number", nan.getMessage());
    }

    @Test
    void shouldSplitQuotedFieldsWithCommasAndDoubledQuotes() {
        assertEquals(List.of("a", "b,c", "say \"hi\"", ""), CsvEvents.split(" a ,\"b,c\",\"say \"\"hi\"\"\",", "here"));
    }
}
