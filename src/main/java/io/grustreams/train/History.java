package io.grustreams.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Raw event history per key, as read from the events topic or from files: for each key its events in
 * arrival order (partition order), each with a timestamp and D feature values in original units.
 * Keys are sorted (String order), so a dataset built from the same events is the same whatever order
 * the keys arrived in. Immutable; build it with {@link #builder(int)}, or in bounded memory with a
 * {@link HistorySampler}.
 */
public final class History {

    /** The events of one key, in arrival order. Immutable. */
    public static final class KeySeries {
        private final String key;
        private final long[] timestamps;
        private final double[] values;
        private final int features;

        KeySeries(String key, long[] timestamps, double[] values, int features) {
            this.key = key;
            this.timestamps = timestamps;
            this.values = values;
            this.features = features;
        }

        public String key() {
            return key;
        }

        /** Number of events. */
        public int length() {
            return timestamps.length;
        }

        /** Event time of event {@code t} (epoch ms). */
        public long timestamp(int t) {
            return timestamps[t];
        }

        /** Feature {@code j} of event {@code t}, original units. */
        public double value(int t, int j) {
            return values[t * features + j];
        }

        /** Copies the D values of event {@code t} into {@code out[0..D)}. @param out modified */
        public void copyValues(int t, double[] out) {
            System.arraycopy(values, t * features, out, 0, features);
        }
    }

    private final int features;
    private final List<KeySeries> series;
    private final long events;

    private History(int features, List<KeySeries> series) {
        this.features = features;
        this.series = Collections.unmodifiableList(series);
        long n = 0;
        for (KeySeries s : series) {
            n += s.length();
        }
        this.events = n;
    }

    /** A history of these series, which must be sorted by key, with distinct keys. */
    static History of(int features, List<KeySeries> series) {
        return new History(features, series);
    }

    /** A builder for histories of {@code features} values per event. */
    public static Builder builder(int features) {
        return new Builder(features);
    }

    /** D: values per event. */
    public int features() {
        return features;
    }

    /** The keys' series, sorted by key. */
    public List<KeySeries> series() {
        return series;
    }

    /** Number of keys. */
    public int keys() {
        return series.size();
    }

    /** Number of events over all keys. */
    public long events() {
        return events;
    }

    public boolean isEmpty() {
        return series.isEmpty();
    }

    /** The smallest event time, or {@code Long.MAX_VALUE} when empty. */
    public long firstTimestamp() {
        long min = Long.MAX_VALUE;
        for (KeySeries s : series) {
            for (int t = 0; t < s.length(); t++) {
                min = Math.min(min, s.timestamp(t));
            }
        }
        return min;
    }

    /** The largest event time, or {@code Long.MIN_VALUE} when empty. */
    public long lastTimestamp() {
        long max = Long.MIN_VALUE;
        for (KeySeries s : series) {
            for (int t = 0; t < s.length(); t++) {
                max = Math.max(max, s.timestamp(t));
            }
        }
        return max;
    }

    /**
     * Collects events key by key. Not thread-safe. Each key's events keep the order of the
     * {@link #add} calls.
     */
    public static final class Builder {
        private final int features;
        private final Map<String, Growing> byKey = new TreeMap<>();

        private Builder(int features) {
            if (features < 1) {
                throw new IllegalArgumentException("an event needs at least one feature, got " + features);
            }
            this.features = features;
        }

        /**
         * Appends one event to {@code key}'s series.
         *
         * @param values D finite values in original units; not modified
         * @throws IllegalArgumentException on a wrong count or a value that is not finite
         */
        public Builder add(String key, long timestamp, double[] values) {
            if (values.length != features) {
                throw new IllegalArgumentException("an event of key " + key + " has " + values.length
                        + " values, expected " + features);
            }
            for (int j = 0; j < features; j++) {
                if (!Double.isFinite(values[j])) {
                    throw new IllegalArgumentException("value " + j + " of an event of key " + key
                            + " is not finite: " + values[j]);
                }
            }
            byKey.computeIfAbsent(key, k -> new Growing(features)).add(timestamp, values);
            return this;
        }

        public History build() {
            List<KeySeries> list = new ArrayList<>(byKey.size());
            for (Map.Entry<String, Growing> e : byKey.entrySet()) {
                Growing g = e.getValue();
                list.add(new KeySeries(e.getKey(), Arrays.copyOf(g.timestamps, g.size),
                        Arrays.copyOf(g.values, g.size * features), features));
            }
            return new History(features, list);
        }
    }

    /** Amortized O(1) append of one key's events. */
    private static final class Growing {
        final int features;
        long[] timestamps = new long[16];
        double[] values;
        int size;

        Growing(int features) {
            this.features = features;
            this.values = new double[16 * features];
        }

        void add(long ts, double[] v) {
            if (size == timestamps.length) {
                timestamps = Arrays.copyOf(timestamps, size * 2);
                values = Arrays.copyOf(values, size * 2 * features);
            }
            timestamps[size] = ts;
            System.arraycopy(v, 0, values, size * features, features);
            size++;
        }
    }
}
