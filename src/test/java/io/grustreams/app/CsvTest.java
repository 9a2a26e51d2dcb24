package io.grustreams.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvTest {

    @Test
    void shouldSplitQuotedFieldsWithCommasAndDoubledQuotes() {
        assertEquals(List.of("a", "b,c", "say \"hi\"", ""), Csv.fields("a,\"b,c\",\"say \"\"hi\"\"\","));
        assertEquals(List.of(" a ", "b"), Csv.fields(" a ,b\r"));
        assertEquals(List.of(""), Csv.fields(""));
    }

    @Test
    void shouldReturnNullForAQuoteLeftOpen() {
        assertNull(Csv.fields("a,\"b,c"));
    }

    @Test
    void shouldStripALeadingByteOrderMarkOnly() {
        assertEquals("key,ts", Csv.stripBom("\uFEFFkey,ts"));
        assertEquals("key,\uFEFF", Csv.stripBom("key,\uFEFF"));
    }

    @Test
    void shouldReadEveryTimestampFormTheReadersShare() {
        long t = Instant.parse("2024-05-01T12:00:00Z").toEpochMilli();
        assertEquals(t, Csv.epochMillis(" " + t + " "));
        assertEquals(t, Csv.epochMillis("2024-05-01T12:00:00Z"));
        assertEquals(t, Csv.epochMillis("2024-05-01T14:00:00+02:00"));
        assertEquals(t, Csv.epochMillis("2024-05-01 12:00:00"));
        assertEquals(t, Csv.epochMillis("2024-05-01T12:00"));
        assertEquals(t + 250, Csv.epochMillis("2024-05-01 12:00:00.250"));
    }

    @Test
    void shouldRejectWhatIsNoTimestamp() {
        for (String bad : new String[] {"", "-5", "yesterday", "2024-05-01", "12:00:00"}) {
            assertThrows(DateTimeParseException.class, () -> Csv.epochMillis(bad), bad);
        }
        assertThrows(NumberFormatException.class, () -> Csv.epochMillis("99999999999999999999"));
    }
}
