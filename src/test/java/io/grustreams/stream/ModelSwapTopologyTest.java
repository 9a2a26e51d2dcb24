package io.grustreams.stream;

import static io.grustreams.stream.TopologyHarness.props;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.grustreams.engine.KeyState;
import io.grustreams.engine.KeyStateCodec;
import io.grustreams.model.GruModel;
import io.grustreams.model.RecurrentStepper;
import io.grustreams.model.codec.ModelCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Model hot-swap through the whole topology: effective times, lazy re-warm, alerts across a swap. */
class ModelSwapTopologyTest {

    private static final long T0 = 1714564800000L;
    private static final List<String> ONE = List.of("value");

    @TempDir(factory = TargetTempDir.class)
    Path dir;

    private static double[] series(long seed, int n) {
        Random rnd = new Random(seed);
        double[] x = new double[n];
        for (int t = 0; t < n; t++) {
            x[t] = 10 + 3 * Math.sin(0.05 * t) + 0.3 * rnd.nextGaussian();
        }
        return x;
    }

    private static double[][] column(double[] xs) {
        double[][] c = new double[xs.length][];
        for (int t = 0; t < xs.length; t++) {
            c[t] = new double[] {xs[t]};
        }
        return c;
    }

    private static GruModel effective(GruModel m, long epochMs) {
        return m.withEffectiveFrom(Instant.ofEpochMilli(epochMs));
    }

    /** Runs {@code model} from h = 0 over {@code xs}; returns h, and the last forecast in {@code y}. */
    private static double[] freshRun(GruModel model, double[] xs, double[] y) {
        RecurrentStepper stepper = RecurrentStepper.forModel(model);
        double[] h = new double[model.layout().hiddenSize()];
        for (double x : xs) {
            stepper.observe(h, new double[] {x}, y);
        }
        return h;
    }

    @Test
    void shouldRewarmToTheBitWhatAFreshRunOfTheNewModelGivesOverTheLastWInputs() {
        int w = 24;
        GruModel v1 = TestModels.random("m", 1, ONE, 8, 31);
        GruModel v2 = effective(TestModels.random("m", 2, ONE, 6, 32), T0 + 100);
        double[] xs = series(4, 130);
        try (TopologyHarness h = new TopologyHarness(props("gru.ring.size", String.valueOf(w)), dir)) {
            h.publish(ModelRegistry.recordKey(v1), v1);
            h.publish(ModelRegistry.recordKey(v2), v2);
            for (int t = 0; t < xs.length; t++) {
                h.event("a", T0 + t, xs[t]);
                if (t == 100) {
                    // The event at v2's effectiveFrom: the key was re-warmed from xs[76..99], then stepped.
                    KeyState state = new KeyState(1, w);
                    new KeyStateCodec(StreamSettings.fromProperties(props("gru.ring.size", String.valueOf(w)))
                            .engine()).decode(
                            h.stateStore().get(Bytes.wrap("a".getBytes(StandardCharsets.UTF_8))), state);
                    assertEquals(2, state.modelVersion());
                    double[] y = new double[1];
                    double[] fresh = freshRun(v2, Arrays.copyOfRange(xs, 100 - w, 101), y);
                    assertArrayEquals(fresh, state.hiddenCopy(), "hidden state after the re-warm and the event");
                    assertArrayEquals(y, state.forecastCopy());
                }
            }
            List<JsonNode> out = h.readForecasts();
            double[] warmY = new double[1];
            freshRun(v2, Arrays.copyOfRange(xs, 100 - w, 100), warmY);
            JsonNode first = out.get(100);
            assertEquals(2, first.get("modelVersion").asLong());
            // The event at the swap is scored against the new model's forecast from the replay.
            assertArrayEquals(warmY, h.features(first.get("expected")));
            assertEquals(1, out.get(99).get("modelVersion").asLong());
            double[][] underV2 = TopologyHarness.direct(v2, column(Arrays.copyOfRange(xs, 100 - w, xs.length)));
            for (int t = 100; t < xs.length; t++) {
                assertArrayEquals(underV2[w + t - 100], h.forecastOf(out.get(t)), "forecast " + t);
            }
            assertEquals(1.0, h.metric(StreamMetrics.REWARMS));
            assertEquals(1.0, h.metric(StreamMetrics.MODEL_SWAPS));
            assertEquals(2.0, h.metric(StreamMetrics.MODEL_VERSION));
            assertTrue(h.metric(StreamMetrics.REWARM_TIME_MAX) > 0);
        }
    }

    /** The forecast and alert records of a run, as bytes. */
    private record Outputs(List<String> forecasts, List<String> alerts) {
    }

