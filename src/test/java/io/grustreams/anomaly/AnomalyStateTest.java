package io.grustreams.anomaly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class AnomalyStateTest {

    /** Small windows keep the golden record short: W = 2, N = 3 (ring of 5), 2 features. */
    static final AnomalyConfig SMALL = AnomalyConfig.builder().shortWindow(2).longWindow(3).learningPeriod(2).build();
    private static final String GOLDEN = "/golden/anomaly-state-v2.hex";
    /** The previous version's golden record, which this build still reads. */
    private static final String GOLDEN_V1 = "/golden/anomaly-state-v1.hex";

    // Offsets in the golden record (2 features, W = 2, N = 3).
    private static final int MEAN = 28;
    private static final int VARIANCE = MEAN + 16;
    private static final int SHORT_HEAD = VARIANCE + 16;
    private static final int SHORT_COUNT = SHORT_HEAD + 4;
    private static final int SHORT_RING = SHORT_COUNT + 12;
    private static final int LONG_HEAD = SHORT_RING + 16;
    private static final int LONG_COUNT = LONG_HEAD + 4;
    private static final int LONG_SUM = LONG_COUNT + 4;
    private static final int LONG_RING = LONG_SUM + 16;
    private static final int ALERT_OPEN = LONG_RING + 40;
    private static final int OPEN_STREAK = ALERT_OPEN + 1;
    private static final int COOLDOWN = OPEN_STREAK + 8;
    private static final int VALUE_COUNT = COOLDOWN + 4;
    private static final int LOW = VALUE_COUNT + 8;
    private static final int HIGH = LOW + 16;
    private static final int NOVELTY_FILL = HIGH + 16;
    private static final int NOVELTY_MAX = NOVELTY_FILL + 4;
    private static final int NOVELTY_BLOCKS = NOVELTY_MAX + 8;
    private static final int NOVELTY_MAXIMA = NOVELTY_BLOCKS + 4;
    private static final int CHECKSUM = NOVELTY_MAXIMA + 24;

    /** A state with a distinct, exactly representable value in every field. */
    static AnomalyState goldenState() {
        AnomalyState s = new AnomalyDetector(SMALL, 2).newState();
        s.residualCount = 1_234_567_890_123L;
        s.mean[0] = 1.5;
        s.mean[1] = -0.25;
        s.variance[0] = 2.0;
        s.variance[1] = 0.0625;
        s.shortRing[0] = 0.25;
        s.shortRing[1] = 0.75;
        s.shortHead = 1;
        s.shortCount = 2;
        s.shortSum = 1.0;
        double[] ring = {0.5, 0.125, 0.875, 0.0, 1.0};
        System.arraycopy(ring, 0, s.longRing, 0, ring.length);
        s.longHead = 3;
        s.longCount = 5;
        s.longSum = 1.375;
        s.longSumSq = 1.015625;
        s.alertOpen = true;
        s.openStreak = 0;
        s.resolveStreak = 3;
        s.cooldownRemaining = 7;
        s.valueCount = 9;
        s.low[0] = -3.5;
        s.low[1] = 0.5;
        s.high[0] = 4.0;
        s.high[1] = 0.5;
        s.noveltyFill = 42;
        s.noveltyMax = 2.5;
        s.noveltyMaxima[0] = 1.25;
        s.noveltyMaxima[1] = 6.0;
        s.noveltyMaxima[2] = 0.75;
        return s;
    }

    @Test
    void shouldReadTheVersion1GoldenBytesWithAnEmptyRangeAndNoveltyAndWriteThemAsVersion2() {
        byte[] v1 = golden(GOLDEN_V1);
        AnomalyState s = AnomalyState.readFrom(ByteBuffer.wrap(v1), SMALL);
        assertEquals(1_234_567_890_123L, s.residualCount());
        assertEquals(7, s.cooldownRemaining());
        assertEquals(0, s.valueCount);
        assertEquals(0, s.noveltyFill);
        assertArrayEquals(new double[AnomalyDetector.NOVELTY_BLOCKS], s.noveltyMaxima);
        byte[] v2 = AnomalyDetectorTest.bytes(s);
        assertEquals(AnomalyState.FORMAT_VERSION, ByteBuffer.wrap(v2).getInt(4));
        assertArrayEquals(v2, AnomalyDetectorTest.bytes(AnomalyState.readFrom(ByteBuffer.wrap(v2), SMALL)));
    }

    @Test
    void shouldReadIntoAReusedStateOfTheSameShapeExactlyAsIntoANewOne() {
        AnomalyState reuse = goldenState();
        byte[] v1 = golden(GOLDEN_V1);
        AnomalyState fromV1 = AnomalyState.readFrom(ByteBuffer.wrap(v1), SMALL, reuse);
        assertSame(reuse, fromV1);
        // The v2 novelty fields the reused state held must not leak into a v1 record's state.
        assertArrayEquals(AnomalyDetectorTest.bytes(AnomalyState.readFrom(ByteBuffer.wrap(v1), SMALL)),
                AnomalyDetectorTest.bytes(fromV1));
        AnomalyState fromV2 = AnomalyState.readFrom(ByteBuffer.wrap(golden()), SMALL, reuse);
        assertSame(reuse, fromV2);
        assertArrayEquals(golden(), AnomalyDetectorTest.bytes(fromV2));
    }

    @Test
    void shouldReadIntoANewStateWhenTheReusedOneHasAnotherShape() {
        AnomalyState threeFeatures = new AnomalyDetector(SMALL, 3).newState();
        AnomalyState s = AnomalyState.readFrom(ByteBuffer.wrap(golden()), SMALL, threeFeatures);
        assertNotSame(threeFeatures, s);
        assertEquals(2, s.features());
        assertArrayEquals(golden(), AnomalyDetectorTest.bytes(s));
        assertEquals(3, threeFeatures.features());
    }

    @Test
    void shouldWriteTheGoldenBytesForAKnownState() {
        AnomalyState s = goldenState();
        assertEquals(CHECKSUM + 4, s.serializedSize());
        assertArrayEquals(golden(), AnomalyDetectorTest.bytes(s));
    }

    @Test
    void shouldReadTheGoldenBytesBackToTheSameState() {
        AnomalyState s = AnomalyState.readFrom(ByteBuffer.wrap(golden()), SMALL);
        assertEquals(2, s.features());
        assertEquals(1_234_567_890_123L, s.residualCount());
        assertEquals(-0.25, s.mean[1]);
        assertEquals(0.0625, s.variance[1]);
        assertEquals(1, s.shortHead);
        assertEquals(1.015625, s.longSumSq);
        assertTrue(s.alertOpen());
        assertEquals(3, s.resolveStreak);
        assertEquals(7, s.cooldownRemaining());
        assertEquals(9, s.valueCount);
        assertEquals(4.0, s.high[0]);
        assertEquals(42, s.noveltyFill);
        assertEquals(6.0, s.noveltyMaxima[1]);
        assertArrayEquals(golden(), AnomalyDetectorTest.bytes(s));
    }

    @Test
    void shouldRoundTripAScoredStateToTheBitAndContinueIdentically() {
        AnomalyConfig config = AnomalyConfig.defaults();
        AnomalyDetector detector = new AnomalyDetector(config, 3);
        AnomalyState original = detector.newState();
        Random random = new Random(17);
        feed(detector, original, random, 1_500, 1_400);
        byte[] bytes = AnomalyDetectorTest.bytes(original);
        AnomalyState restored = AnomalyState.readFrom(ByteBuffer.wrap(bytes), config);
        assertArrayEquals(bytes, AnomalyDetectorTest.bytes(restored));

        long seed = random.nextLong();
        List<String> a = feed(detector, original, new Random(seed), 2_000, 100);
        List<String> b = feed(detector, restored, new Random(seed), 2_000, 100);
        assertEquals(a, b);
        assertArrayEquals(AnomalyDetectorTest.bytes(original), AnomalyDetectorTest.bytes(restored));
    }

    /** Scores Gaussian residuals with a burst of 6 sigma at {@code burstAt}; returns every verdict's bits. */
    private static List<String> feed(AnomalyDetector detector, AnomalyState s, Random random, int events, int burstAt) {
        double[] actual = new double[detector.features()];
        double[] expected = new double[detector.features()];
        AnomalyVerdict v = new AnomalyVerdict();
        List<String> out = new ArrayList<>();
        for (int e = 0; e < events; e++) {
            for (int i = 0; i < actual.length; i++) {
                actual[i] = random.nextGaussian() + (e >= burstAt && e < burstAt + 20 ? 6.0 : 0.0);
            }
            detector.score(s, actual, expected, v);
            out.add(Double.doubleToRawLongBits(v.rawScore()) + "/" + Double.doubleToRawLongBits(v.likelihood())
                    + "/" + v.transition() + "/" + v.reason());
        }
        return out;
    }

    @Test
    void shouldWriteBigEndianWhateverTheBufferOrderAndRestoreIt() {
        AnomalyState s = goldenState();
        ByteBuffer little = ByteBuffer.allocate(s.serializedSize()).order(ByteOrder.LITTLE_ENDIAN);
        s.writeTo(little);
        assertEquals(ByteOrder.LITTLE_ENDIAN, little.order());
        assertArrayEquals(golden(), little.array());
        little.flip();
        AnomalyState read = AnomalyState.readFrom(little, SMALL);
        assertEquals(ByteOrder.LITTLE_ENDIAN, little.order());
        assertArrayEquals(golden(), AnomalyDetectorTest.bytes(read));
    }

    @Test
    void shouldReadARecordEmbeddedInALargerBuffer() {
        byte[] record = golden();
        ByteBuffer buf = ByteBuffer.allocate(record.length + 9);
        buf.put(new byte[] {9, 9, 9, 9, 9}).put(record).putInt(0xCAFEBABE).flip();
        buf.position(5);
        AnomalyState s = AnomalyState.readFrom(buf, SMALL);
        assertEquals(5 + record.length, buf.position());
        assertEquals(0xCAFEBABE, buf.getInt());
        assertArrayEquals(record, AnomalyDetectorTest.bytes(s));
    }

    @Test
    void shouldRefuseToWriteIntoTooSmallABuffer() {
        AnomalyState s = goldenState();
        ByteBuffer small = ByteBuffer.allocate(s.serializedSize() - 1);
        assertThrows(BufferOverflowException.class, () -> s.writeTo(small));
        assertEquals(0, small.position());
    }

    @Test
    void shouldRejectEveryTruncationNamingTheCutField() {
        byte[] record = golden();
        for (int length = 0; length < record.length; length++) {
            ByteBuffer cut = ByteBuffer.wrap(record, 0, length);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> AnomalyState.readFrom(cut, SMALL), "length " + length);
            assertTrue(e.getMessage().startsWith("anomaly state truncated at field "), e.getMessage());
        }
        assertTruncatedAt(0, "magic");
        assertTruncatedAt(6, "version");
        assertTruncatedAt(10, "features");
        assertTruncatedAt(14, "shortWindow");
        assertTruncatedAt(18, "longWindow");
        assertTruncatedAt(20, "residualCount");
        assertTruncatedAt(MEAN + 15, "mean");
        assertTruncatedAt(VARIANCE, "variance");
        assertTruncatedAt(SHORT_RING + 8, "shortRing");
        assertTruncatedAt(LONG_RING + 39, "longRing");
        assertTruncatedAt(ALERT_OPEN, "alertOpen");
        assertTruncatedAt(COOLDOWN + 2, "cooldownRemaining");
        assertTruncatedAt(VALUE_COUNT + 7, "valueCount");
        assertTruncatedAt(HIGH + 1, "high");
        assertTruncatedAt(NOVELTY_MAXIMA + 23, "noveltyMaxima");
        assertTruncatedAt(CHECKSUM + 3, "checksum");
    }

    private static void assertTruncatedAt(int length, String field) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AnomalyState.readFrom(ByteBuffer.wrap(golden(), 0, length), SMALL));
        assertTrue(e.getMessage().startsWith("anomaly state truncated at field " + field + ":"),
                () -> "length " + length + ": " + e.getMessage());
    }

    @Test
    void shouldRejectCorruptFieldsNamingThem() {
        assertCorrupt("magic", b -> b.putInt(0, 0x414E4F4E));
        assertCorrupt("version", b -> b.putInt(4, 3));
        assertCorrupt("features", b -> b.putInt(8, 0));
        assertCorrupt("features", b -> b.putInt(8, AnomalyState.MAX_FEATURES + 1));
        assertCorrupt("shortWindow", b -> b.putInt(12, 3));
        assertCorrupt("longWindow", b -> b.putInt(16, 4));
        assertCorrupt("residualCount", b -> b.putLong(20, -1));
        assertCorrupt("mean[1]", b -> b.putDouble(MEAN + 8, Double.NaN));
        assertCorrupt("variance[0]", b -> b.putDouble(VARIANCE, -1e-300));
        assertCorrupt("variance[1]", b -> b.putDouble(VARIANCE + 8, Double.POSITIVE_INFINITY));
        assertCorrupt("shortCount", b -> b.putInt(SHORT_COUNT, 3));
        assertCorrupt("shortHead", b -> b.putInt(SHORT_HEAD, 2));
        assertCorrupt("shortHead", b -> b.putInt(SHORT_COUNT, 0));
        assertCorrupt("shortSum", b -> b.putDouble(SHORT_COUNT + 4, -0.5));
        assertCorrupt("shortRing[1]", b -> b.putDouble(SHORT_RING + 8, 1.5));
        assertCorrupt("longHead", b -> b.putInt(LONG_HEAD, -1));
        assertCorrupt("longCount", b -> b.putInt(LONG_COUNT, 6));
        assertCorrupt("longSumSq", b -> b.putDouble(LONG_SUM + 8, Double.NaN));
        assertCorrupt("longRing[4]", b -> b.putDouble(LONG_RING + 32, Double.NaN));
        assertCorrupt("alertOpen", b -> b.put(ALERT_OPEN, (byte) 2));
        assertCorrupt("openStreak", b -> b.putInt(OPEN_STREAK, -1));
        assertCorrupt("resolveStreak", b -> b.putInt(OPEN_STREAK + 4, Integer.MIN_VALUE));
        assertCorrupt("cooldownRemaining", b -> b.putInt(COOLDOWN, -7));
        assertCorrupt("valueCount", b -> b.putLong(VALUE_COUNT, -1));
        assertCorrupt("low[1]", b -> b.putDouble(LOW + 8, Double.NEGATIVE_INFINITY));
        assertCorrupt("high[0]", b -> b.putDouble(HIGH, -4.0));
        assertCorrupt("noveltyFill", b -> b.putInt(NOVELTY_FILL, AnomalyDetector.NOVELTY_BLOCK));
        assertCorrupt("noveltyMax", b -> b.putDouble(NOVELTY_MAX, -1.0));
        assertCorrupt("noveltyBlocks", b -> b.putInt(NOVELTY_BLOCKS, AnomalyDetector.NOVELTY_BLOCKS + 1));
        assertCorrupt("noveltyMaxima[2]", b -> b.putDouble(NOVELTY_MAXIMA + 16, Double.NaN));
    }

    @Test
    void shouldRejectAFlippedBitThatLeavesEveryFieldInRangeByItsChecksum() {
        // The lowest mantissa bit of mean[0]: 1.5 becomes 1.5 + 2^-52, still a valid mean.
        assertCorrupt("checksum", b -> b.put(MEAN + 7, (byte) (b.get(MEAN + 7) ^ 1)));
        assertCorrupt("checksum", b -> b.putInt(CHECKSUM, b.getInt(CHECKSUM) + 1));
    }

    private static void assertCorrupt(String field, Consumer<ByteBuffer> damage) {
        ByteBuffer buf = ByteBuffer.wrap(golden());
        damage.accept(buf);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AnomalyState.readFrom(buf, SMALL), field);
        assertTrue(e.getMessage().startsWith("anomaly state field " + field + " is invalid"),
                () -> field + ": " + e.getMessage());
    }

    /** The golden record: hex pairs, whitespace and {@code #} comments ignored. */
    static byte[] golden() {
        return golden(GOLDEN);
    }

    private static byte[] golden(String name) {
        try (InputStream in = AnomalyStateTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            StringBuilder hex = new StringBuilder();
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                int hash = line.indexOf('#');
                hex.append((hash < 0 ? line : line.substring(0, hash)).replaceAll("\\s+", ""));
            }
            byte[] bytes = new byte[hex.length() / 2];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void shouldWriteTheSameBytesWhenCopyingTheRingsFromTheLastRecord() {
        AnomalyConfig config = AnomalyConfig.builder().shortWindow(3).longWindow(9).learningPeriod(3)
                .residualWarmup(3).build();
        AnomalyDetector detector = new AnomalyDetector(config, 2);
        AnomalyState s = detector.newState();
        AnomalyVerdict v = new AnomalyVerdict();
        Random random = new Random(17);
        int size = s.serializedSize();
        // The array the state was last written to or read from, and where its record starts there.
        byte[] last = null;
        int lastAt = 0;
        int copied = 0;
        for (int t = 0; t < 600; t++) {
            if (random.nextInt(15) == 0 && last != null) {
                // Read back from the last array (a key state embeds the record at an offset).
                s = AnomalyState.readFrom(ByteBuffer.wrap(last, lastAt, size).slice(), config);
            }
            int events = random.nextInt(10) == 0 ? 2 : 1;
            for (int e = 0; e < events; e++) {
                detector.score(s, new double[] {random.nextGaussian(), 5 + random.nextGaussian()},
                        new double[] {0, 5}, v);
            }
            ByteBuffer fromLast = ByteBuffer.allocate(size + 3).position(3);
            s.writeTo(fromLast, last);
            copied += last != null && events == 1 ? 1 : 0;
            lastAt = random.nextInt(2) * 5;
            ByteBuffer full = ByteBuffer.allocate(size + lastAt).position(lastAt);
            s.writeTo(full);
            assertArrayEquals(java.util.Arrays.copyOfRange(full.array(), lastAt, lastAt + size),
                    java.util.Arrays.copyOfRange(fromLast.array(), 3, 3 + size), "event " + t);
            last = full.array();
        }
        assertTrue(copied > 400, "writes that copied the rings: " + copied);
    }
}
