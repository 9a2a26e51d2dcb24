package io.grustreams.stream;

import static io.grustreams.stream.TopologyHarness.props;
import static io.grustreams.stream.TopologyHarness.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.grustreams.model.GruModel;
import io.grustreams.model.codec.HostileModelFiles;
import io.grustreams.model.codec.ModelCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile models on the models topic, through the whole topology: each is a counted rejection with
 * its reason, the model in use stays, and the stream goes on; a model that overflows on a key's
 * inputs at run time dead-letters that event and leaves the key as it was.
 */
class HostileModelTopologyTest {

    private static final long T0 = 1714564800000L;
    private static final List<String> ONE = List.of("value");
    private static final int HUNDRED_MIB = 100 << 20;

    @TempDir(factory = TargetTempDir.class)
    Path dir;

    @Test
    void shouldRejectEveryHostileModelRecordWithItsReasonAndKeepServingThePreviousModel() {
        GruModel v1 = TestModels.random("m", 1, ONE, 8, 51);
        GruModel v2 = TestModels.random("m", 2, ONE, 8, 52);
        byte[] valid = ModelCodec.toJson(v2);
        List<HostileModelFiles.Hostile> hostile = new ArrayList<>(HostileModelFiles.refusedByTheCodec(valid));
        // A valid model padded to 100 MiB: the topic may have been configured to take it, the stream does not read it.
        hostile.add(new HostileModelFiles.Hostile("a 100 MiB record", HostileModelFiles.padded(valid, HUNDRED_MIB),
                "gru.model.max.bytes"));
        List<double[]> xs = new ArrayList<>();
        try (TopologyHarness h = new TopologyHarness(props(), dir)) {
            h.publish(ModelRegistry.recordKey(v1), v1);
            xs.add(new double[] {10.0});
            h.event("a", T0, 10.0);
            for (int i = 0; i < hostile.size(); i++) {
                HostileModelFiles.Hostile bad = hostile.get(i);
                h.models.pipeInput(ModelRegistry.recordKey(v2), bad.bytes());
                assertEquals(i + 1.0, h.total(StreamMetrics.MODELS_REJECTED), bad.name());
                ModelRegistry.Rejection last = h.registry.rejections().get(0);
                assertEquals("m@2", last.key(), bad.name());
                assertTrue(last.reason().startsWith(bad.field().equals("gru.model.max.bytes") ? "the record has "
                        + HUNDRED_MIB + " bytes, more than gru.model.max.bytes=16777216; not read" : bad.field() + ": "),
                        bad.name() + ": " + last.reason());
                assertTrue(last.reason().length() < 1100, bad.name() + ": a reason is clipped, whatever the record");
                double x = 10.0 + 0.1 * (i + 1);
                xs.add(new double[] {x});
                h.event("a", T0 + 1000L * (i + 1), x);
            }
            assertEquals(1.0, h.metric(StreamMetrics.MODELS_REJECTED, "reason", "too-large"));
            assertEquals(hostile.size() - 1.0, h.metric(StreamMetrics.MODELS_REJECTED, "reason", "invalid"));
            assertEquals(1.0, h.metric(StreamMetrics.MODELS_ACCEPTED));
            assertEquals(1.0, h.metric(StreamMetrics.MODEL_NEWEST_VERSION));
            assertEquals(1, h.registry.models().size());
            assertEquals(ModelCodec.checksum(v1.parameters()), ModelCodec.checksum(h.registry.models().get(0).parameters()));
            assertEquals(ModelRegistry.REJECTIONS_KEPT, h.registry.rejections().size());

            // Every event was served by v1, as if no hostile record had come.
            double[][] underV1 = TopologyHarness.direct(v1, xs.toArray(new double[0][]));
            List<JsonNode> out = h.readForecasts();
            assertEquals(xs.size(), out.size());
            for (int t = 0; t < xs.size(); t++) {
                assertEquals(1, out.get(t).get("modelVersion").asLong());
                assertArrayEquals(underV1[t], h.forecastOf(out.get(t)), "forecast " + t);
            }
            assertTrue(h.deadLetters.isEmpty());

            // And the registry still takes the real v2.
            h.publish(ModelRegistry.recordKey(v2), v2);
            assertEquals(2.0, h.metric(StreamMetrics.MODEL_NEWEST_VERSION));
        }
    }

