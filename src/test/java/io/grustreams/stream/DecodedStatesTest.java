package io.grustreams.stream;

import static io.grustreams.stream.TopologyHarness.props;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grustreams.model.GruModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecodedStatesTest {

    private static final long T0 = 1714564800000L;

    @TempDir(factory = TargetTempDir.class)
    Path dir;

    private static Bytes key(String k) {
        return Bytes.wrap(k.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldMatchOnlyTheVeryArrayTheStateWasSavedAs() {
        DecodedStates states = new DecodedStates(1, 4, 8, 1 << 20);
        DecodedStates.Slot slot = states.slot(key("a"));
        assertFalse(slot.matches(null));
        byte[] saved = {1, 2, 3};
        slot.bytes = saved;
        assertTrue(states.slot(key("a")).matches(saved));
        assertFalse(states.slot(key("a")).matches(saved.clone()));
        assertSame(slot, states.slot(key("a")));
    }

    @Test
    void shouldDropTheLeastRecentlyUsedKeyAndRecycleItsState() {
        DecodedStates states = new DecodedStates(1, 4, 2, 1 << 20);
        DecodedStates.Slot a = states.slot(key("a"));
        a.bytes = new byte[1];
        DecodedStates.Slot b = states.slot(key("b"));
        states.slot(key("a"));
        DecodedStates.Slot c = states.slot(key("c"));
        assertEquals(2, states.size());
        assertSame(a, states.slot(key("a")));
        // b was dropped when c came: b's slot is recycled for it, emptied; c is dropped in turn.
        c.bytes = new byte[1];
        DecodedStates.Slot b2 = states.slot(key("b"));
        assertSame(b, b2);
        assertNotSame(b, c);
        assertEquals(null, b2.bytes);
        DecodedStates.Slot reused = states.slot(key("d"));
        assertSame(c, reused);
        assertEquals(null, reused.bytes);
        assertEquals(2, states.size());
    }

    @Test
    void shouldKeepNothingWithCapacityZero() {
        DecodedStates states = new DecodedStates(1, 4, 0, 1 << 20);
        byte[] saved = new byte[1];
        states.slot(key("a")).bytes = saved;
        assertFalse(states.slot(key("a")).matches(saved));
        assertEquals(0, states.size());
    }

    @Test
    void shouldDropLeastRecentlyUsedKeysWhileTheKeptOnesCostMoreThanTheBudget() {
        // Each key costs twice its saved array: 3 keys of 100 bytes fit 600 bytes, a fourth does not.
        DecodedStates states = new DecodedStates(1, 4, 100, 600);
        DecodedStates.Slot a = states.slot(key("a"));
        states.saved(a, new byte[100]);
        DecodedStates.Slot b = states.slot(key("b"));
        states.saved(b, new byte[100]);
        DecodedStates.Slot c = states.slot(key("c"));
        states.saved(c, new byte[100]);
        assertEquals(3, states.size());
        assertEquals(600, states.bytes());
        // a is used again, so b is now the least recently used key and goes first.
        states.saved(states.slot(key("a")), a.bytes);
        DecodedStates.Slot d = states.slot(key("d"));
        states.saved(d, new byte[100]);
        assertEquals(3, states.size());
        assertEquals(600, states.bytes());
        assertSame(a, states.slot(key("a")));
        assertSame(c, states.slot(key("c")));
        assertSame(d, states.slot(key("d")));
        // A key whose state grew is counted at its new size: two keys must go.
        states.saved(states.slot(key("d")), new byte[250]);
        assertEquals(1, states.size());
        assertEquals(500, states.bytes());
        assertSame(d, states.slot(key("d")));
    }

    @Test
    void shouldKeepNoStateThatAloneExceedsTheBudget() {
        DecodedStates states = new DecodedStates(1, 4, 100, 150);
        DecodedStates.Slot a = states.slot(key("a"));
        byte[] saved = new byte[100];
        states.saved(a, saved);
        assertEquals(0, states.size());
        assertEquals(0, states.bytes());
        assertFalse(states.slot(key("a")).matches(saved));
    }

    @Test
    void shouldKeepNothingWithABudgetOfZero() {
        DecodedStates states = new DecodedStates(1, 4, 100, 0);
        byte[] saved = new byte[1];
        states.saved(states.slot(key("a")), saved);
        assertFalse(states.slot(key("a")).matches(saved));
        assertEquals(0, states.size());
    }

    /** Forecast records and the final store of a run over interleaved keys, with {@code decodedKeys} kept. */
    private List<byte[]> run(int decodedKeys, String subdir, GruModel model) {
        return run(decodedKeys, StreamSettings.DEFAULT_DECODED_MAX_BYTES, subdir, model);
    }

    private List<byte[]> run(int decodedKeys, int maxBytes, String subdir, GruModel model) {
        List<byte[]> out = new ArrayList<>();
        try (TopologyHarness h = new TopologyHarness(props("gru.state.decoded-keys", Integer.toString(decodedKeys),
                "gru.state.decoded-max-bytes", Integer.toString(maxBytes)), dir.resolve(subdir))) {
            h.publish("m:1", model);
            Random rnd = new Random(5);
            for (int i = 0; i < 1500; i++) {
                int k = rnd.nextInt(7);
                double v = 10 * Math.sin(0.1 * i + k) + rnd.nextGaussian() + (i == 1200 ? 80 : 0);
                h.event("key-" + k, T0 + i, v);
            }
            out.addAll(h.forecasts.readValuesToList());
            out.addAll(h.alerts.readValuesToList());
            try (KeyValueIterator<Bytes, byte[]> it = h.stateStore().all()) {
                while (it.hasNext()) {
                    KeyValue<Bytes, byte[]> kv = it.next();
                    out.add(kv.key.get());
                    out.add(kv.value);
                }
            }
        }
        return out;
    }

    @Test
    void shouldProduceTheSameRecordsAndStatesWhateverHowManyDecodedStatesAreKept() {
        GruModel model = TestModels.random("m", 1, List.of("value"), 8, 9);
        List<byte[]> none = run(0, "none", model);
        for (int kept : new int[] {1, 3, 1024}) {
            List<byte[]> got = run(kept, "kept-" + kept, model);
            assertEquals(none.size(), got.size(), "records with " + kept + " kept");
            for (int i = 0; i < none.size(); i++) {
                assertArrayEquals(none.get(i), got.get(i), "record " + i + " with " + kept + " kept");
            }
        }
    }

    @Test
    void shouldProduceTheSameRecordsAndStatesWhateverTheByteBudget() {
        GruModel model = TestModels.random("m", 1, List.of("value"), 8, 9);
        List<byte[]> none = run(0, "budget-none", model);
        int stateBytes = none.get(none.size() - 1).length;
        // Budgets for about 1 and 3 of the 7 keys, and one too small for any.
        for (int budget : new int[] {2 * stateBytes + 1, 6 * stateBytes + 1, stateBytes}) {
            List<byte[]> got = run(1024, budget, "budget-" + budget, model);
            assertEquals(none.size(), got.size(), "records with a budget of " + budget);
            for (int i = 0; i < none.size(); i++) {
                assertArrayEquals(none.get(i), got.get(i), "record " + i + " with a budget of " + budget);
            }
        }
    }

    @Test
    void shouldDecodeAStateThatChangedInTheStoreBehindTheProcessor() {
        GruModel model = TestModels.random("m", 1, List.of("value"), 8, 4);
        List<List<byte[]>> runs = new ArrayList<>();
        for (int kept : new int[] {0, 1024}) {
            try (TopologyHarness h = new TopologyHarness(props("gru.state.decoded-keys", Integer.toString(kept)),
                    dir.resolve("swap-" + kept))) {
                h.publish("m:1", model);
                for (int t = 0; t < 40; t++) {
                    h.event("a", T0 + 2 * t, Math.sin(0.3 * t));
                    h.event("b", T0 + 2 * t + 1, 5 + Math.cos(0.2 * t));
                }
                // Key a is given b's state, as a restore or another instance would leave it.
                h.stateStore().put(key("a"), h.stateStore().get(key("b")));
                h.forecasts.readValuesToList();
                h.event("a", T0 + 100, 5.5);
                runs.add(h.forecasts.readValuesToList());
            }
        }
        assertEquals(1, runs.get(0).size());
        assertArrayEquals(runs.get(0).get(0), runs.get(1).get(0));
    }
}
