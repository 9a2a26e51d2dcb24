package io.grustreams.train;

import io.grustreams.model.EventOrder;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Builds a {@link History} from a stream of events in bounded memory: a uniform random sample of at
 * most {@code maxKeys} keys, and of each sampled key its newest {@code maxEventsPerKey} events.
 *
 * <p>Keys: a bottom-k sample. Each key gets a seeded 64-bit hash of its characters ({@link #hash}); the
 * sample is the {@code maxKeys} keys of smallest (hash, key). Hashes of distinct keys are as good as
 * independent uniform draws, so every set of {@code maxKeys} keys is equally likely; the sample depends
 * only on the set of keys and the seed, not on the order events arrive in. It is kept streaming: a
 * new key enters while the sample has room, or in place of the largest sampled key if it is smaller,
 * whose events are then dropped. Since the largest sampled hash only falls, a key once left out never
 * comes back, and a key in the final sample was sampled from its first event on: it has all its events.
 *
 * <p>Events: per sampled key a ring of at most {@code maxEventsPerKey} timestamps and values (primitive
 * arrays, grown by doubling up to the cap), so the newest events in arrival order are kept. A key's
 * events keep their order of {@link #add} calls; how the keys' events interleave changes nothing.
 *
 * <p>Memory: about {@code maxKeys × maxEventsPerKey × (8 + 8·D)} bytes for the rings plus a map entry
 * per sampled key, whatever the number of keys and events given. An event of a key that is not
 * sampled costs a hash and a comparison; the storage of a key that leaves the sample is reused by the
 * key that takes its place. Not thread-safe; {@link #build()} once.
 */
public final class HistorySampler {

    /** A sampled key's ring of events. */
    private static final class Slot {
        String key;
        long hash;
        long[] timestamps;
        double[] values;
        /** Events in the ring, at most the cap. */
        int size;
        /** Where the next event goes once the ring is full (its oldest event). */
        int head;
        /** Events of this key given so far, kept or not. */
        long seen;
    }

    /** Larger (hash, key) first: the head is the key the next smaller newcomer replaces. */
    private static final Comparator<Slot> LARGEST_FIRST = (a, b) -> {
        int c = Long.compareUnsigned(b.hash, a.hash);
        return c != 0 ? c : b.key.compareTo(a.key);
    };

    private static final int INITIAL_CAPACITY = 16;

    private final int features;
    private final SampleLimits limits;
    private final long seed;
    private final Map<String, Slot> sampled = new HashMap<>();
    private final PriorityQueue<Slot> largest = new PriorityQueue<>(LARGEST_FIRST);
    private long eventsSeen;
    private boolean overflowed;
    /** Set by {@link #build()}, which empties the sample. */
    private SampleSummary built;

    /**
     * @param features D: values per event
     * @param seed chooses the key sample
     */
    public HistorySampler(int features, SampleLimits limits, long seed) {
        if (features < 1) {
            throw new IllegalArgumentException("an event needs at least one feature, got " + features);
        }
        this.features = features;
        this.limits = limits;
        this.seed = seed;
    }

    /**
     * The seeded 64-bit hash that ranks {@code key}: its UTF-16 characters folded in one by one by a
     * multiply-rotate step from a state set by the seed, then the length, through SplitMix64's
     * finalizer, whose avalanche makes the result of every key and seed look uniform.
     */
    public static long hash(String key, long seed) {
        long h = mix(seed + 0x9E3779B97F4A7C15L);
        for (int i = 0; i < key.length(); i++) {
            h = Long.rotateLeft((h ^ key.charAt(i)) * 0xBF58476D1CE4E5B9L, 29);
        }
        return mix(h ^ key.length());
    }

    /** SplitMix64's finalizer (Steele, Lea and Flood 2014): a bijection in which every bit affects every bit. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Offers one event of {@code key}: kept if the key is in the sample (possibly entering it now),
     * pushing out the key's oldest event if its ring is full. An event of a sampled key that is older
     * than the key's last kept one, or that event again, is left out as the stream leaves it out
     * ({@link EventOrder}) and counted nowhere here: the caller counts it by the order returned.
     *
     * @param values D finite values in original units; not modified
     * @return {@link EventOrder#NEXT} unless the event was left out for its order (a key outside the
     *     sample is not compared)
     * @throws IllegalArgumentException on a wrong count or a value that is not finite
     * @throws IllegalStateException after {@link #build()}
     */
    public EventOrder add(String key, long timestamp, double[] values) {
        if (built != null) {
            throw new IllegalStateException("the sample is built");
        }
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
        long h = hash(key, seed);
        boolean full = sampled.size() == limits.maxKeys();
        // Past the largest sampled key: not sampled, and never will be. Most events of a large window end here.
        if (full && isAbove(h, key, largest.peek())) {
            eventsSeen++;
            overflowed = true;
            return EventOrder.NEXT;
        }
        Slot slot = sampled.get(key);
        if (slot != null && slot.size > 0) {
            int newest = slot.size < limits.maxEventsPerKey() ? slot.size - 1
                    : (slot.head == 0 ? slot.size : slot.head) - 1;
            EventOrder order = EventOrder.of(timestamp, values, slot.timestamps[newest], slot.values,
                    newest * features);
            if (order != EventOrder.NEXT) {
                return order;
            }
        }
        eventsSeen++;
        if (slot == null) {
            slot = full ? evictLargest() : new Slot();
            slot.key = key;
            slot.hash = h;
            sampled.put(key, slot);
            largest.add(slot);
        }
        append(slot, timestamp, values);
        return EventOrder.NEXT;
    }

    private static boolean isAbove(long h, String key, Slot s) {
        int c = Long.compareUnsigned(h, s.hash);
        return c > 0 || c == 0 && key.compareTo(s.key) > 0;
    }

    /** Takes the largest key out of the sample; returns its slot, emptied, for the newcomer. */
    private Slot evictLargest() {
        overflowed = true;
        Slot s = largest.poll();
        sampled.remove(s.key);
        s.size = 0;
        s.head = 0;
        s.seen = 0;
        return s;
    }

    private void append(Slot s, long ts, double[] v) {
        int cap = limits.maxEventsPerKey();
        s.seen++;
        if (s.size < cap) {
            if (s.timestamps == null || s.size == s.timestamps.length) {
                int n = s.timestamps == null ? Math.min(INITIAL_CAPACITY, cap)
                        : (int) Math.min(cap, 2L * s.timestamps.length);
                s.timestamps = s.timestamps == null ? new long[n] : Arrays.copyOf(s.timestamps, n);
                s.values = s.values == null ? new double[n * features] : Arrays.copyOf(s.values, n * features);
            }
            s.timestamps[s.size] = ts;
            System.arraycopy(v, 0, s.values, s.size * features, features);
            s.size++;
            return;
        }
        s.timestamps[s.head] = ts;
        System.arraycopy(v, 0, s.values, s.head * features, features);
        s.head = s.head + 1 == cap ? 0 : s.head + 1;
    }

    /** What was kept and dropped so far (by the sample {@link #build()} made, after it). */
    public SampleSummary summary() {
        if (built != null) {
            return built;
        }
        long kept = 0;
        long byEventCap = 0;
        for (Slot s : sampled.values()) {
            kept += s.size;
            byEventCap += s.seen - s.size;
        }
        return new SampleSummary(seed, limits.maxKeys(), limits.maxEventsPerKey(), keysSeen(), !overflowed,
                sampled.size(), eventsSeen, kept, eventsSeen - kept - byEventCap, byEventCap);
    }

    /**
     * Distinct keys seen. Exact while they fit the sample; beyond, the bottom-k estimate
     * {@code (k − 1) / u_k} with {@code u_k} the largest sampled hash as a fraction of 2^64 (relative
     * standard error about {@code 1/√(k − 2)}: 0.7 % for 20,000 keys), and at least one more than kept.
     */
    private long keysSeen() {
        int k = sampled.size();
        if (!overflowed) {
            return k;
        }
        double u = ((largest.peek().hash >>> 11) + 1) * 0x1.0p-53;
        return Math.max(k + 1L, Math.round((k - 1) / u));
    }

    /**
     * The sample as a history, keys sorted. Frees the rings as it goes, so the sample and the history
     * are not both held in full.
     *
     * @throws IllegalStateException if called twice
     */
    public History build() {
        if (built != null) {
            throw new IllegalStateException("the sample is built");
        }
        built = summary();
        List<Slot> slots = new ArrayList<>(sampled.values());
        sampled.clear();
        largest.clear();
        slots.sort(Comparator.comparing(s -> s.key));
        List<History.KeySeries> series = new ArrayList<>(slots.size());
        for (int i = 0; i < slots.size(); i++) {
            Slot s = slots.get(i);
            slots.set(i, null);
            series.add(unroll(s));
        }
        return History.of(features, series);
    }

    /** The ring oldest first, in arrays of exactly its size (its own when they already are). */
    private History.KeySeries unroll(Slot s) {
        long[] ts;
        double[] v;
        if (s.head == 0 && s.size == s.timestamps.length) {
            ts = s.timestamps;
            v = s.values;
        } else {
            ts = new long[s.size];
            v = new double[s.size * features];
            int older = s.size - s.head;
            // Not wrapped: head is 0 and the events are [0, size). Wrapped: [head, size) then [0, head).
            System.arraycopy(s.timestamps, s.head, ts, 0, older);
            System.arraycopy(s.timestamps, 0, ts, older, s.head);
            System.arraycopy(s.values, s.head * features, v, 0, older * features);
            System.arraycopy(s.values, 0, v, older * features, s.head * features);
        }
        s.timestamps = null;
        s.values = null;
        return new History.KeySeries(s.key, ts, v, features);
    }
}
