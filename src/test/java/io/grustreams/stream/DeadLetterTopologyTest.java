package io.grustreams.stream;

import static io.grustreams.stream.TopologyHarness.props;
import static io.grustreams.stream.TopologyHarness.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.grustreams.model.GruModel;
import io.grustreams.stream.BadInputs.Bad;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeadLetterTopologyTest {

    private static final long T0 = 1714564800000L;
    private static final List<String> FEATURES = List.of("temp", "load");

    @TempDir(factory = TargetTempDir.class)
    Path dir;

    @Test
    void shouldSendEveryBadInputUnchangedToTheDeadLetterTopicAndProcessItsNeighbours() {
        GruModel model = TestModels.random("m", 1, FEATURES, 6, 8);
        List<Bad> bads = BadInputs.ofEveryKind(1_000_000);
        List<double[]> goods = new ArrayList<>();
        Random rnd = new Random(4);
        try (TopologyHarness h = new TopologyHarness(props("gru.features", "temp,load"), dir)) {
            h.publish("m:1", model);
            long offset = 0;
            long[] badOffsets = new long[bads.size()];
            for (int i = 0; i < bads.size(); i++) {
                double[] before = {20 + rnd.nextGaussian(), 0.5 + 0.1 * rnd.nextGaussian()};
                double[] after = {20 + rnd.nextGaussian(), 0.5 + 0.1 * rnd.nextGaussian()};
                h.event("k", T0 + 3 * i, before);
                goods.add(before);
                Headers original = new RecordHeaders().add("trace", utf8("t-" + i));
                h.events.pipeInput(new TestRecord<>(bads.get(i).key(), bads.get(i).value(), original, T0 + 3 * i + 1));
                badOffsets[i] = offset + 1;
                h.event("k", T0 + 3 * i + 2, after);
                goods.add(after);
                offset += 3;
            }

            var letters = h.deadLetters.readRecordsToList();
            assertEquals(bads.size(), letters.size());
            Map<BadInput, Integer> perReason = new EnumMap<>(BadInput.class);
            for (int i = 0; i < bads.size(); i++) {
                Bad bad = bads.get(i);
                var letter = letters.get(i);
                assertArrayEquals(bad.key(), letter.key(), bad.name());
                assertArrayEquals(bad.value(), letter.value(), bad.name());
                assertEquals(T0 + 3 * i + 1, letter.timestamp(), bad.name());
                Headers hs = letter.headers();
                assertEquals(bad.reason().code(), header(hs, DeadLetters.REASON), bad.name());
                assertFalse(header(hs, DeadLetters.DETAIL).isBlank(), bad.name());
                assertEquals("events", header(hs, DeadLetters.SOURCE_TOPIC), bad.name());
                assertEquals("0", header(hs, DeadLetters.SOURCE_PARTITION), bad.name());
                assertEquals(Long.toString(badOffsets[i]), header(hs, DeadLetters.SOURCE_OFFSET), bad.name());
                assertEquals("t-" + i, header(hs, "trace"), bad.name());
                perReason.merge(bad.reason(), 1, Integer::sum);
            }
            for (BadInput reason : BadInput.values()) {
                assertEquals(perReason.getOrDefault(reason, 0).doubleValue(),
                        h.metric(StreamMetrics.DEAD_LETTERS, "reason", reason.code()), reason.code());
            }

            // The good neighbours went through as if the bad records had never been there.
            double[][] expected = TopologyHarness.direct(model, goods.toArray(new double[0][]));
            List<JsonNode> out = h.readForecasts();
            assertEquals(goods.size(), out.size());
            for (int t = 0; t < goods.size(); t++) {
                assertArrayEquals(expected[t], h.forecastOf(out.get(t)), "forecast " + t);
            }
        }
    }

    @Test
    void shouldDeadLetterBadInputBeforeAnyModelExists() {
        try (TopologyHarness h = new TopologyHarness(props(), dir)) {
            h.event("k", T0, 1.0);
            h.events.pipeInput(utf8("k"), utf8("{\"value\": \"one\"}"), T0 + 1);
            h.event("k", T0 + 2, 2.0);
            var letters = h.deadLetters.readRecordsToList();
            assertEquals(1, letters.size());
            assertEquals("wrong-type", header(letters.get(0).headers(), DeadLetters.REASON));
            assertEquals(2.0, h.metric(StreamMetrics.EVENTS_WITHOUT_MODEL));
            assertEquals(1.0, h.metric(StreamMetrics.DEAD_LETTERS, "reason", "wrong-type"));
        }
    }

    @Test
    void shouldStartAKeyAfreshWhenItsStoredStateIsDamaged() {
        GruModel model = TestModels.random("m", 1, List.of("value"), 4, 8);
        try (TopologyHarness h = new TopologyHarness(props(), dir)) {
            h.publish("m:1", model);
            h.event("k", T0, 1.0);
            h.stateStore().put(org.apache.kafka.common.utils.Bytes.wrap(utf8("k")), new byte[] {1, 0, 0});
            h.event("k", T0 + 1, 2.0);
            List<JsonNode> out = h.readForecasts();
            assertEquals(2, out.size());
            assertArrayEquals(TopologyHarness.direct(model, new double[][] {{2.0}})[0], h.forecastOf(out.get(1)));
            assertEquals(1.0, h.metric(StreamMetrics.STATE_RESETS));
        }
    }

    private static String header(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        assertNotNull(h, name);
        return new String(h.value(), StandardCharsets.UTF_8);
    }
}
