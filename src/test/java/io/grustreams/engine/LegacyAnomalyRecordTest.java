package io.grustreams.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grustreams.anomaly.AnomalyConfig;
import io.grustreams.anomaly.AnomalyState;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The anomaly records of version-1 per-key states, pinned by golden bytes written by the build
 * that wrote them (record versions 1 and 2: 2 features, W = 2, N = 3), and their conversion.
 */
class LegacyAnomalyRecordTest {

    static final AnomalyConfig SMALL = AnomalyConfig.builder().shortWindow(2).longWindow(3).learningPeriod(2).build();

    @Test
    void shouldConvertTheVersion2GoldenRecord() {
        ByteBuffer in = ByteBuffer.wrap(golden("/golden/anomaly-state-v2.hex"));
        AnomalyState s = LegacyAnomalyRecord.read(in, SMALL, 2);
        assertNotNull(s);
        assertEquals(0, in.remaining());
        assertEquals(1_234_567_890_123L, s.residualCount());
        assertEquals(-0.25, s.residualMean(1));
        assertEquals(0.0625, s.residualVariance(1));
        // Short ring [0.25, 0.75], next write at 1: oldest first 0.75, 0.25.
        assertEquals(2, s.shortCount());
        assertEquals(0.75, s.shortScore(0));
        assertEquals(0.25, s.shortScore(1));
        // Long ring [0.5, 0.125, 0.875, 0.0, 1.0], next write at 3: oldest first 0.0, 1.0, 0.5, 0.125, 0.875.
        // The W = 2 youngest wait; the 3 older ones are the reference, as the record's running sums say.
        assertEquals(2, s.lagCount());
        assertEquals(0.125, s.lagMean(0));
        assertEquals(0.875, s.lagMean(1));
        assertEquals(3, s.referenceCount());
        double mu = 1.375 / 3;
        assertEquals(mu, s.referenceMean());
        assertEquals(1.015625 / 3 - mu * mu, s.referenceVariance());
        assertTrue(s.alertOpen());
        assertEquals(3, s.resolveStreak());
        assertEquals(7, s.cooldownRemaining());
        assertEquals(9, s.valueCount());
        assertEquals(-3.5, s.low(0));
        assertEquals(4.0, s.high(0));
        assertEquals(42, s.noveltyFill());
        assertEquals(2.5, s.noveltyMax());
        assertEquals(6.0, s.noveltyMaximum(1));
    }

    @Test
    void shouldConvertTheVersion1GoldenRecordWithAnEmptyRangeAndNovelty() {
        AnomalyState s = LegacyAnomalyRecord.read(ByteBuffer.wrap(golden("/golden/anomaly-state-v1.hex")), SMALL, 2);
        assertNotNull(s);
        assertEquals(1_234_567_890_123L, s.residualCount());
        assertEquals(7, s.cooldownRemaining());
        assertEquals(0, s.valueCount());
        assertEquals(0, s.noveltyFill());
        assertEquals(0.0, s.noveltyMaximum(2));
    }

    @Test
    void shouldDropARecordWithAFlippedBitAnotherWindowOrACut() {
        byte[] record = golden("/golden/anomaly-state-v2.hex");
        for (int i = 0; i < record.length; i++) {
            byte[] flipped = record.clone();
            flipped[i] ^= 0x10;
            assertNull(LegacyAnomalyRecord.read(ByteBuffer.wrap(flipped), SMALL, 2), "byte " + i);
        }
        assertNull(LegacyAnomalyRecord.read(ByteBuffer.wrap(record), SMALL.toBuilder().shortWindow(1).build(), 2));
        assertNull(LegacyAnomalyRecord.read(ByteBuffer.wrap(record), SMALL, 3));
        for (int length = 0; length < record.length; length += 7) {
            assertNull(LegacyAnomalyRecord.read(ByteBuffer.wrap(record, 0, length).slice(), SMALL, 2), "length " + length);
        }
    }

    /** A golden hex file: pairs of hex digits, '#' starting a comment. */
    static byte[] golden(String name) {
        try (InputStream in = LegacyAnomalyRecordTest.class.getResourceAsStream(name)) {
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
}