    private static Outputs outputs(TopologyHarness h) {
        List<String> f = new ArrayList<>();
        h.forecasts.readValuesToList().forEach(v -> f.add(new String(v, StandardCharsets.UTF_8)));
        List<String> a = new ArrayList<>();
        h.alerts.readValuesToList().forEach(v -> a.add(new String(v, StandardCharsets.UTF_8)));
        return new Outputs(f, a);
    }

    /** Two keys, event times 1 s apart, with one late event of key b after the swap. */
    private static void events(TopologyHarness h, double[] xs, int from, int to) {
        for (int t = from; t < to; t++) {
            h.event("a", T0 + 1000L * t, xs[t]);
            h.event("b", T0 + 1000L * t + 500, xs[t] + 1);
            if (t == 130) {
                // Late for the stream, not for its key (c's first event): its time is before v2's
                // effectiveFrom, so v1 processes it. (One older than its key's last would be dead-lettered.)
                h.event("c", T0 + 1000L * 90 + 700, xs[t] + 1);
            }
        }
    }

    @Test
    void shouldGiveIdenticalOutputsWhetherAModelIsReadLongBeforeItsEffectiveTimeOrJustBefore() {
        GruModel v1 = TestModels.random("m", 1, ONE, 8, 41);
        GruModel v2 = effective(TestModels.random("m", 2, ONE, 8, 42), T0 + 100_000L);
        double[] xs = series(9, 200);
        Properties p = props("gru.ring.size", "32");
        Outputs early;
        try (TopologyHarness h = new TopologyHarness(p, dir.resolve("early"))) {
            h.publish(ModelRegistry.recordKey(v1), v1);
            h.publish(ModelRegistry.recordKey(v2), v2);
            events(h, xs, 0, xs.length);
            early = outputs(h);
        }
        Outputs justBefore;
        try (TopologyHarness h = new TopologyHarness(p, dir.resolve("late"))) {
            h.publish(ModelRegistry.recordKey(v1), v1);
            events(h, xs, 0, 100);
            h.publish(ModelRegistry.recordKey(v2), v2);
            events(h, xs, 100, xs.length);
            justBefore = outputs(h);
        }
        assertEquals(early, justBefore);
        assertEquals(2 * xs.length + 1, early.forecasts().size());

        // Events before v2's effectiveFrom keep v1, from it on v2; the late event of c goes back to v1.
        List<JsonNode> records = early.forecasts().stream().map(ModelSwapTopologyTest::json).toList();
        for (JsonNode r : records) {
            long ts = Instant.parse(r.get("ts").asText()).toEpochMilli();
            assertEquals(ts < T0 + 100_000L ? 1 : 2, r.get("modelVersion").asLong(), r.toString());
        }
        assertEquals(1, records.stream().filter(r -> r.get("key").asText().equals("c")
                && Instant.parse(r.get("ts").asText()).toEpochMilli() == T0 + 90_700L).count());
    }

