package io.grustreams.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grustreams.anomaly.AnomalyConfig;
import io.grustreams.anomaly.AnomalyDetector;
import io.grustreams.model.KeyScale;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class KeyStateCodecTest {

    static final AnomalyConfig SMALL = AnomalyConfig.builder().shortWindow(2).longWindow(4).learningPeriod(2)
            .residualWarmup(2).build();
    static final double HALF_LIFE = 10;
    private static final Path GOLDEN = Path.of("src/test/resources/golden/key-state-v2.bin");
    /** Version 1, as the previous build wrote it. */
    private static final Path GOLDEN_V1 = Path.of("src/test/resources/golden/key-state-v1.bin");
    /** Version 1 with the anomaly state's format 1 embedded. */
    private static final Path GOLDEN_V1_ANOMALY_V1 = Path.of("src/test/resources/golden/key-state-v1-anomaly-v1.bin");

    private final KeyStateCodec codec = new KeyStateCodec(SMALL, HALF_LIFE);

    /**
     * The state pinned by the golden file: D 2, W 4 after 5 events (wrapped), H 3, a scale, an anomaly
     * state. Every number is exact in binary, so no platform can round it differently.
     */
    static KeyState goldenState() {
        KeyState s = new KeyState(2, 4);
        for (int i = 0; i < 5; i++) {
            s.push(1714564800000L - (4 - i) * 300_000L, new double[] {i + 0.5, -i * 0.25},
                    new double[] {0.125 * (i + 1), 0.5});
        }
        s.eventCount = 5;
        s.lastTimestamp = 1714564800000L;
        s.modelVersion = 3;
        s.resetHidden(3);
        s.hidden[0] = 0.25;
        s.hidden[1] = -0.5;
        s.hidden[2] = 0.125;
        s.hasForecast = true;
        s.forecast[0] = 1.5;
        s.forecast[1] = -2.25;
        s.scale.restore(5, new double[] {4.5, -1.0}, new double[] {1.0, 0.25});
        // A fresh anomaly state: the golden file pins how it is embedded, not the detector's arithmetic.
        s.anomaly = new AnomalyDetector(SMALL, 2).newState();
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
        assertEquals(5, s.eventCount);
        assertEquals(1714564800000L, s.lastTimestamp);
        assertEquals(3, s.modelVersion);
        assertArrayEquals(new double[] {0.25, -0.5, 0.125}, s.hidden);
        assertTrue(s.hasForecast);
        assertArrayEquals(new double[] {1.5, -2.25}, s.forecast);
        assertEquals(5, s.scale.count());
        assertEquals(-1.0, s.scale.last(1));
        assertEquals(0.25, s.scale.meanChange(1));
        assertEquals(4, s.ringSize());
        double[] row = new double[2];
        s.ringValue(0, row);
        assertArrayEquals(new double[] {1.5, -0.25}, row);
        s.ringScale(0, row);
        assertArrayEquals(new double[] {0.25, 0.5}, row);
        assertEquals(1714564800000L - 3 * 300_000L, s.ringTimestamp(0));
        s.ringValue(3, row);
        assertArrayEquals(new double[] {4.5, -1.0}, row);
        assertNotNull(s.anomaly);
        assertEquals(2, s.anomaly.features());
        assertArrayEquals(golden, codec.encode(s));
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
            // The ring's values as written; its times the last event's; the scale folded in from the ring.
            KeyScale expected = new KeyScale(2);
            double[] row = new double[2];
            double[] scale = new double[2];
            for (int i = 0; i < 4; i++) {
                s.ringValue(i, row);
                assertArrayEquals(new double[] {i + 1.5, -(i + 1) * 0.25}, row);
                assertEquals(1714564800000L, s.ringTimestamp(i));
                expected.observe(row, KeyScale.alpha(HALF_LIFE));
                s.ringScale(i, scale);
                assertArrayEquals(expected.scales(), scale);
            }
            assertEquals(4, s.scale.count());
            assertArrayEquals(expected.scales(), s.scale.scales());
            // Written back in the current version.
            byte[] again = codec.encode(s);
            assertEquals(KeyStateCodec.FORMAT_VERSION, again[0]);
            KeyState back = new KeyState(2, 4);
            codec.decode(again, back);
            assertArrayEquals(again, codec.encode(back));
        }
    }

    @Test
    void shouldRoundTripAStateWithoutAModel() {
        KeyState s = new KeyState(1, 8);
        s.push(7, new double[] {42}, new double[] {1});
        s.eventCount = 1;
        s.lastTimestamp = 7;
        KeyState back = new KeyState(1, 8);
        back.modelVersion = 9;
        assertTrue(codec.decode(codec.encode(s), back));
        assertEquals(KeyState.NO_MODEL, back.modelVersion);
        assertEquals(0, back.hiddenSize);
        assertFalse(back.hasForecast);
        assertNull(back.anomaly);
        assertEquals(1, back.ringSize());
        assertEquals(42.0, back.ringValue(0, 0));
        assertEquals(7, back.ringTimestamp(0));
        assertEquals(codec.encodedSize(s), codec.encode(s).length);
    }

    @Test
    void shouldKeepTheNewestEventsWhenTheRingShrinks() {
        byte[] bytes = codec.encode(goldenState());
        KeyState small = new KeyState(2, 2);
        codec.decode(bytes, small);
        assertEquals(2, small.ringSize());
        assertEquals(3.5, small.ringValue(0, 0));
        assertEquals(4.5, small.ringValue(1, 0));
        assertEquals(1714564800000L - 300_000L, small.ringTimestamp(0));
        KeyState large = new KeyState(2, 16);
        codec.decode(bytes, large);
        assertEquals(4, large.ringSize());
        assertEquals(1.5, large.ringValue(0, 0));
    }

    @Test
    void shouldDropOnlyTheAnomalySectionWhenItCannotBeUsed() {
        byte[] bytes = codec.encode(goldenState());
        KeyStateCodec otherWindows = new KeyStateCodec(SMALL.toBuilder().longWindow(5).build(), HALF_LIFE);
        KeyState s = new KeyState(2, 4);
        assertFalse(otherWindows.decode(bytes, s));
        assertNull(s.anomaly);
        assertEquals(3, s.modelVersion);
        assertArrayEquals(new double[] {0.25, -0.5, 0.125}, s.hidden);
        assertEquals(4, s.ringSize());
    }

    @Test
    void shouldRejectDamagedStatesNamingTheField() {
        byte[] good = codec.encode(goldenState());
        int hiddenAt = 1 + 4 + 8 + 8 + 8 + 4;
        int scaleAt = hiddenAt + 24 + 1 + 16;
        assertBad(set(good, 1, ByteBuffer.allocate(4).putInt(3).array()), "features", 2);
        assertBad(set(good, 1 + 4, ByteBuffer.allocate(8).putLong(-1).array()), "eventCount", 2);
        assertBad(set(good, 1 + 4 + 8 + 8, ByteBuffer.allocate(8).putLong(-2).array()), "modelVersion", 2);
        assertBad(set(good, hiddenAt - 4, ByteBuffer.allocate(4).putInt(0).array()), "hiddenSize", 2);
        assertBad(set(good, hiddenAt, ByteBuffer.allocate(8).putDouble(Double.NaN).array()), "hidden", 2);
        assertBad(set(good, hiddenAt + 24, new byte[] {2}), "hasForecast", 2);
        assertBad(set(good, hiddenAt + 25, ByteBuffer.allocate(8).putDouble(Double.POSITIVE_INFINITY).array()),
                "forecast", 2);
        assertBad(set(good, scaleAt, ByteBuffer.allocate(8).putLong(-1).array()), "scale", 2);
        assertBad(set(good, scaleAt + 8, ByteBuffer.allocate(8).putDouble(Double.NaN).array()), "scale", 2);
        assertBad(set(good, scaleAt + 24, ByteBuffer.allocate(8).putDouble(-1).array()), "scale", 2);
        assertBad(set(good, scaleAt + 40, ByteBuffer.allocate(4).putInt(good.length).array()), "anomalyBytes", 2);
        int entry = 8 + 2 * 2 * 8;
        int ringAt = good.length - 4 * entry - 8;
        assertBad(set(good, ringAt, ByteBuffer.allocate(4).putInt(0).array()), "ringCapacity", 2);
        assertBad(set(good, ringAt + 4, ByteBuffer.allocate(4).putInt(5).array()), "ringSize", 2);
        assertBad(set(good, ringAt + 8 + 8, ByteBuffer.allocate(8).putDouble(Double.NaN).array()), "ring[0].values", 2);
        assertBad(set(good, ringAt + 8 + 8 + 16, ByteBuffer.allocate(8).putDouble(0).array()), "ring[0].scale", 2);
        assertBad(Arrays.copyOf(good, good.length - 3), "ring", 2);
        assertBad(Arrays.copyOf(good, good.length + 1), "ring", 2);
        assertBad(Arrays.copyOf(good, 10), "length", 2);
    }

    @Test
    void shouldTellANewerFormatFromADamagedOne() {
        byte[] good = codec.encode(goldenState());
        StateFormatException newer = assertThrows(StateFormatException.class,
                () -> codec.decode(set(good, 0, new byte[] {3}), new KeyState(2, 4)));
        assertTrue(newer.isNewerFormat());
        assertTrue(newer.getMessage().contains("version 3"), newer.getMessage());
        StateFormatException older = assertThrows(StateFormatException.class,
                () -> codec.decode(set(good, 0, new byte[] {0}), new KeyState(2, 4)));
        assertFalse(older.isNewerFormat());
    }

    private void assertBad(byte[] bytes, String field, int features) {
        StateFormatException e = assertThrows(StateFormatException.class,
                () -> codec.decode(bytes, new KeyState(features, 4)));
        assertTrue(e.getMessage().startsWith("state field " + field + ":"), e.getMessage());
        assertFalse(e.isNewerFormat());
    }

    private static byte[] set(byte[] bytes, int at, byte[] patch) {
        byte[] copy = bytes.clone();
        System.arraycopy(patch, 0, copy, at, patch.length);
        return copy;
    }

    @Test
    void shouldWriteTheSameBytesWhenCopyingTheAnomalyRingsFromTheLastArray() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(11);
        AnomalyDetector detector = new AnomalyDetector(SMALL, 3);
        io.grustreams.anomaly.AnomalyVerdict verdict = new io.grustreams.anomaly.AnomalyVerdict();
        // s is encoded from the array it was last synchronized with; t, in lockstep, always in full.
        KeyState s = new KeyState(3, 5);
        KeyState t = new KeyState(3, 5);
        byte[] last = null;
        double[] scale = {1, 1, 1};
        for (int step = 0; step < 600; step++) {
            if (random.nextInt(50) == 0) {
                s.clear();
                t.clear();
                last = null;
            }
            double[] x = {random.nextDouble(), -random.nextDouble(), step};
            double[] f = {random.nextDouble(), random.nextDouble(), step};
            for (KeyState k : new KeyState[] {s, t}) {
                if (k.anomaly == null) {
                    k.anomaly = detector.newState();
                }
                detector.score(k.anomaly, x, f, verdict);
                k.push(step, x, scale);
                k.eventCount++;
            }
            byte[] expected = codec.encode(t, null);
            // An array the state was not synchronized with is ignored, whatever it holds.
            byte[] foreign = random.nextInt(10) == 0 ? expected.clone() : last;
            byte[] copied = codec.encode(s, foreign);
            assertArrayEquals(expected, copied, "step " + step);
            last = copied;
        }
    }
}
