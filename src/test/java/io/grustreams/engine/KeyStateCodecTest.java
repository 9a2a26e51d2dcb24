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
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class KeyStateCodecTest {

    static final AnomalyConfig SMALL = AnomalyConfig.builder().shortWindow(2).longWindow(4).learningPeriod(2)
            .residualWarmup(2).build();
    private static final Path GOLDEN = Path.of("src/test/resources/golden/key-state-v1.bin");
    /** The same state as written before the anomaly state's format 2 (embedded anomaly format 1). */
    private static final Path GOLDEN_ANOMALY_V1 = Path.of("src/test/resources/golden/key-state-v1-anomaly-v1.bin");

    private final KeyStateCodec codec = new KeyStateCodec(SMALL);

    /** The state pinned by the golden file: D 2, W 4 after 5 events (wrapped), H 3, an anomaly state. */
    static KeyState goldenState() {
        KeyState s = new KeyState(2, 4);
        for (int i = 0; i < 5; i++) {
            s.push(new double[] {i + 0.5, -i * 0.25});
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
        // A fresh anomaly state: the golden file pins how it is embedded, not the detector's arithmetic.
        s.anomaly = new AnomalyDetector(SMALL, 2).newState();
        return s;
    }

    @Test
    void shouldWriteTheGoldenBytes() throws IOException {
        assertArrayEquals(Files.readAllBytes(GOLDEN), codec.encode(goldenState()));
    }

    @Test
    void shouldReadAStateWrittenWithTheAnomalyFormat1AndRewriteItInTheCurrentOne() throws IOException {
        KeyState s = new KeyState(2, 4);
        assertTrue(codec.decode(Files.readAllBytes(GOLDEN_ANOMALY_V1), s));
        assertEquals(5, s.eventCount);
        assertArrayEquals(new double[] {0.25, -0.5, 0.125}, s.hidden);
        assertNotNull(s.anomaly);
        assertArrayEquals(Files.readAllBytes(GOLDEN), codec.encode(s));
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
        assertEquals(4, s.ringSize());
        double[] row = new double[2];
        s.ringValue(0, row);
        assertArrayEquals(new double[] {1.5, -0.25}, row);
        s.ringValue(3, row);
        assertArrayEquals(new double[] {4.5, -1.0}, row);
        assertNotNull(s.anomaly);
        assertEquals(2, s.anomaly.features());
        assertArrayEquals(golden, codec.encode(s));
    }

    @Test
    void shouldRoundTripAStateWithoutAModel() {
        KeyState s = new KeyState(1, 8);
        s.push(new double[] {42});
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
        KeyState large = new KeyState(2, 16);
        codec.decode(bytes, large);
        assertEquals(4, large.ringSize());
        assertEquals(1.5, large.ringValue(0, 0));
    }

    @Test
    void shouldDropOnlyTheAnomalySectionWhenItCannotBeUsed() {
        byte[] bytes = codec.encode(goldenState());
        KeyStateCodec otherWindows = new KeyStateCodec(SMALL.toBuilder().longWindow(5).build());
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
        assertBad(set(good, 1, ByteBuffer.allocate(4).putInt(3).array()), "features", 2);
        assertBad(set(good, 1 + 4, ByteBuffer.allocate(8).putLong(-1).array()), "eventCount", 2);
        assertBad(set(good, 1 + 4 + 8 + 8, ByteBuffer.allocate(8).putLong(-2).array()), "modelVersion", 2);
        assertBad(set(good, hiddenAt - 4, ByteBuffer.allocate(4).putInt(0).array()), "hiddenSize", 2);
        assertBad(set(good, hiddenAt, ByteBuffer.allocate(8).putDouble(Double.NaN).array()), "hidden", 2);
        assertBad(set(good, hiddenAt + 24, new byte[] {2}), "hasForecast", 2);
        assertBad(set(good, hiddenAt + 25, ByteBuffer.allocate(8).putDouble(Double.POSITIVE_INFINITY).array()),
                "forecast", 2);
        assertBad(set(good, hiddenAt + 41, ByteBuffer.allocate(4).putInt(good.length).array()), "anomalyBytes", 2);
        int ringAt = good.length - 4 * 2 * 8 - 8;
        assertBad(set(good, ringAt, ByteBuffer.allocate(4).putInt(0).array()), "ringCapacity", 2);
        assertBad(set(good, ringAt + 4, ByteBuffer.allocate(4).putInt(5).array()), "ringSize", 2);
        assertBad(set(good, ringAt + 8, ByteBuffer.allocate(8).putDouble(Double.NaN).array()), "ring", 2);
        assertBad(java.util.Arrays.copyOf(good, good.length - 3), "ring", 2);
        assertBad(java.util.Arrays.copyOf(good, good.length + 1), "ring", 2);
        assertBad(java.util.Arrays.copyOf(good, 10), "length", 2);
    }

    @Test
    void shouldTellANewerFormatFromADamagedOne() {
        byte[] good = codec.encode(goldenState());
        StateFormatException newer = assertThrows(StateFormatException.class,
                () -> codec.decode(set(good, 0, new byte[] {2}), new KeyState(2, 4)));
        assertTrue(newer.isNewerFormat());
        assertTrue(newer.getMessage().contains("version 2"), newer.getMessage());
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
    void shouldWriteTheSameBytesWhenCopyingTheRingFromTheLastArray() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(11);
        // s is encoded from the array it was last synchronized with; t, in lockstep, always in full.
        KeyState s = new KeyState(3, 5);
        KeyState t = new KeyState(3, 5);
        byte[] last = null;
        for (int step = 0; step < 2000; step++) {
            int action = random.nextInt(20);
            if (action == 0) {
                s.clear();
                t.clear();
                last = null;
            } else if (action == 1 && last != null) {
                // Read back under another ring capacity, written again, and read under this one.
                KeyState other = new KeyState(3, 1 + random.nextInt(8));
                codec.decode(last, other);
                last = codec.encode(other);
                codec.decode(last, s);
                codec.decode(last, t);
            }
            int appends = action == 2 ? 2 : 1;
            for (int a = 0; a < appends; a++) {
                double[] x = {random.nextDouble(), -random.nextDouble(), step};
                s.push(x);
                t.push(x);
            }
            s.eventCount++;
            t.eventCount++;
            byte[] expected = codec.encode(t, null);
            // An array the state was not synchronized with is ignored, whatever it holds.
            byte[] foreign = random.nextInt(10) == 0 ? expected.clone() : last;
            byte[] copied = codec.encode(s, foreign);
            assertArrayEquals(expected, copied, "step " + step);
            last = copied;
        }
    }
}
