package io.grustreams.stream;

import static io.grustreams.stream.TopologyHarness.props;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.grustreams.model.GruModel;
import io.grustreams.model.Variant;
import io.grustreams.model.codec.ModelCodec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GruTopologyTest {

    private static final long T0 = 1714564800000L;
    private static final List<String> ONE = List.of("value");

    @TempDir(factory = TargetTempDir.class)
    Path dir;

    private static double[][] series(long seed, int n, int features) {
        Random rnd = new Random(seed);
        double[][] s = new double[n][features];
        for (int t = 0; t < n; t++) {
            for (int f = 0; f < features; f++) {
                s[t][f] = 10.0 * (f + 1) + 3 * Math.sin(0.2 * t + f) + 0.5 * rnd.nextGaussian();
            }
        }
        return s;
    }

    @Test
    void shouldMatchStepperObserveBitForBitForOneKey() {
        GruModel model = TestModels.random("m", 1, ONE, 8, 42);
        double[][] xs = series(1, 200, 1);
        try (TopologyHarness h = new TopologyHarness(props(), dir)) {
            h.publish("m:1", model);
            for (int t = 0; t < xs.length; t++) {
                h.event("a", T0 + t, xs[t][0]);
            }
            List<JsonNode> out = h.readForecasts();
            double[][] expected = TopologyHarness.direct(model, xs);
            assertEquals(xs.length, out.size());
            for (int t = 0; t < xs.length; t++) {
                JsonNode r = out.get(t);
                assertEquals("a", r.get("key").asText());
                assertEquals(java.time.Instant.ofEpochMilli(T0 + t).toString(), r.get("ts").asText());
                assertEquals("m", r.get("model").asText());
                assertEquals(1, r.get("modelVersion").asLong());
                assertArrayEquals(expected[t], h.forecastOf(r), "forecast " + t);
                assertArrayEquals(xs[t], h.features(r.get("actual")));
                if (t == 0) {
                    assertTrue(r.get("expected").isNull() && r.get("error").isNull() && r.get("score").isNull());
                } else {
                    assertArrayEquals(expected[t - 1], h.features(r.get("expected")));
                    assertEquals(xs[t][0] - expected[t - 1][0], r.get("error").get("value").doubleValue());
                    // Scores start once the default residual warm-up (30 residuals) is complete.
                    boolean scored = t > 30;
                    assertEquals(scored, r.get("score").isNumber(), "score " + t);
                    assertEquals(scored, r.get("likelihood").isNumber(), "likelihood " + t);
                    double anomalyScore = r.get("anomalyScore").doubleValue();
                    assertTrue(anomalyScore >= 0 && anomalyScore <= 1, "anomalyScore " + t + ": " + anomalyScore);
                }
            }
            assertEquals(xs.length, h.metric(StreamMetrics.FORECASTS));
            assertEquals(0.0, h.metric(StreamMetrics.WAITING_FOR_MODEL));
            assertEquals(1.0, h.metric(StreamMetrics.MODEL_VERSION));
        }
    }

    @Test
    void shouldScoreEveryValueBeyondADeclaredRangeAsOutOfRange() {
        GruModel model = TestModels.random("m", 1, ONE, 8, 42);
        double[][] xs = series(1, 120, 1);
        // The series swings about 10 ± 3.5: the declared [0, 12] is narrower than what the key shows.
        Map<Integer, Double> declared = anomalyScores(model, xs, dir.resolve("declared"),
                props("gru.feature.value.min", "0", "gru.feature.value.max", "12"));
        Map<Integer, Double> plain = anomalyScores(model, xs, dir.resolve("plain"), props());
        int beyond = 0;
        int onlyDeclared = 0;
        for (int t = 1; t < xs.length; t++) {
            if (xs[t][0] > 12.24) {
                beyond++;
                assertEquals(1.0, declared.get(t), "event " + t);
                onlyDeclared += plain.get(t) < 1.0 ? 1 : 0;
            }
        }
        assertTrue(beyond > 5 && onlyDeclared > 0, beyond + " beyond, " + onlyDeclared + " only by the declared range");
    }

    /** The anomaly score of each event but the first, by event index. */
    private static Map<Integer, Double> anomalyScores(GruModel model, double[][] xs, Path stateDir,
            java.util.Properties settings) {
        try (TopologyHarness h = new TopologyHarness(settings, stateDir)) {
            h.publish("m:1", model);
            for (int t = 0; t < xs.length; t++) {
                h.event("a", T0 + t, xs[t][0]);
            }
            Map<Integer, Double> scores = new HashMap<>();
            List<JsonNode> out = h.readForecasts();
            for (int t = 1; t < out.size(); t++) {
                scores.put(t, out.get(t).get("anomalyScore").doubleValue());
            }
            return scores;
        }
    }

    @Test
    void shouldGiveEachInterleavedKeyWhatItWouldGetAlone() {
        List<String> features = List.of("temp", "load");
        GruModel model = TestModels.random("m", 1, List.of("load", "temp"), 6, 7, Variant.PYTORCH);
        Map<String, double[][]> byKey = new LinkedHashMap<>();
        for (int k = 0; k < 5; k++) {
            byKey.put("key-" + k, series(100 + k, 60, 2));
        }
        try (TopologyHarness h = new TopologyHarness(props("gru.features", "temp,load"), dir)) {
            h.publish("m:1", model);
            Random order = new Random(3);
            Map<String, Integer> next = new HashMap<>();
            int remaining = 5 * 60;
            long ts = T0;
            while (remaining > 0) {
                String key = "key-" + order.nextInt(5);
                int t = next.getOrDefault(key, 0);
                if (t == 60) {
                    continue;
                }
                h.event(key, ts++, byKey.get(key)[t]);
                next.put(key, t + 1);
                remaining--;
            }
            Map<String, List<double[]>> got = new HashMap<>();
            for (JsonNode r : h.readForecasts()) {
                got.computeIfAbsent(r.get("key").asText(), k -> new ArrayList<>()).add(h.forecastOf(r));
            }
            for (Map.Entry<String, double[][]> e : byKey.entrySet()) {
                double[][] alone = directPermuted(model, features, e.getValue());
                List<double[]> mine = got.get(e.getKey());
                assertEquals(alone.length, mine.size());
                for (int t = 0; t < alone.length; t++) {
                    assertArrayEquals(alone[t], mine.get(t), e.getKey() + " forecast " + t);
                }
            }
        }
    }

    /** {@link TopologyHarness#direct} for a model whose feature order differs from the stream's. */
    private static double[][] directPermuted(GruModel model, List<String> streamFeatures, double[][] xs) {
        int d = streamFeatures.size();
        int[] toStream = new int[d];
        for (int i = 0; i < d; i++) {
            toStream[i] = streamFeatures.indexOf(model.featureNames().get(i));
        }
        double[][] inModelOrder = new double[xs.length][d];
        for (int t = 0; t < xs.length; t++) {
            for (int i = 0; i < d; i++) {
                inModelOrder[t][i] = xs[t][toStream[i]];
            }
        }
        double[][] y = TopologyHarness.direct(model, inModelOrder);
        double[][] back = new double[xs.length][d];
        for (int t = 0; t < xs.length; t++) {
            for (int i = 0; i < d; i++) {
                back[t][toStream[i]] = y[t][i];
            }
        }
        return back;
    }

    @Test
    void shouldContinueEveryKeyFromItsStoredStateAlone() {
        GruModel model = TestModels.random("m", 1, ONE, 8, 5);
        double[][] a = series(11, 80, 1);
        double[][] b = series(12, 80, 1);
        List<KeyValue<Bytes, byte[]>> saved = new ArrayList<>();
        try (TopologyHarness first = new TopologyHarness(props(), dir.resolve("first"))) {
            first.publish("m:1", model);
            for (int t = 0; t < 50; t++) {
                first.event("a", T0 + 2 * t, a[t][0]);
                first.event("b", T0 + 2 * t + 1, b[t][0]);
            }
            try (KeyValueIterator<Bytes, byte[]> it = first.stateStore().all()) {
                it.forEachRemaining(saved::add);
            }
        }
        // A new instance that has nothing but the stored per-key state (and the models topic).
        try (TopologyHarness second = new TopologyHarness(props(), dir.resolve("second"))) {
            second.publish("m:1", model);
            for (KeyValue<Bytes, byte[]> kv : saved) {
                second.stateStore().put(kv.key, kv.value);
            }
            for (int t = 50; t < 80; t++) {
                second.event("a", T0 + 2 * t, a[t][0]);
                second.event("b", T0 + 2 * t + 1, b[t][0]);
            }
            double[][] fa = TopologyHarness.direct(model, a);
            double[][] fb = TopologyHarness.direct(model, b);
            List<JsonNode> out = second.readForecasts();
            assertEquals(60, out.size());
            for (int i = 0; i < 60; i++) {
                int t = 50 + i / 2;
                JsonNode r = out.get(i);
                double[][] expected = r.get("key").asText().equals("a") ? fa : fb;
                assertArrayEquals(expected[t], second.forecastOf(r), r.get("key").asText() + " " + t);
                assertArrayEquals(expected[t - 1], second.features(r.get("expected")));
            }
        }
    }

    @Test
    void shouldWaitForAModelThenWarmEachKeyFromItsRingBuffer() {
        GruModel v1 = TestModels.random("m", 1, ONE, 8, 21);
        double[][] xs = series(2, 40, 1);
        try (TopologyHarness h = new TopologyHarness(props("gru.ring.size", "16"), dir)) {
            for (int t = 0; t < 20; t++) {
                h.event("a", T0 + t, xs[t][0]);
            }
            assertTrue(h.forecasts.isEmpty());
            assertEquals(1.0, h.metric(StreamMetrics.WAITING_FOR_MODEL));
            assertEquals(20.0, h.metric(StreamMetrics.EVENTS_WITHOUT_MODEL));
            assertEquals(-1.0, h.metric(StreamMetrics.MODEL_VERSION));

            h.publish("m:1", v1);
            assertEquals(0.0, h.metric(StreamMetrics.WAITING_FOR_MODEL));
            for (int t = 20; t < 40; t++) {
                h.event("a", T0 + t, xs[t][0]);
            }
            // The first forecast is the model run over the last W = 16 buffered events, then onwards.
            double[][] warm = TopologyHarness.direct(v1, java.util.Arrays.copyOfRange(xs, 4, 40));
            List<JsonNode> out = h.readForecasts();
            assertEquals(20, out.size());
            for (int i = 0; i < 20; i++) {
                assertArrayEquals(warm[16 + i], h.forecastOf(out.get(i)), "forecast " + i);
            }
            assertArrayEquals(warm[15], h.features(out.get(0).get("expected")));
            assertEquals(1.0, h.metric(StreamMetrics.REWARMS));
        }
    }

    @Test
    void shouldRejectABadModelAndKeepServingTheCurrentOne() {
        GruModel v1 = TestModels.random("m", 1, ONE, 8, 21);
        GruModel v2 = TestModels.random("m", 2, ONE, 5, 22);
        double[][] xs = series(3, 30, 1);
        try (TopologyHarness h = new TopologyHarness(props("gru.ring.size", "8"), dir)) {
            h.publish("m:1", v1);
            for (int t = 0; t < 10; t++) {
                h.event("a", T0 + t, xs[t][0]);
            }
            h.models.pipeInput("m:2", TopologyHarness.utf8("{\"format\": \"gru-streams-model\", \"version\": 1"));
            h.models.pipeInput("m:2", TopologyHarness.utf8("[]"));
            h.publish("m:2", TestModels.random("m", 2, List.of("temp"), 5, 22));
            h.models.pipeInput((String) null, ModelCodec.toJson(v2));
            assertEquals(2.0, h.metric(StreamMetrics.MODELS_REJECTED, "reason", "invalid"));
            assertEquals(1.0, h.metric(StreamMetrics.MODELS_REJECTED, "reason", "not-servable"));
            assertEquals(1.0, h.metric(StreamMetrics.MODELS_REJECTED, "reason", "no-key"));
            assertEquals(4.0, h.total(StreamMetrics.MODELS_REJECTED));
            assertEquals(1.0, h.metric(StreamMetrics.MODELS_ACCEPTED));
            assertEquals(1.0, h.metric(StreamMetrics.MODEL_VERSION));
            for (int t = 10; t < 20; t++) {
                h.event("a", T0 + t, xs[t][0]);
            }
            double[][] underV1 = TopologyHarness.direct(v1, java.util.Arrays.copyOfRange(xs, 0, 20));
            List<JsonNode> out = h.readForecasts();
            for (int t = 0; t < 20; t++) {
                assertEquals(1, out.get(t).get("modelVersion").asLong());
                assertArrayEquals(underV1[t], h.forecastOf(out.get(t)));
            }

            // A valid newer model takes over; the key is re-warmed from its last W = 8 events.
            h.publish("m:2", v2);
            for (int t = 20; t < 30; t++) {
                h.event("a", T0 + t, xs[t][0]);
            }
            double[][] underV2 = TopologyHarness.direct(v2, java.util.Arrays.copyOfRange(xs, 12, 30));
            out = h.readForecasts();
            assertEquals(10, out.size());
            for (int i = 0; i < 10; i++) {
                assertEquals(2, out.get(i).get("modelVersion").asLong());
                assertArrayEquals(underV2[8 + i], h.forecastOf(out.get(i)));
            }
            // A tombstone for v2 brings v1 back.
            h.models.pipeInput("m:2", (byte[]) null);
            h.event("a", T0 + 30, 1.0);
            assertEquals(1, h.readForecasts().get(0).get("modelVersion").asLong());
        }
    }

    @Test
    void shouldForecastButNotScoreAValueBeyondTheDetectorsRange() {
        GruModel model = TestModels.random("m", 1, ONE, 4, 9);
        double[][] xs = {{10.0}, {1e200}, {11.0}};
        try (TopologyHarness h = new TopologyHarness(props("gru.anomaly.residual-warmup", "2"), dir)) {
            h.publish("m:1", model);
            for (int t = 0; t < 3; t++) {
                h.event("a", T0 + t, xs[t][0]);
            }
            double[][] expected = TopologyHarness.direct(model, xs);
            List<JsonNode> out = h.readForecasts();
            assertEquals(3, out.size());
            for (int t = 0; t < 3; t++) {
                assertArrayEquals(expected[t], h.forecastOf(out.get(t)));
            }
            assertTrue(out.get(1).get("score").isNull() && out.get(1).get("expected").isObject());
            assertTrue(h.deadLetters.isEmpty());
        }
    }
}
