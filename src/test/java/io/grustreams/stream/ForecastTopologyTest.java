package io.grustreams.stream;

import static io.grustreams.stream.TopologyHarness.props;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.grustreams.engine.KeyProcessor;
import io.grustreams.model.GruModel;
import io.grustreams.model.InputSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model with per-key scaling, time inputs and a direct readout of several horizons, served through
 * the whole topology: every record carries what the per-key engine (which backtest and NAB run)
 * computes for the same events.
 */
class ForecastTopologyTest {

    private static final long T0 = 1711839600000L; // 2024-03-30T23:00:00Z, a night before a DST change in Berlin
    private static final List<String> FEATURES = List.of("temp", "load");

    @TempDir(factory = TargetTempDir.class)
    Path dir;

    @Test
    void shouldWriteExactlyTheEnginesForecastsForEveryHorizonAndKey() throws Exception {
        Map<String, String> gru = Map.of("gru.features", "temp,load", "gru.forecast.horizon", "3",
                "gru.inputs.time", "time-of-day,day-of-week,gap", "gru.inputs.time-zone", "Europe/Berlin",
                "gru.inputs.scale-half-life", "48", "gru.ring.size", "16");
        StreamSettings settings = StreamSettings.fromProperties(props(gru));
        GruModel model = TestModels.perKey("m", 1, FEATURES, 5, 3, settings.inputs());
        Random rnd = new Random(4);
        String[] keys = {"small", "large"};
        long[][] ts = new long[2][120];
        double[][][] x = new double[2][120][];
        for (int k = 0; k < 2; k++) {
            long t = T0;
            for (int i = 0; i < 120; i++) {
                t += 600_000L + rnd.nextInt(60_000);
                ts[k][i] = t;
                double scale = k == 0 ? 1 : 5000;
                x[k][i] = new double[] {scale * (20 + Math.sin(i / 6.0) + 0.1 * rnd.nextGaussian()),
                    rnd.nextDouble()};
            }
        }
        List<JsonNode> records;
        try (TopologyHarness h = new TopologyHarness(props(gru), dir)) {
            h.publish(ModelRegistry.recordKey(model), model);
            for (int i = 0; i < 120; i++) {
                for (int k = 0; k < 2; k++) {
                    h.event(keys[k], ts[k][i], x[k][i]);
                }
            }
            records = h.readForecasts();
        }
        assertEquals(240, records.size());
        for (int k = 0; k < 2; k++) {
            KeyProcessor engine = new KeyProcessor(settings.engine());
            KeyProcessor.Outcome out = new KeyProcessor.Outcome(2, 3);
            for (int i = 0; i < 120; i++) {
                engine.process(model, ts[k][i], x[k][i], out);
                JsonNode r = records.get(2 * i + k);
                assertEquals(keys[k], r.get("key").asText());
                for (int j = 0; j < 2; j++) {
                    String f = FEATURES.get(j);
                    assertEquals(out.forecasts()[j], r.get("forecast").get(f).doubleValue(), 0.0);
                    for (int hz = 0; hz < 3; hz++) {
                        assertEquals(out.forecasts()[hz * 2 + j], r.get("ahead").get(f).get(hz).doubleValue(), 0.0,
                                keys[k] + " event " + i + " " + f + " +" + (hz + 1));
                    }
                    if (out.hadForecast()) {
                        assertEquals(out.expected()[j], r.get("expected").get(f).doubleValue(), 0.0);
                    }
                }
                if (out.hadForecast()) {
                    assertEquals(out.verdict().anomalyScore(), r.get("anomalyScore").doubleValue(), 0.0);
                } else {
                    assertTrue(r.get("anomalyScore").isNull());
                }
            }
        }
    }

    @Test
    void shouldRejectAModelTrainedForAnotherTimeZoneAndKeepWaiting() throws Exception {
        Map<String, String> gru = Map.of("gru.inputs.time-zone", "Europe/Berlin");
        StreamSettings settings = StreamSettings.fromProperties(props(gru));
        InputSpec utc = new InputSpec(InputSpec.Scaling.PER_KEY, settings.inputs().scaleHalfLife(),
                settings.inputs().time(), java.time.ZoneId.of("UTC"), 1, InputSpec.Readout.DIRECT);
        try (TopologyHarness h = new TopologyHarness(props(gru), dir)) {
            h.publish("m@1", TestModels.perKey("m", 1, List.of("value"), 3, 1, utc));
            h.event("a", T0, 1.0);
            assertTrue(h.readForecasts().isEmpty(), "no model is served");
            assertEquals(1.0, h.metric("models-rejected-total", "reason", "not-servable"));
            assertEquals(1.0, h.metric("waiting-for-model"));
        }
    }

    @Test
    void shouldWriteNoAheadFieldForOneHorizon() throws Exception {
        StreamSettings settings = StreamSettings.defaults();
        try (TopologyHarness h = new TopologyHarness(props(Map.of()), dir)) {
            h.publish("m@1", TestModels.perKey("m", 1, List.of("value"), 3, 1, settings.inputs()));
            h.event("a", T0, 1.0);
            h.event("a", T0 + 60_000, 2.0);
            List<JsonNode> r = h.readForecasts();
            assertEquals(2, r.size());
            assertNull(r.get(1).get("ahead"));
            assertTrue(r.get(1).get("forecast").get("value").isNumber());
        }
    }
}
