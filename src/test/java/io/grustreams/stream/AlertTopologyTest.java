package io.grustreams.stream;

import static io.grustreams.stream.TopologyHarness.props;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.grustreams.model.GruModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertTopologyTest {

    private static final long T0 = 1714564800000L;
    private static final int NORMAL = 600;
    private static final int BURST_AT = 400;
    private static final int BURST = 12;

    @TempDir(factory = TargetTempDir.class)
    Path dir;

    /** A shorter long window and learning period so the detector learns within a few hundred events. */
    private static Properties settings() {
        return props("gru.anomaly.residual-warmup", "20", "gru.anomaly.short-window", "10",
                "gru.anomaly.long-window", "200", "gru.anomaly.learning-period", "100",
                "gru.anomaly.open-threshold", "0.9999", "gru.anomaly.open-after", "2",
                "gru.anomaly.resolve-threshold", "0.99", "gru.anomaly.resolve-after", "10",
                "gru.anomaly.cooldown", "50");
    }

    private static double[] signal(long seed, int n) {
        Random rnd = new Random(seed);
        double[] x = new double[n];
        for (int t = 0; t < n; t++) {
            x[t] = 10 + 3 * Math.sin(0.05 * t) + 0.3 * rnd.nextGaussian();
        }
        return x;
    }

    private static List<JsonNode> run(Path dir, double[] xs) {
        // A model that forecasts well (persistence) leaves residuals that are mostly noise, which is
        // what the detector assumes; a random model's residuals follow the signal and hide a burst.
        GruModel model = TestModels.persistence("m", 1);
        try (TopologyHarness h = new TopologyHarness(settings(), dir)) {
            h.publish("m:1", model);
            for (int t = 0; t < xs.length; t++) {
                h.event("pump-1", T0 + 1000L * t, xs[t]);
            }
            List<JsonNode> alerts = h.readAlerts();
            long open = alerts.stream().filter(a -> a.get("state").asText().equals("OPEN")).count();
            assertEquals(open, (long) h.metric(StreamMetrics.ALERTS, "transition", "OPEN"));
            assertEquals(alerts.size() - open, (long) h.metric(StreamMetrics.ALERTS, "transition", "RESOLVED"));
            return alerts;
        }
    }

    @Test
    void shouldRaiseNoAlertOnNormalData() {
        assertEquals(List.of(), run(dir, signal(5, 2 * NORMAL)));
    }

    @Test
    void shouldOpenAndResolveOneAlertForOneAnomalousBurst() {
        double[] xs = signal(5, NORMAL);
        for (int t = BURST_AT; t < BURST_AT + BURST; t++) {
            xs[t] += 25;
        }
        List<JsonNode> alerts = run(dir, xs);
        assertEquals(2, alerts.size(), alerts::toString);
        JsonNode open = alerts.get(0);
        JsonNode resolved = alerts.get(1);
        assertEquals("OPEN", open.get("state").asText());
        assertEquals("RESOLVED", resolved.get("state").asText());
        long openedAt = (java.time.Instant.parse(open.get("ts").asText()).toEpochMilli() - T0) / 1000;
        assertTrue(openedAt >= BURST_AT && openedAt < BURST_AT + BURST, "opened at event " + openedAt);
        assertTrue(java.time.Instant.parse(resolved.get("ts").asText())
                .isAfter(java.time.Instant.parse(open.get("ts").asText())));
        assertEquals("pump-1", open.get("key").asText());
        assertEquals("m", open.get("model").asText());
        assertEquals(1, open.get("modelVersion").asLong());
        assertTrue(open.get("likelihood").doubleValue() >= 0.9999, open::toString);
        assertTrue(open.get("actual").get("value").doubleValue() > 30, open::toString);
        assertTrue(open.get("expected").get("value").isNumber());
        assertTrue(!open.get("reason").asText().isBlank());
    }
}
