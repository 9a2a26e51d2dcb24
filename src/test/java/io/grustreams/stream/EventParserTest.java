package io.grustreams.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EventParserTest {

    private static final byte[] KEY = "sensor-1".getBytes(StandardCharsets.UTF_8);

    private final EventParser one = new EventParser(List.of("value"), 65536);
    private final EventParser two = new EventParser(List.of("temp", "load"), 65536);

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static ParsedEvent parse(EventParser parser, byte[] key, byte[] value, int features) {
        ParsedEvent e = new ParsedEvent(features);
        parser.parse(key, value, e);
        return e;
    }

    private void assertBad(EventParser parser, int features, byte[] key, byte[] value, BadInput reason) {
        ParsedEvent e = parse(parser, key, value, features);
        assertFalse(e.ok(), () -> "accepted " + new String(value == null ? new byte[0] : value,
                StandardCharsets.UTF_8));
        assertEquals(reason, e.reason(), e.detail());
        assertFalse(e.detail().isBlank());
    }

    @Test
    void shouldReadOneValueWithAnIsoTimestamp() {
        ParsedEvent e = parse(one, KEY, utf8("{\"ts\": \"2024-05-01T12:00:00Z\", \"value\": 21.5}"), 1);
        assertTrue(e.ok(), e::detail);
        assertEquals("sensor-1", e.key);
        assertTrue(e.hasTimestamp);
        assertEquals(1714564800000L, e.timestamp);
        assertEquals(21.5, e.values[0]);
    }

    @Test
    void shouldDecodeAsciiAndOtherUtf8KeysAndRejectMalformedOnes() {
        byte[] value = utf8("{\"value\": 1}");
        for (String key : new String[] {"sensor-1", "\u0000\u007f", "température", "温度计-7", "😀"}) {
            ParsedEvent e = parse(one, utf8(key), value, 1);
            assertTrue(e.ok(), e::detail);
            assertEquals(key, e.key);
        }
        assertBad(one, 1, new byte[] {'a', (byte) 0xC3}, value, BadInput.BAD_KEY);
        assertBad(one, 1, new byte[] {(byte) 0xFF, 'a'}, value, BadInput.BAD_KEY);
    }

    @Test
    void shouldReadEpochMillisOffsetsAndNoTimestamp() {
        ParsedEvent ms = parse(one, KEY, utf8("{\"ts\": 1714564800123, \"value\": -3}"), 1);
        assertEquals(1714564800123L, ms.timestamp);
        ParsedEvent offset = parse(one, KEY, utf8("{\"ts\": \"2024-05-01T14:00:00+02:00\", \"value\": 1}"), 1);
        assertEquals(1714564800000L, offset.timestamp);
        ParsedEvent none = parse(one, KEY, utf8("{\"value\": 1, \"note\": {\"nested\": [1, 2]}}"), 1);
        assertTrue(none.ok(), none::detail);
        assertFalse(none.hasTimestamp);
        ParsedEvent nullTs = parse(one, KEY, utf8("{\"ts\": null, \"value\": 1}"), 1);
        assertTrue(nullTs.ok() && !nullTs.hasTimestamp);
    }

    @Test
    void shouldMapNamedValuesToFeatureOrder() {
        ParsedEvent e = parse(two, KEY, utf8("{\"values\": {\"load\": 0.75, \"temp\": 80}, \"ts\": 5}"), 2);
        assertTrue(e.ok(), e::detail);
        assertArrayEquals(new double[] {80, 0.75}, e.values);
        assertEquals(5L, e.timestamp);
    }

    @Test
    void shouldReuseTheResultWithoutLeakingTheLastEvent() {
        ParsedEvent e = new ParsedEvent(2);
        assertTrue(two.parse(KEY, utf8("{\"ts\": 9, \"values\": {\"temp\": 1, \"load\": 2}}"), e));
        assertFalse(two.parse(KEY, utf8("{\"values\": {\"temp\": 1}}"), e));
        assertEquals(BadInput.WRONG_FEATURE_COUNT, e.reason());
        assertTrue(e.detail().contains("missing load"), e.detail());
        assertTrue(two.parse(KEY, utf8("{\"values\": {\"temp\": 3, \"load\": 4}}"), e));
        assertFalse(e.hasTimestamp);
        assertArrayEquals(new double[] {3, 4}, e.values);
    }

    @Test
    void shouldClassifyEveryKindOfBadInput() {
        assertBad(one, 1, KEY, utf8("not json"), BadInput.NOT_JSON);
        assertBad(one, 1, KEY, utf8("{\"value\": 1"), BadInput.NOT_JSON);
        assertBad(one, 1, KEY, utf8("{\"value\": 1} {\"value\": 2}"), BadInput.NOT_JSON);
        assertBad(one, 1, KEY, utf8("{\"value\": 1, \"value\": 2}"), BadInput.NOT_JSON);
        assertBad(one, 1, KEY, utf8("[1, 2]"), BadInput.NOT_AN_OBJECT);
        assertBad(one, 1, KEY, utf8("42"), BadInput.NOT_AN_OBJECT);
        assertBad(one, 1, KEY, utf8("{\"ts\": 1}"), BadInput.MISSING_VALUE);
        assertBad(one, 1, KEY, utf8("{\"value\": 1, \"values\": {\"value\": 1}}"), BadInput.CONFLICTING_VALUE);
        assertBad(one, 1, KEY, utf8("{\"value\": \"21.5\"}"), BadInput.WRONG_TYPE);
        assertBad(one, 1, KEY, utf8("{\"value\": null}"), BadInput.WRONG_TYPE);
        assertBad(one, 1, KEY, utf8("{\"value\": [1]}"), BadInput.WRONG_TYPE);
        assertBad(two, 2, KEY, utf8("{\"values\": [1, 2]}"), BadInput.WRONG_TYPE);
        assertBad(one, 1, KEY, utf8("{\"value\": NaN}"), BadInput.NOT_FINITE);
        assertBad(one, 1, KEY, utf8("{\"value\": Infinity}"), BadInput.NOT_FINITE);
        assertBad(one, 1, KEY, utf8("{\"value\": -Infinity}"), BadInput.NOT_FINITE);
        assertBad(one, 1, KEY, utf8("{\"value\": 1e999}"), BadInput.NOT_FINITE);
        assertBad(one, 1, KEY, utf8("{\"value\": -1e999}"), BadInput.NOT_FINITE);
        assertBad(one, 1, KEY, utf8("{\"value\": 1" + "0".repeat(400) + "}"), BadInput.NOT_FINITE);
        assertBad(one, 1, null, utf8("{\"value\": 1}"), BadInput.BAD_KEY);
        assertBad(one, 1, new byte[0], utf8("{\"value\": 1}"), BadInput.BAD_KEY);
        assertBad(one, 1, new byte[] {(byte) 0xC3, (byte) 0x28}, utf8("{\"value\": 1}"), BadInput.BAD_KEY);
        assertBad(one, 1, KEY, null, BadInput.EMPTY_VALUE);
        assertBad(one, 1, KEY, new byte[0], BadInput.EMPTY_VALUE);
        assertBad(two, 2, KEY, utf8("{\"value\": 1}"), BadInput.WRONG_FEATURE_COUNT);
        assertBad(two, 2, KEY, utf8("{\"values\": {\"temp\": 1}}"), BadInput.WRONG_FEATURE_COUNT);
        // Both forms at once conflict whatever the feature count, in either order.
        assertBad(two, 2, KEY, utf8("{\"value\": 1, \"values\": {\"temp\": 1, \"load\": 2}}"), BadInput.CONFLICTING_VALUE);
        assertBad(two, 2, KEY, utf8("{\"values\": {\"temp\": 1, \"load\": 2}, \"value\": 1}"), BadInput.CONFLICTING_VALUE);
        assertBad(two, 2, KEY, utf8("{\"values\": {\"temp\": 1, \"load\": 2, \"rpm\": 3}}"), BadInput.UNKNOWN_FEATURE);
        assertBad(two, 2, KEY, utf8("{\"values\": {\"tmp\": 1, \"load\": 2}}"), BadInput.UNKNOWN_FEATURE);
        assertBad(one, 1, KEY, utf8("{\"ts\": \"yesterday\", \"value\": 1}"), BadInput.BAD_TIMESTAMP);
        assertBad(one, 1, KEY, utf8("{\"ts\": \"2024-05-01\", \"value\": 1}"), BadInput.BAD_TIMESTAMP);
        assertBad(one, 1, KEY, utf8("{\"ts\": -5, \"value\": 1}"), BadInput.BAD_TIMESTAMP);
        assertBad(one, 1, KEY, utf8("{\"ts\": 99999999999999999999999, \"value\": 1}"), BadInput.BAD_TIMESTAMP);
        assertBad(one, 1, KEY, utf8("{\"ts\": true, \"value\": 1}"), BadInput.BAD_TIMESTAMP);
    }

    @Test
    void shouldRejectAPayloadLargerThanTheLimitWithoutParsingIt() {
        byte[] big = utf8("{\"value\": 1, \"pad\": \"" + "x".repeat(1 << 20) + "\"}");
        assertBad(one, 1, KEY, big, BadInput.TOO_LARGE);
        EventParser roomy = new EventParser(List.of("value"), 2 << 20);
        assertTrue(parse(roomy, KEY, big, 1).ok());
    }

    @Test
    void shouldNeverThrowOnRandomBytes() {
        Random rnd = new Random(7);
        ParsedEvent e = new ParsedEvent(1);
        for (int i = 0; i < 2000; i++) {
            byte[] junk = new byte[1 + rnd.nextInt(64)];
            rnd.nextBytes(junk);
            if (one.parse(KEY, junk, e)) {
                assertTrue(Double.isFinite(e.values[0]));
            } else {
                assertTrue(e.reason() != null && e.detail() != null);
            }
        }
        byte[] fixed = new byte[256];
        new Random(11).nextBytes(fixed);
        assertBad(one, 1, KEY, fixed, BadInput.NOT_JSON);
    }
}
