package io.grustreams.stream;

import static io.grustreams.stream.TopologyHarness.props;
import static io.grustreams.stream.TopologyHarness.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.grustreams.engine.KeyProcessor;
import io.grustreams.model.GruModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Odd event orders through the whole topology: an event older than its key's last one and the same
 * event sent twice are dead-lettered with their reason and counted; a burst at one time and an event
 * after months are processed. Every forecast is the per-key engine's on the events the stream kept,
 * which is what the backtest computes too.
 */
class EventOrderTopologyTest {

    private static final long T0 = 1714564800000L;
    private static final long MINUTE = 60_000L;
    private static final Map<String, String> GRU = Map.of("gru.features", "temp,load",
            "gru.inputs.time", "time-of-day,day-of-week,gap", "gru.ring.size", "16");

    @TempDir(factory = TargetTempDir.class)
    Path dir;

    private record Event(String key, long ts, double[] values) {
    }

    private static double[] reading(Random rnd) {
        return new double[] {20 + rnd.nextGaussian(), 0.5 + 0.1 * rnd.nextGaussian()};
    }

    @Test
    void shouldDeadLetterAnEventOlderThanItsKeysLastAndForecastAsIfItHadNeverCome() {
        Random rnd = new Random(7);
        List<Event> sent = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            sent.add(new Event("a", T0 + i * MINUTE, reading(rnd)));
            // Key b runs ten minutes behind a: older than a's events, but in order for b.
            sent.add(new Event("b", T0 - 10 * MINUTE + i * MINUTE, reading(rnd)));
        }
        Event late = new Event("a", T0 + 12 * MINUTE + 1, reading(rnd));
        sent.add(41, late);
        try (TopologyHarness h = new TopologyHarness(props(GRU), dir)) {
            GruModel model = TestModels.perKey("m", 1, h.settings.features(), 6, 1, h.settings.inputs());
            h.publish(ModelRegistry.recordKey(model), model);
            for (Event e : sent) {
                h.event(e.key(), e.ts(), e.values());
            }

            var letters = h.deadLetters.readRecordsToList();
            assertEquals(1, letters.size());
            assertEquals("out-of-order", header(letters.get(0).headers(), DeadLetters.REASON));
            String detail = header(letters.get(0).headers(), DeadLetters.DETAIL);
            assertTrue(detail.contains(Long.toString(late.ts())) && detail.contains(Long.toString(T0 + 20 * MINUTE)),
                    detail);
            assertEquals("41", header(letters.get(0).headers(), DeadLetters.SOURCE_OFFSET));
            assertEquals(late.ts(), letters.get(0).timestamp());
            assertEquals(1.0, h.metric(StreamMetrics.DEAD_LETTERS, "reason", "out-of-order"));
            sent.remove(late);
            assertForecastsAreTheEnginesOn(sent, h, model);
        }
    }

    @Test
    void shouldWriteNothingToTheStoreForAnEventLeftOut() {
        Random rnd = new Random(11);
        List<Event> sent = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            sent.add(new Event("a", T0 + i * MINUTE, reading(rnd)));
        }
        try (TopologyHarness h = new TopologyHarness(props(GRU), dir)) {
            GruModel model = TestModels.perKey("m", 1, h.settings.features(), 6, 1, h.settings.inputs());
            h.publish(ModelRegistry.recordKey(model), model);
            for (Event e : sent) {
                h.event(e.key(), e.ts(), e.values());
            }
            double written = h.metric(StreamMetrics.STORE_BYTES, "store", "state");
            Event last = sent.get(sent.size() - 1);
            h.event("a", T0 - MINUTE, reading(rnd));
            h.event("a", last.ts(), last.values());
            assertEquals(written, h.metric(StreamMetrics.STORE_BYTES, "store", "state"),
                    "a left-out event puts no state");
            assertEquals(2, h.deadLetters.readRecordsToList().size());
            Event next = new Event("a", T0 + 10 * MINUTE, reading(rnd));
            h.event(next.key(), next.ts(), next.values());
            sent.add(next);
            assertForecastsAreTheEnginesOn(sent, h, model);
        }
    }

    @Test
    void shouldDeadLetterTheSameEventSentTwiceButProcessAnotherAtTheSameTime() {
        Random rnd = new Random(8);
        double[] first = reading(rnd);
        double[] other = reading(rnd);
        try (TopologyHarness h = new TopologyHarness(props(GRU), dir)) {
            GruModel model = TestModels.perKey("m", 1, h.settings.features(), 6, 1, h.settings.inputs());
            h.publish(ModelRegistry.recordKey(model), model);
            h.event("a", T0, reading(rnd));
            h.event("a", T0 + MINUTE, first);
            h.event("a", T0 + MINUTE, first);
            h.event("a", T0 + MINUTE, other);
            // A record without "ts" takes the record's time: the same rule applies to it.
            h.events.pipeInput(new TestRecord<>(utf8("a"), utf8("{\"values\":{\"temp\":" + other[0] + ",\"load\":"
                    + other[1] + "}}"), null, T0 + MINUTE));

            var letters = h.deadLetters.readRecordsToList();
            assertEquals(2, letters.size());
            for (var letter : letters) {
                assertEquals("duplicate", header(letter.headers(), DeadLetters.REASON));
            }
            assertEquals(List.of("2", "4"), letters.stream()
                    .map(l -> header(l.headers(), DeadLetters.SOURCE_OFFSET)).toList());
            assertEquals(2.0, h.metric(StreamMetrics.DEAD_LETTERS, "reason", "duplicate"));
            assertEquals(3, h.readForecasts().size());
        }
    }

    @Test
    void shouldProcessABurstOfAThousandEventsAtOneTimeInOffsetOrder() {
        Random rnd = new Random(9);
        List<Event> sent = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            sent.add(new Event("a", T0 + i * MINUTE, reading(rnd)));
        }
        for (int i = 0; i < 1000; i++) {
            sent.add(new Event("a", T0 + 20 * MINUTE, reading(rnd)));
        }
        sent.add(new Event("a", T0 + 21 * MINUTE, reading(rnd)));
        try (TopologyHarness h = new TopologyHarness(props(GRU), dir)) {
            GruModel model = TestModels.perKey("m", 1, h.settings.features(), 6, 1, h.settings.inputs());
            h.publish(ModelRegistry.recordKey(model), model);
            for (Event e : sent) {
                h.event(e.key(), e.ts(), e.values());
            }
            assertTrue(h.deadLetters.isEmpty());
            assertForecastsAreTheEnginesOn(sent, h, model);
        }
    }

    @Test
    void shouldContinueAKeyAfterAGapOfMonths() {
        Random rnd = new Random(10);
        List<Event> sent = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            sent.add(new Event("a", T0 + i * MINUTE, reading(rnd)));
        }
        long monthsLater = T0 + 40 * MINUTE + 120L * 86_400_000L;
        double[] back = reading(rnd);
        sent.add(new Event("a", monthsLater, back));
        try (TopologyHarness h = new TopologyHarness(props(GRU), dir)) {
            GruModel model = TestModels.perKey("m", 1, h.settings.features(), 6, 1, h.settings.inputs());
            h.publish(ModelRegistry.recordKey(model), model);
            for (Event e : sent) {
                h.event(e.key(), e.ts(), e.values());
            }
            h.event("fresh", monthsLater, back);
            assertTrue(h.deadLetters.isEmpty());
            List<JsonNode> out = h.readForecasts();
            JsonNode after = out.get(40);
            // Scored against the forecast made before the gap: the key went on, it was not started afresh.
            assertTrue(after.get("expected").get("temp").isNumber(), after.toString());
            assertNotEquals(h.forecastOf(out.get(41))[0], h.forecastOf(after)[0]);
            for (double f : h.forecastOf(after)) {
                assertTrue(Double.isFinite(f), after.toString());
            }
            assertForecastsAreTheEnginesOn(sent, h, model, out.subList(0, 41));
        }
    }

    @Test
    void shouldDeadLetterALateEventBeforeAnyModelExists() {
        try (TopologyHarness h = new TopologyHarness(props(), dir)) {
            h.event("k", T0 + MINUTE, 1.0);
            h.event("k", T0, 2.0);
            h.event("k", T0 + MINUTE, 1.0);
            h.event("k", T0 + 2 * MINUTE, 3.0);
            var letters = h.deadLetters.readRecordsToList();
            assertEquals(List.of("out-of-order", "duplicate"), letters.stream()
                    .map(l -> header(l.headers(), DeadLetters.REASON)).toList());
            assertEquals(2.0, h.metric(StreamMetrics.EVENTS_WITHOUT_MODEL));
        }
    }

    private static void assertForecastsAreTheEnginesOn(List<Event> kept, TopologyHarness h, GruModel model) {
        assertForecastsAreTheEnginesOn(kept, h, model, h.readForecasts());
    }

    /** The stream's records are, one for one, what a per-key engine makes of the kept events. */
    private static void assertForecastsAreTheEnginesOn(List<Event> kept, TopologyHarness h, GruModel model,
            List<JsonNode> records) {
        assertEquals(kept.size(), records.size());
        Map<String, KeyProcessor> engines = new java.util.HashMap<>();
        KeyProcessor.Outcome out = new KeyProcessor.Outcome(2, 1);
        for (int i = 0; i < kept.size(); i++) {
            Event e = kept.get(i);
            KeyProcessor engine = engines.computeIfAbsent(e.key(), k -> new KeyProcessor(h.settings.engine()));
            engine.process(model, e.ts(), e.values(), out);
            assertTrue(out.accepted(), "event " + i);
            JsonNode r = records.get(i);
            assertEquals(e.key(), r.get("key").asText());
            assertArrayEquals(out.forecasts(), h.forecastOf(r), 0.0, "event " + i);
        }
        assertFalse(records.isEmpty());
    }

    private static String header(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
