package io.grustreams.app.it;

import io.grustreams.model.GruLayout;
import io.grustreams.model.GruModel;
import io.grustreams.model.Normalization;
import io.grustreams.model.Parameters;
import io.grustreams.model.Variant;
import io.grustreams.model.codec.ModelCodec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;

/**
 * What the integration tests feed the stream: a seeded model and seeded single-feature events for
 * many keys (a sine plus noise, with spikes so that alerts open), and the gru.* settings that make
 * alerts come within a few dozen events.
 */
final class Workload {

    /**
     * Event time of step 0: the start of the current hour. Not a fixed date: outputs carry the
     * event time, and the topic files' retention (7 days for forecasts) would delete older records.
     */
    static final long T0 = System.currentTimeMillis() / 3_600_000L * 3_600_000L;

    /** One input event. */
    record Event(String key, long ts, double value) {
        byte[] json() {
            return ("{\"ts\":" + ts + ",\"value\":" + value + "}").getBytes(StandardCharsets.UTF_8);
        }
    }

    private Workload() {
    }

    /** Anomaly windows short enough that the spikes of {@link #events} open alerts. */
    static Properties anomalySettings() {
        Properties p = new Properties();
        p.setProperty("gru.anomaly.residual-warmup", "5");
        p.setProperty("gru.anomaly.short-window", "3");
        p.setProperty("gru.anomaly.long-window", "40");
        p.setProperty("gru.anomaly.learning-period", "20");
        p.setProperty("gru.anomaly.open-threshold", "0.85");
        p.setProperty("gru.anomaly.open-after", "1");
        p.setProperty("gru.anomaly.resolve-threshold", "0.5");
        p.setProperty("gru.anomaly.resolve-after", "3");
        p.setProperty("gru.anomaly.cooldown", "5");
        p.setProperty("gru.ring.size", "32");
        return p;
    }

    static GruModel model(long seed) {
        Random rnd = new Random(seed);
        int hidden = 8;
        GruLayout layout = GruLayout.of(Variant.CHO, 1, hidden, 1);
        double[] w = new double[layout.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = (2 * rnd.nextDouble() - 1) / Math.sqrt(hidden);
        }
        return new GruModel("it", 1, Instant.EPOCH, List.of("value"), new Normalization(new double[] {10},
                new double[] {3}), new Parameters(layout, w), Map.of("test", "it"));
    }

    static byte[] modelJson(long seed) {
        return ModelCodec.toJson(model(seed));
    }

    /**
     * Events {@code from} (inclusive) to {@code to} (exclusive) of every key, time-major: all keys'
     * event t before any key's event t + 1. Key k's values are the same whatever the range.
     */
    static List<Event> events(int keys, int from, int to, long seed) {
        List<Event> out = new ArrayList<>();
        for (int t = from; t < to; t++) {
            for (int k = 0; k < keys; k++) {
                Random rnd = new Random(seed * 1_000_003L + k * 10_007L + t);
                double v = 10 + 3 * Math.sin(0.2 * t + k) + 0.2 * rnd.nextGaussian();
                if (t > 30 && t % 37 < 6) {
                    v += 40;
                }
                out.add(new Event("key-" + k, T0 + 1000L * t, v));
            }
        }
        return out;
    }
}