    @Test
    void shouldRejectARecordAboveTheConfiguredModelMaxBytes() {
        GruModel v1 = TestModels.random("m", 1, ONE, 8, 51);
        byte[] file = ModelCodec.toJson(v1);
        try (TopologyHarness h = new TopologyHarness(props(StreamSettings.MODEL_MAX_BYTES,
                Integer.toString(file.length - 1)), dir)) {
            h.models.pipeInput(ModelRegistry.recordKey(v1), file);
            assertEquals(1.0, h.metric(StreamMetrics.MODELS_REJECTED, "reason", "too-large"));
            assertEquals("the record has " + file.length + " bytes, more than gru.model.max.bytes=" + (file.length - 1)
                    + "; not read", h.registry.rejections().get(0).reason());
        }
        try (TopologyHarness h = new TopologyHarness(props(StreamSettings.MODEL_MAX_BYTES,
                Integer.toString(file.length)), dir.resolve("at-the-limit"))) {
            h.models.pipeInput(ModelRegistry.recordKey(v1), file);
            assertEquals(1.0, h.metric(StreamMetrics.MODELS_ACCEPTED));
        }
    }


    @Test
    void shouldDeadLetterAnEventTheModelOverflowsOnAndLeaveTheKeyAsItWas() {
        GruModel model = BadInputs.overflowsFarFromTheMean("m", Instant.parse("2024-05-01T00:00:00Z"));
        List<double[]> goods = new ArrayList<>();
        try (TopologyHarness h = new TopologyHarness(props("gru.ring.size", "8"), dir)) {
            h.publish(ModelRegistry.recordKey(model), model);
            long t = T0;
            // Enough events to seal ring blocks (W = 8), so a block written for the bad event would show.
            for (int i = 0; i < 20; i++) {
                double x = 10.0 + 0.01 * (i % 7);
                goods.add(new double[] {x});
                h.event("a", t, x);
                h.event("b", t, x);
                t += 1000;
            }
            byte[] before = h.stateStore().get(Bytes.wrap(utf8("a")));
            h.event("a", t, 100.0);
            t += 1000;
            assertArrayEquals(before, h.stateStore().get(Bytes.wrap(utf8("a"))), "the key's stored state is as it was");

            var letters = h.deadLetters.readRecordsToList();
            assertEquals(1, letters.size());
            assertArrayEquals(utf8("{\"ts\":" + (t - 1000) + ",\"value\":100.0}"), letters.get(0).value());
            assertEquals("non-finite-forecast", header(letters.get(0).headers().lastHeader(DeadLetters.REASON)));
            assertEquals("model m v1 gave a non-finite hidden state or forecast on this event; the key's state is"
                    + " unchanged", header(letters.get(0).headers().lastHeader(DeadLetters.DETAIL)));
            assertEquals(1.0, h.metric(StreamMetrics.DEAD_LETTERS, "reason", BadInput.NON_FINITE_FORECAST.code()));

            // The stream goes on, for this key too, as if the event had never come.
            for (int i = 0; i < 10; i++) {
                double x = 10.05 - 0.01 * i;
                goods.add(new double[] {x});
                h.event("a", t, x);
                h.event("b", t, x);
                t += 1000;
            }
            double[][] expected = TopologyHarness.direct(model, goods.toArray(new double[0][]));
            List<double[]> ofA = new ArrayList<>();
            List<double[]> ofB = new ArrayList<>();
            for (JsonNode f : h.readForecasts()) {
                (f.get("key").asText().equals("a") ? ofA : ofB).add(h.forecastOf(f));
            }
            assertEquals(goods.size(), ofA.size());
            for (int i = 0; i < goods.size(); i++) {
                assertArrayEquals(expected[i], ofA.get(i), "a, forecast " + i);
                assertArrayEquals(ofB.get(i), ofA.get(i), "a and b saw the same good events: " + i);
            }
            assertEquals(2.0 * goods.size(), h.metric(StreamMetrics.FORECASTS));
            assertArrayEquals(h.stateStore().get(Bytes.wrap(utf8("b"))), h.stateStore().get(Bytes.wrap(utf8("a"))));
        }
    }

    private static String header(Header h) {
        return new String(h.value(), StandardCharsets.UTF_8);
    }
}
