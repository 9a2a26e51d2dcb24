package io.grustreams.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grustreams.anomaly.AnomalyConfig;
import io.grustreams.anomaly.AnomalyState;
import io.grustreams.model.Cell;
import io.grustreams.model.InputSpec;
import io.grustreams.model.KeyScale;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyStateCodecTest {

    static final AnomalyConfig SMALL = AnomalyConfig.builder().shortWindow(2).longWindow(4).learningPeriod(2)
            .residualWarmup(2).build();
    static final double HALF_LIFE = 10;
    /** The current version, pinned. */
    static final Path GOLDEN = Path.of("src/test/resources/golden/key-state-v3.bin");
    /** Version 2, as the previous release wrote it: {@link #goldenState()} built by a one-layer GRU. */
    static final Path GOLDEN_V2 = Path.of("src/test/resources/golden/key-state-v2.bin");
    /** Version 1, as the previous release wrote it (D 2, W 4 after 5 events, H 3, the anomaly record's format 2). */
    static final Path GOLDEN_V1 = Path.of("src/test/resources/golden/key-state-v1.bin");
    /** Version 1 with the anomaly record's format 1 embedded. */
    static final Path GOLDEN_V1_ANOMALY_V1 = Path.of("src/test/resources/golden/key-state-v1-anomaly-v1.bin");

    private final KeyStateCodec codec = codec(SMALL);

    static KeyStateCodec codec(AnomalyConfig anomaly) {
        return new KeyStateCodec(config(2, 4, anomaly));
    }

    static EngineConfig config(int features, int ring, AnomalyConfig anomaly) {
        List<String> names = features == 1 ? List.of("x") : List.of("x", "y", "z").subList(0, features);
        InputSpec inputs = new InputSpec(InputSpec.Scaling.PER_KEY, HALF_LIFE, List.of(), ZoneId.of("UTC"), 1,
                InputSpec.Readout.ITERATED);
        return new EngineConfig(names, ring, inputs, anomaly);
    }

    /**
     * The state pinned by the golden file: D 2, W 4, a state of 3 built by an rnn of 3 layers of 1
     * unit (version 3 records cell and layers), a scale, a forecast, an anomaly state with
     * a distinct value in every field, sealed blocks 5 and 6 kept, three open events. Every number
     * is exact in binary, so no platform can round it differently.
     */
    static KeyState goldenState() {
        KeyState s = new KeyState(2, 4);
        s.eventCount = 73;
        s.lastTimestamp = 1714564800000L;
        s.modelVersion = 3;
        s.cell = Cell.RNN;
        s.layers = 3;
        s.resetHidden(3);
        s.hidden[0] = 0.25;
        s.hidden[1] = -0.5;
        s.hidden[2] = 0.125;
        s.hasForecast = true;
        s.forecast[0] = 1.5;
        s.forecast[1] = -2.25;
        s.scale.restore(73, new double[] {4.5, -1.0}, new double[] {1.0, 0.25});
        AnomalyState a = new AnomalyState(2, 2);
        a.restoreResiduals(41, new double[] {0.5, -0.75}, new double[] {2.0, 0.0625});
        a.restoreWindows(new double[] {0.25, 0.875}, 2, new double[] {0.5}, 1);
        a.restoreReference(39, 0.375, 0.015625);
        a.restoreAlert(true, 0, 3, 7);
        a.restoreRange(73, new double[] {-3.5, 0.5}, new double[] {4.0, 0.5});
        a.restoreNovelty(42, 2.5, new double[] {1.25, 6.0, 0.75});
        s.anomaly = a;
        s.nextBlock = 7;
        s.oldestBlock = 5;
        s.openScale.restore(70, new double[] {2.5, -0.5}, new double[] {0.75, 0.125});
        for (int i = 0; i < 3; i++) {
            s.pushOpen(1714564800000L - (2 - i) * 300_000L, new double[] {i + 2.5, -(i + 2) * 0.25});
        }
        return s;
    }

    @Test
    void shouldWriteTheGoldenBytes() throws IOException {
        assertArrayEquals(Files.readAllBytes(GOLDEN), codec.encode(goldenState()));
    }

    @Test
    void shouldReadTheGoldenBytesBackToTheSameState() throws IOException {
        byte[] golden = Files.readAllBytes(GOLDEN);
        KeyState s = new KeyState(2, 4);
        assertTrue(codec.decode(golden, s));
        assertEquals(73, s.eventCount);
        assertEquals(1714564800000L, s.lastTimestamp);
        assertEquals(3, s.modelVersion);
        assertEquals(Cell.RNN, s.cell);
        assertEquals(3, s.layers);
        assertArrayEquals(new double[] {0.25, -0.5, 0.125}, s.hidden);
        assertTrue(s.hasForecast);
        assertArrayEquals(new double[] {1.5, -2.25}, s.forecast);
        assertEquals(73, s.scale.count());
        assertEquals(-1.0, s.scale.last(1));
        assertEquals(0.25, s.scale.meanChange(1));
        AnomalyState a = s.anomaly;
        assertNotNull(a);
        assertEquals(41, a.residualCount());
        assertEquals(0.875, a.shortScore(1));
        assertEquals(0.5, a.lagMean(0));
        assertEquals(0.015625, a.referenceVariance());
        assertEquals(3, a.resolveStreak());
        assertEquals(0.5, a.high(1));
        assertEquals(6.0, a.noveltyMaximum(1));
        assertEquals(7, s.nextBlock);
        assertEquals(5, s.oldestBlock);
        assertEquals(70, s.openScale.count());
        assertEquals(3, s.openSize);
        assertEquals(3.5, s.openValues[2]);
        assertEquals(1714564800000L, s.openTimestamps[2]);
        assertEquals(4, s.ringSize());
        assertArrayEquals(golden, codec.encode(s));
        assertEquals(golden.length, codec.encodedSize(s));
    }

    @Test
    void shouldReadVersion2AsTheStateOfAOneLayerGruAndWriteItAsVersion3() throws IOException {
        KeyState s = new KeyState(2, 4);
        assertTrue(codec.decode(Files.readAllBytes(GOLDEN_V2), s));
        assertEquals(Cell.GRU, s.cell);
        assertEquals(1, s.layers);
        assertArrayEquals(new double[] {0.25, -0.5, 0.125}, s.hidden);
        KeyState expected = goldenState();
        expected.cell = Cell.GRU;
        expected.layers = 1;
        assertArrayEquals(codec.encode(expected), codec.encode(s));
    }

    @Test
    void shouldReadVersion1KeepingWhatItFedAModelAndRebuildingTheScale() throws IOException {
        for (Path v1 : new Path[] {GOLDEN_V1, GOLDEN_V1_ANOMALY_V1}) {
            KeyState s = new KeyState(2, 4);
            assertTrue(codec.decode(Files.readAllBytes(v1), s), v1.toString());
            assertEquals(5, s.eventCount);
            assertEquals(1714564800000L, s.lastTimestamp);
            assertEquals(3, s.modelVersion);
            assertArrayEquals(new double[] {0.25, -0.5, 0.125}, s.hidden);
            assertArrayEquals(new double[] {1.5, -2.25}, s.forecast);
            assertNotNull(s.anomaly);
            // The ring's values as written become the open events, at the last event's time; the key's
            // scale is folded in from them, starting from nothing.
            assertEquals(4, s.openSize);
            assertEquals(0, s.openScale.count());
            assertEquals(0, s.nextBlock);
            KeyScale expected = new KeyScale(2);
            for (int i = 0; i < 4; i++) {
                double[] row = Arrays.copyOfRange(s.openValues, 2 * i, 2 * i + 2);
                assertArrayEquals(new double[] {i + 1.5, -(i + 1) * 0.25}, row);
                assertEquals(1714564800000L, s.openTimestamps[i]);
                expected.observe(row, KeyScale.alpha(HALF_LIFE));
            }
            assertEquals(4, s.scale.count());
            assertArrayEquals(expected.scales(), s.scale.scales());
            // Written back in the current version.
            byte[] again = codec.encode(s);
            assertEquals(KeyStateCodec.FORMAT_VERSION, again[0]);
            KeyState back = new KeyState(2, 4);
            assertTrue(codec.decode(again, back));
            assertArrayEquals(again, codec.encode(back));
        }
    }

    @Test
    void shouldKeepTheNewestEventsOfALegacyRingLargerThanW() throws IOException {
        KeyState s = new KeyState(2, 2);
        codec.decode(Files.readAllBytes(GOLDEN_V1), s);
        assertEquals(2, s.openSize);
        assertEquals(3.5, s.openValues[0]);
        assertEquals(4.5, s.openValues[2]);
        // The starting scale is the fold of the two skipped events; the key's, of all four.
        assertEquals(2, s.openScale.count());
        assertEquals(2.5, s.openScale.last(0));
        assertEquals(4, s.scale.count());
    }

    @Test
    void shouldRoundTripAStateWithoutAModel() {
        KeyState s = new KeyState(1, 8);
        s.scale.observe(new double[] {42}, 0.1);
        s.pushOpen(7, new double[] {42});
        s.eventCount = 1;
        s.lastTimestamp = 7;
        KeyState back = new KeyState(1, 8);
        back.modelVersion = 9;
        KeyStateCodec one = new KeyStateCodec(config(1, 8, SMALL));
        assertTrue(one.decode(one.encode(s), back));
        assertEquals(KeyState.NO_MODEL, back.modelVersion);
        assertEquals(0, back.hiddenSize);
        assertFalse(back.hasForecast);
        assertNull(back.anomaly);
        assertEquals(1, back.ringSize());
        assertEquals(42.0, back.openValues[0]);
        assertEquals(7, back.openTimestamps[0]);
        assertEquals(one.encodedSize(s), one.encode(s).length);
    }

    @Test
    void shouldDropOnlyTheAnomalySectionWrittenUnderAnotherShortWindow() {
        byte[] bytes = codec.encode(goldenState());
        KeyStateCodec otherWindow = codec(SMALL.toBuilder().shortWindow(1).build());
        KeyState s = new KeyState(2, 4);
        assertFalse(otherWindow.decode(bytes, s));
        assertNull(s.anomaly);
        assertEquals(3, s.modelVersion);
        assertArrayEquals(new double[] {0.25, -0.5, 0.125}, s.hidden);
        assertEquals(3, s.openSize);
        // Another reference span changes no field: the section is kept.
        KeyState t = new KeyState(2, 4);
        assertTrue(codec(SMALL.toBuilder().longWindow(9).build()).decode(bytes, t));
        assertNotNull(t.anomaly);
    }

    @Test
    void shouldReuseTheSpareAnomalyStateOfTheSameShape() {
        byte[] bytes = codec.encode(goldenState());
        KeyState s = new KeyState(2, 4);
        codec.decode(bytes, s);
        AnomalyState first = s.anomaly;
        codec.decode(bytes, s);
        assertTrue(first == s.anomaly, "decoded into the state the previous key let go of");
        assertArrayEquals(bytes, codec.encode(s));
    }

    @Test
    void shouldRejectDamagedStatesNamingTheField() {
        byte[] good = codec.encode(goldenState());
        int hiddenAt = 1 + 4 + 8 + 8 + 8 + 2 + 4;
        int scaleAt = hiddenAt + 24 + 1 + 16;
        int anomalyAt = scaleAt + 8 + 32;
        int shortWindowAt = anomalyAt + 1 + 8 + 32;
        int referenceAt = shortWindowAt + 8 + 16 + 4 + 8;
        int ringAt = good.length - (8 + 32 + 4 + 3 * 24) - 16;
        assertBad(set(good, 1, ByteBuffer.allocate(4).putInt(3).array()), "features");
        assertBad(set(good, 1 + 4, ByteBuffer.allocate(8).putLong(-1).array()), "eventCount");
        assertBad(set(good, 1 + 4 + 8 + 8, ByteBuffer.allocate(8).putLong(-2).array()), "modelVersion");
        assertBad(set(good, hiddenAt - 4, ByteBuffer.allocate(4).putInt(0).array()), "hiddenSize");
        assertBad(set(good, hiddenAt - 4, ByteBuffer.allocate(4).putInt(4).array()), "hiddenSize");
        assertBad(set(good, hiddenAt - 6, new byte[] {4}), "cell");
        assertBad(set(good, hiddenAt - 6, new byte[] {0}), "cell");
        assertBad(set(good, hiddenAt - 5, new byte[] {0}), "layers");
        assertBad(set(good, hiddenAt - 5, new byte[] {65}), "layers");
        assertBad(set(good, hiddenAt, ByteBuffer.allocate(8).putDouble(Double.NaN).array()), "hidden");
        assertBad(set(good, hiddenAt + 24, new byte[] {2}), "hasForecast");
        assertBad(set(good, hiddenAt + 25, ByteBuffer.allocate(8).putDouble(Double.POSITIVE_INFINITY).array()),
                "forecast");
        assertBad(set(good, scaleAt, ByteBuffer.allocate(8).putLong(-1).array()), "scale");
        assertBad(set(good, scaleAt + 8, ByteBuffer.allocate(8).putDouble(Double.NaN).array()), "scale");
        assertBad(set(good, scaleAt + 24, ByteBuffer.allocate(8).putDouble(-1).array()), "scale");
        assertBad(set(good, anomalyAt, new byte[] {5}), "hasAnomaly");
        assertBad(set(good, anomalyAt + 1, ByteBuffer.allocate(8).putLong(-1).array()), "anomaly");
        assertBad(set(good, shortWindowAt, ByteBuffer.allocate(4).putInt(0).array()), "anomaly.shortWindow");
        assertBad(set(good, shortWindowAt + 4, ByteBuffer.allocate(4).putInt(3).array()), "anomaly.shortCount");
        assertBad(set(good, shortWindowAt + 8, ByteBuffer.allocate(8).putDouble(1.5).array()), "anomaly");
        assertBad(set(good, referenceAt + 8, ByteBuffer.allocate(8).putDouble(-0.5).array()), "anomaly");
        assertBad(set(good, ringAt, ByteBuffer.allocate(8).putLong(-1).array()), "nextBlock");
        assertBad(set(good, ringAt + 8, ByteBuffer.allocate(8).putLong(8).array()), "oldestBlock");
        assertBad(set(good, ringAt + 16, ByteBuffer.allocate(8).putLong(-1).array()), "open.scale");
        int eventsAt = ringAt + 16 + 8 + 32;
        assertBad(set(good, eventsAt, ByteBuffer.allocate(4).putInt(KeyState.blockCapacity(2)).array()),
                "open.events");
        assertBad(set(good, eventsAt + 4 + 8, ByteBuffer.allocate(8).putDouble(Double.NaN).array()),
                "open.values[0]");
        assertBad(Arrays.copyOf(good, good.length - 3), "open.events");
        assertBad(Arrays.copyOf(good, good.length + 1), "open");
        assertBad(Arrays.copyOf(good, 10), "length");
    }

    @Test
    void shouldTellANewerFormatFromADamagedOne() {
        byte[] good = codec.encode(goldenState());
        StateFormatException newer = assertThrows(StateFormatException.class,
                () -> codec.decode(set(good, 0, new byte[] {4}), new KeyState(2, 4)));
        assertTrue(newer.isNewerFormat());
        assertTrue(newer.getMessage().contains("version 4"), newer.getMessage());
        StateFormatException older = assertThrows(StateFormatException.class,
                () -> codec.decode(set(good, 0, new byte[] {0}), new KeyState(2, 4)));
        assertFalse(older.isNewerFormat());
    }

    private void assertBad(byte[] bytes, String field) {
        StateFormatException e = assertThrows(StateFormatException.class,
                () -> codec.decode(bytes, new KeyState(2, 4)));
        assertTrue(e.getMessage().startsWith("state field " + field + ":")
                || e.getMessage().startsWith("state field " + field + " "), e.getMessage());
        assertFalse(e.isNewerFormat());
    }

    private static byte[] set(byte[] bytes, int at, byte[] patch) {
        byte[] copy = bytes.clone();
        System.arraycopy(patch, 0, copy, at, patch.length);
        return copy;
    }
}
