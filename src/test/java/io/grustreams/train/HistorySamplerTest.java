package io.grustreams.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grustreams.model.EventOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HistorySamplerTest {

    /** One event of a key, with its index in the key's own sequence. */
    private record Event(String key, long ts, double value) {
    }

    /** Keys "k0".."k{keys-1}", key k with 1 + (k mod 7) events whose values name key and index. */
    private static List<Event> population(int keys) {
        List<Event> events = new ArrayList<>();
        for (int k = 0; k < keys; k++) {
            for (int t = 0; t <= k % 7; t++) {
                events.add(new Event("k" + k, 1000L * t, k + t / 10.0));
            }
        }
        return events;
    }

    private static HistorySampler feed(List<Event> events, SampleLimits limits, long seed) {
        HistorySampler s = new HistorySampler(1, limits, seed);
        double[] v = new double[1];
        for (Event e : events) {
            v[0] = e.value();
            s.add(e.key(), e.ts(), v);
        }
        return s;
    }

    private static Set<String> keys(History h) {
        Set<String> keys = new HashSet<>();
        for (History.KeySeries s : h.series()) {
            keys.add(s.key());
        }
        return keys;
    }

    private static void assertSameHistory(History a, History b) {
        assertEquals(a.keys(), b.keys());
        for (int k = 0; k < a.keys(); k++) {
            History.KeySeries x = a.series().get(k);
            History.KeySeries y = b.series().get(k);
            assertEquals(x.key(), y.key());
            assertEquals(x.length(), y.length(), x.key());
            for (int t = 0; t < x.length(); t++) {
                assertEquals(x.timestamp(t), y.timestamp(t));
                assertEquals(x.value(t, 0), y.value(t, 0));
            }
        }
    }

    @Test
    void shouldKeepTheSameKeysWhateverTheReadOrder() {
        List<Event> keyMajor = population(5000);
        // Interleaved at random, each key's own order kept: a topic's partitions read in another order.
        List<Event> interleaved = interleave(keyMajor, new SplittableRandom(11));
        List<Event> reversedKeys = new ArrayList<>();
        for (int k = 4999; k >= 0; k--) {
            for (Event e : keyMajor) {
                if (e.key().equals("k" + k)) {
                    reversedKeys.add(e);
                }
            }
        }
        SampleLimits limits = new SampleLimits(300, 4);
        HistorySampler a = feed(keyMajor, limits, 42);
        HistorySampler b = feed(interleaved, limits, 42);
        HistorySampler c = feed(reversedKeys, limits, 42);
        History ha = a.build();
        assertEquals(300, ha.keys());
        assertSameHistory(ha, b.build());
        assertSameHistory(ha, c.build());
        assertEquals(a.summary(), b.summary());
        assertEquals(a.summary(), c.summary());
    }

    /** Events of all keys in a random interleaving that keeps every key's own order. */
    private static List<Event> interleave(List<Event> keyMajor, SplittableRandom rng) {
        List<List<Event>> perKey = new ArrayList<>();
        String last = null;
        for (Event e : keyMajor) {
            if (!e.key().equals(last)) {
                perKey.add(new ArrayList<>());
                last = e.key();
            }
            perKey.get(perKey.size() - 1).add(e);
        }
        List<Event> out = new ArrayList<>();
        int[] next = new int[perKey.size()];
        List<Integer> open = new ArrayList<>();
        for (int k = 0; k < perKey.size(); k++) {
            open.add(k);
        }
        while (!open.isEmpty()) {
            int i = rng.nextInt(open.size());
            int k = open.get(i);
            out.add(perKey.get(k).get(next[k]++));
            if (next[k] == perKey.get(k).size()) {
                open.set(i, open.get(open.size() - 1));
                open.remove(open.size() - 1);
            }
        }
        return out;
    }

    @Test
    void shouldKeepEverythingWhenTheWindowFitsTheCaps() {
        List<Event> events = interleave(population(50), new SplittableRandom(3));
        History.Builder all = History.builder(1);
        double[] v = new double[1];
        for (Event e : events) {
            v[0] = e.value();
            all.add(e.key(), e.ts(), v);
        }
        HistorySampler s = feed(events, new SampleLimits(50, 7), 9);
        assertSameHistory(all.build(), s.build());
        SampleSummary sum = s.summary();
        assertEquals(new SampleSummary(9, 50, 7, 50, true, 50, events.size(), events.size(), 0, 0), sum);
        assertFalse(sum.sampled());
    }

    @Test
    void shouldKeepTheNewestEventsOfEachKeyInOrder() {
        HistorySampler s = new HistorySampler(2, new SampleLimits(10, 3), 1);
        for (int t = 0; t < 10; t++) {
            s.add("a", t, new double[] {t, -t});
            if (t < 2) {
                s.add("b", t, new double[] {t, -t});
            }
        }
        History h = s.build();
        History.KeySeries a = h.series().get(0);
        assertEquals("a", a.key());
        assertEquals(3, a.length());
        for (int i = 0; i < 3; i++) {
            assertEquals(7 + i, a.timestamp(i));
            assertEquals(7 + i, a.value(i, 0));
            assertEquals(-(7 + i), a.value(i, 1));
        }
        assertEquals(2, h.series().get(1).length());
        assertEquals(new SampleSummary(1, 10, 3, 2, true, 2, 12, 5, 0, 7), s.summary());
    }

    @Test
    void shouldLeaveOutAnOlderEventAndARepeatOfTheLastAsTheStreamDoes() {
        // A cap of 3 events: the key's last event is compared where the ring has wrapped, too.
        HistorySampler s = new HistorySampler(2, new SampleLimits(10, 3), 1);
        List<EventOrder> orders = new ArrayList<>();
        for (int t = 0; t < 5; t++) {
            orders.add(s.add("a", 10 * t, new double[] {t, -t}));
        }
        orders.add(s.add("a", 35, new double[] {9, 9}));
        orders.add(s.add("a", 40, new double[] {4, -4}));
        orders.add(s.add("a", 40, new double[] {5, -5}));
        orders.add(s.add("a", 40, new double[] {5, -5}));
        assertEquals(List.of(EventOrder.NEXT, EventOrder.NEXT, EventOrder.NEXT, EventOrder.NEXT, EventOrder.NEXT,
                EventOrder.OUT_OF_ORDER, EventOrder.DUPLICATE, EventOrder.NEXT, EventOrder.DUPLICATE), orders);
        History.KeySeries a = s.build().series().get(0);
        assertEquals(List.of(30L, 40L, 40L), List.of(a.timestamp(0), a.timestamp(1), a.timestamp(2)));
        assertEquals(5.0, a.value(2, 0));
        // Left out events are the caller's to count (as bad records), not the sample's.
        assertEquals(6, s.summary().eventsSeen());
    }

    @Test
    void shouldRespectBothCapsAndAccountForEveryEvent() {
        List<Event> events = interleave(population(2000), new SplittableRandom(5));
        HistorySampler s = feed(events, new SampleLimits(100, 3), 2);
        History h = s.build();
        SampleSummary sum = s.summary();
        assertEquals(100, h.keys());
        long kept = 0;
        long keptKeysEvents = 0;
        for (History.KeySeries k : h.series()) {
            assertTrue(k.length() <= 3, k.key());
            int own = Integer.parseInt(k.key().substring(1)) % 7 + 1;
            assertEquals(Math.min(3, own), k.length(), k.key());
            kept += k.length();
            keptKeysEvents += own;
        }
        assertEquals(kept, sum.eventsKept());
        assertEquals(keptKeysEvents - kept, sum.eventsDroppedByEventCap());
        assertEquals(events.size(), sum.eventsSeen());
        assertEquals(sum.eventsSeen(), sum.eventsKept() + sum.eventsDroppedByKeyCap() + sum.eventsDroppedByEventCap());
        assertTrue(sum.sampled());
        assertFalse(sum.keysSeenExact());
    }

    @Test
    void shouldEstimateTheKeysSeenBeyondTheCap() {
        HistorySampler s = new HistorySampler(1, new SampleLimits(2000, 1), 4);
        double[] v = {1};
        for (int k = 0; k < 100_000; k++) {
            s.add("device-" + k, 0, v);
        }
        SampleSummary sum = s.summary();
        // Relative standard error about 1/sqrt(2000) = 2.2 %: 10 % is over four of them.
        assertEquals(100_000, sum.keysSeen(), 10_000);
        assertEquals(2000, sum.keysKept());
    }

    @Test
    void shouldSampleKeysUniformly() {
        // 400 seeds each sample 100 of 1,000 sequentially named keys: each key is expected 40 times. The
        // counts' chi-square over 999 degrees of freedom has mean 999 and standard deviation 45; a hash
        // that favoured some names would push it far beyond.
        int keys = 1000;
        int seeds = 400;
        int[] times = new int[keys];
        String[] names = new String[keys];
        for (int k = 0; k < keys; k++) {
            names[k] = "sensor-" + k;
        }
        double[] v = {0};
        for (long seed = 0; seed < seeds; seed++) {
            HistorySampler s = new HistorySampler(1, new SampleLimits(100, 1), seed);
            for (String name : names) {
                s.add(name, 0, v);
            }
            for (History.KeySeries k : s.build().series()) {
                times[Integer.parseInt(k.key().substring("sensor-".length()))]++;
            }
        }
        double expected = seeds * 100.0 / keys;
        double chi2 = 0;
        for (int t : times) {
            chi2 += (t - expected) * (t - expected) / expected;
        }
        assertTrue(chi2 < 999 + 5 * 45, "chi-square " + chi2);
        // And by blocks of 100 consecutive names, within one seed's sample of 1,000 out of 10,000.
        HistorySampler big = new HistorySampler(1, new SampleLimits(1000, 1), 7);
        for (int k = 0; k < 10_000; k++) {
            big.add("sensor-" + k, 0, v);
        }
        int[] blocks = new int[100];
        for (History.KeySeries k : big.build().series()) {
            blocks[Integer.parseInt(k.key().substring("sensor-".length())) / 100]++;
        }
        double blockChi2 = 0;
        for (int b : blocks) {
            blockChi2 += (b - 10.0) * (b - 10.0) / 10.0;
        }
        // 99 degrees of freedom: mean 99, standard deviation 14.
        assertTrue(blockChi2 < 99 + 5 * 14, "chi-square " + blockChi2);
    }

    @Test
    void shouldDrawAnotherSampleForAnotherSeed() {
        List<Event> events = population(1000);
        Set<String> one = keys(feed(events, new SampleLimits(50, 1), 1).build());
        Set<String> same = keys(feed(events, new SampleLimits(50, 1), 1).build());
        Set<String> other = keys(feed(events, new SampleLimits(50, 1), 2).build());
        assertEquals(one, same);
        assertNotEquals(one, other);
    }

    @Test
    void shouldRefuseABadEventAndUseAfterBuild() {
        HistorySampler s = new HistorySampler(1, SampleLimits.defaults(), 1);
        assertThrows(IllegalArgumentException.class, () -> s.add("a", 0, new double[] {Double.NaN}));
        assertThrows(IllegalArgumentException.class, () -> s.add("a", 0, new double[] {1, 2}));
        s.add("a", 0, new double[] {1});
        s.build();
        assertThrows(IllegalStateException.class, () -> s.add("a", 1, new double[] {1}));
        assertThrows(IllegalStateException.class, s::build);
        assertEquals(1, s.summary().eventsKept());
    }

    @Test
    void shouldRefuseCapsThatAreNotPositive() {
        assertThrows(IllegalArgumentException.class, () -> new SampleLimits(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new SampleLimits(1, 0));
    }
}
