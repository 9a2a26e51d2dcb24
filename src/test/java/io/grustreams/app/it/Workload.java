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
import java.util.Arrays;
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

    /**
     * One input record as produced: key and value bytes (either may be null), the record timestamp,
     * and headers of its own (name, value), in order.
     */
    record Event(byte[] key, byte[] value, long ts, List<Map.Entry<String, String>> headers) {
        /** A good event of a key: {@code {"ts": ts, "value": value}}, no headers. */
        static Event good(String key, long ts, double value) {
            return new Event(utf8(key), utf8("{\"ts\":" + ts + ",\"value\":" + value + "}"), ts, List.of());
        }
    }

    /**
     * One bad record of every kind a producer can write for the single feature {@code value} that is
     * bad in itself (the event-order kinds depend on the key's last event, see {@link #mixed}), some
     * in more than one form. Each is a (key, value)
     * pair; the key "k" is replaced by the workload's key.
     */
    static final List<Map.Entry<byte[], byte[]>> BAD = List.of(
            Map.entry(utf8("k"), utf8("value=1")),
            Map.entry(utf8("k"), utf8("[1, 2]")),
            Map.entry(utf8("k"), utf8("{\"ts\": 5}")),
            Map.entry(utf8("k"), utf8("{\"value\": 1, \"values\": {\"value\": 1}}")),
            Map.entry(utf8("k"), utf8("{\"value\": \"one\"}")),
            Map.entry(utf8("k"), utf8("{\"value\": NaN}")),
            Map.entry(utf8("k"), utf8("{\"value\": -Infinity}")),
            Map.entry(utf8("k"), utf8("{\"value\": 1e999}")),
            Map.entry(utf8("k"), utf8("{\"values\": {}}")),
            Map.entry(utf8("k"), utf8("{\"values\": {\"load\": 1}}")),
            Map.entry(utf8("k"), utf8("{\"ts\": \"noon\", \"value\": 1}")),
            Map.entry(new byte[0], utf8("{\"value\": 1}")),
            Map.entry(new byte[] {(byte) 0xc3, (byte) 0x28}, utf8("{\"value\": 1}")),
            Map.entry(utf8("k"), new byte[0]),
            Map.entry(utf8("k"), tooLarge()),
            Map.entry(utf8("k"), randomBytes()));

    private static byte[] tooLarge() {
        byte[] v = new byte[70_000];
        Arrays.fill(v, (byte) ' ');
        byte[] head = utf8("{\"value\": 1}");
        System.arraycopy(head, 0, v, 0, head.length);
        return v;
    }

    private static byte[] randomBytes() {
        byte[] v = new byte[256];
        new Random(99).nextBytes(v);
        v[0] = '{';
        return v;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
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
        return model(seed, List.of("value"));
    }

    /** A seeded model of {@code features}, each normalized as the workload's values are. */
    static GruModel model(long seed, List<String> features) {
        Random rnd = new Random(seed);
        int hidden = 8;
        int d = features.size();
        GruLayout layout = GruLayout.of(Variant.CHO, d, hidden, d);
        double[] w = new double[layout.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = (2 * rnd.nextDouble() - 1) / Math.sqrt(hidden);
        }
        double[] mean = new double[d];
        double[] std = new double[d];
        Arrays.fill(mean, 10);
        Arrays.fill(std, 3);
        return new GruModel("it", 1, Instant.EPOCH, features, new Normalization(mean, std), new Parameters(layout, w),
                Map.of("test", "it"));
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
                out.add(Event.good("key-" + k, T0 + 1000L * t, v));
            }
        }
        return out;
    }

    /**
     * {@link #events} with bad records among them: after the good events of every third step, one
     * bad record, keyed like one of the step's keys so it shares that key's partition, and carrying
     * {@code trace} headers of its own. The kinds come in turn: each of {@link #BAD}, then the key's
     * event of this step again (a duplicate), then an event older than the key's last (out of order);
     * 54 steps hold every kind. A record with a null key and one with a null value come every 54
     * steps as well.
     */
    static List<Event> mixed(int keys, int from, int to, long seed) {
        List<Event> out = new ArrayList<>();
        int kinds = BAD.size() + 2;
        for (int t = from; t < to; t++) {
            List<Event> step = events(keys, t, t + 1, seed);
            out.addAll(step);
            if (t % 3 != 1) {
                continue;
            }
            long ts = T0 + 1000L * t + 500;
            List<Map.Entry<String, String>> trace = List.of(Map.entry("trace", "t-" + t), Map.entry("trace", "again"));
            int kind = t / 3 % kinds;
            byte[] key = utf8("key-" + t % keys);
            if (kind == BAD.size()) {
                Event last = step.get(t % keys);
                out.add(new Event(last.key(), last.value(), ts, trace));
            } else if (kind == BAD.size() + 1) {
                out.add(new Event(key, utf8("{\"ts\":" + (T0 + 1000L * (t - 1)) + ",\"value\":10.0}"), ts, trace));
            } else {
                Map.Entry<byte[], byte[]> bad = BAD.get(kind);
                out.add(new Event(Arrays.equals(bad.getKey(), utf8("k")) ? key : bad.getKey(), bad.getValue(),
                        ts, trace));
            }
            if (kind == 0) {
                out.add(new Event(null, utf8("{\"value\": 1}"), ts, trace));
                out.add(new Event(utf8("key-" + (t + 1) % keys), null, ts, trace));
            }
        }
        return out;
    }
}