    private static JsonNode json(String s) {
        try {
            return TopologyHarness.JSON.readTree(s);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void shouldServeTheEarliestEffectiveModelToEventsOlderThanEveryModel() {
        GruModel v3 = effective(TestModels.random("m", 3, ONE, 4, 43), T0 + 50);
        GruModel v4 = effective(TestModels.random("m", 4, ONE, 4, 44), T0 + 80);
        try (TopologyHarness h = new TopologyHarness(props(), dir)) {
            h.publish(ModelRegistry.recordKey(v4), v4);
            h.publish(ModelRegistry.recordKey(v3), v3);
            h.event("a", T0, 10.0);
            h.event("a", T0 + 60, 10.0);
            h.event("a", T0 + 90, 10.0);
            List<Long> versions = h.readForecasts().stream().map(r -> r.get("modelVersion").asLong()).toList();
            assertEquals(List.of(3L, 3L, 4L), versions);
        }
    }

    /** Detector settings that learn within a few hundred events (as in AlertTopologyTest). */
    private static Properties alertSettings(int ring) {
        return props("gru.ring.size", String.valueOf(ring),
                "gru.anomaly.residual-warmup", "20", "gru.anomaly.short-window", "10",
                "gru.anomaly.long-window", "200", "gru.anomaly.learning-period", "100",
                "gru.anomaly.open-threshold", "0.9999", "gru.anomaly.open-after", "2",
                "gru.anomaly.resolve-threshold", "0.99", "gru.anomaly.resolve-after", "10",
                "gru.anomaly.cooldown", "50");
    }

    @Test
    void shouldRaiseNoAlertWhenASteadySeriesIsHandedToAModelWithAnotherBias() {
        // v2 forecasts 1.5 above v1: residuals shift by 5 of their standard deviations (about 0.3).
        GruModel v1 = TestModels.persistence("m", 1);
        GruModel v2 = effective(TestModels.persistence("m", 2, 1.5), T0 + 1000L * 600);
        double[] xs = series(5, 1200);
        try (TopologyHarness h = new TopologyHarness(alertSettings(64), dir)) {
            h.publish(ModelRegistry.recordKey(v1), v1);
            h.publish(ModelRegistry.recordKey(v2), v2);
            for (int t = 0; t < xs.length; t++) {
                h.event("pump-1", T0 + 1000L * t, xs[t]);
            }
            assertEquals(List.of(), h.readAlerts());
            List<JsonNode> out = h.readForecasts();
            JsonNode swap = out.get(600);
            assertEquals(2, swap.get("modelVersion").asLong());
            // Not silenced: the event at the swap is scored, against statistics of the new model's
            // residuals on the ring (mean near -1.5), so its residual of about -1.5 is ordinary.
            assertTrue(swap.get("score").isNumber(), swap::toString);
            assertTrue(swap.get("error").get("value").doubleValue() < -1.0, swap::toString);
            assertTrue(swap.get("likelihood").doubleValue() < 0.9999, swap::toString);
        }
    }

    @Test
    void shouldStillAlertOnABurstAfterASwap() {
        GruModel v1 = TestModels.persistence("m", 1);
        GruModel v2 = effective(TestModels.persistence("m", 2, 1.5), T0 + 1000L * 600);
        double[] xs = series(5, 1200);
        for (int t = 900; t < 912; t++) {
            xs[t] += 25;
        }
        try (TopologyHarness h = new TopologyHarness(alertSettings(64), dir)) {
            h.publish(ModelRegistry.recordKey(v1), v1);
            h.publish(ModelRegistry.recordKey(v2), v2);
            for (int t = 0; t < xs.length; t++) {
                h.event("pump-1", T0 + 1000L * t, xs[t]);
            }
            List<JsonNode> alerts = h.readAlerts();
            assertEquals(2, alerts.size(), alerts::toString);
            assertEquals("OPEN", alerts.get(0).get("state").asText());
            assertEquals(2, alerts.get(0).get("modelVersion").asLong());
            long at = (Instant.parse(alerts.get(0).get("ts").asText()).toEpochMilli() - T0) / 1000;
            assertTrue(at >= 900 && at < 912, "opened at " + at);
        }
    }

    @Test
    void shouldRejectAModelWithOtherFeaturesOrSizesAndKeepServingThePreviousOne() {
        GruModel v1 = TestModels.random("m", 1, ONE, 8, 51);
        try (TopologyHarness h = new TopologyHarness(props(), dir)) {
            h.publish(ModelRegistry.recordKey(v1), v1);
            h.event("a", T0, 10.0);
            GruModel otherName = TestModels.random("m", 2, List.of("temp"), 8, 52);
            GruModel twoInputs = TestModels.random("m", 3, List.of("value", "load"), 8, 53);
            h.publish("m@2", otherName);
            h.publish("m@3", twoInputs);
            // A key that names another version than the model it carries.
            GruModel v5 = TestModels.random("m", 5, ONE, 8, 55);
            h.models.pipeInput("m@4", ModelCodec.toJson(v5));
            assertEquals(3.0, h.metric(StreamMetrics.MODELS_REJECTED, "reason", "not-servable"));
            assertEquals(3.0, h.total(StreamMetrics.MODELS_REJECTED));
            assertEquals(1.0, h.metric(StreamMetrics.MODEL_NEWEST_VERSION));
            assertEquals(1.0, h.metric(StreamMetrics.MODELS_KEPT));
            h.event("a", T0 + 1, 11.0);
            double[][] underV1 = TopologyHarness.direct(v1, new double[][] {{10.0}, {11.0}});
            List<JsonNode> out = h.readForecasts();
            assertEquals(1, out.get(1).get("modelVersion").asLong());
            assertArrayEquals(underV1[1], h.forecastOf(out.get(1)));
            assertEquals(0.0, h.metric(StreamMetrics.MODEL_SWAPS));
        }
    }

    @Test
    void shouldBringBackADroppedModelWhenATombstoneRemovesAKeptOne() {
        try (TopologyHarness h = new TopologyHarness(props("gru.model.keep", "2"), dir)) {
            for (long v = 1; v <= 3; v++) {
                GruModel m = TestModels.random("m", v, ONE, 4, 60 + v);
                h.publish(ModelRegistry.recordKey(m), m);
            }
            assertEquals(2.0, h.metric(StreamMetrics.MODELS_KEPT));
            h.models.pipeInput("m@3", (byte[]) null);
            assertEquals(2.0, h.metric(StreamMetrics.MODELS_KEPT));
            assertEquals(2.0, h.metric(StreamMetrics.MODEL_NEWEST_VERSION));
            h.models.pipeInput("m@2", (byte[]) null);
            h.event("a", T0, 10.0);
            assertEquals(1, h.readForecasts().get(0).get("modelVersion").asLong());
        }
    }
}
