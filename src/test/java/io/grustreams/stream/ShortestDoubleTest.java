package io.grustreams.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.io.schubfach.DoubleToDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ShortestDoubleTest {

    private final byte[] buf = new byte[ShortestDouble.MAX_CHARS + 8];

    private String written(double v) {
        // Written at an offset, to catch any use of absolute positions.
        int end = ShortestDouble.write(v, buf, 5);
        return new String(buf, 5, end - 5, StandardCharsets.US_ASCII);
    }

    /** Jackson's fast writer (what the records used before) is the reference, text for text. */
    private void check(double v) {
        assertEquals(DoubleToDecimal.toString(v), written(v), () -> "bits " + Long.toHexString(Double.doubleToRawLongBits(v)));
    }

    @Test
    void shouldWriteWhatJacksonWritesForRandomBitPatterns() {
        Random rnd = new Random(21);
        for (int i = 0; i < 2_000_000; i++) {
            double v = Double.longBitsToDouble(rnd.nextLong());
            if (Double.isFinite(v)) {
                check(v);
            }
        }
    }

    @Test
    void shouldWriteWhatJacksonWritesForValuesLikeSensorReadingsAndForecasts() {
        Random rnd = new Random(22);
        for (int i = 0; i < 1_000_000; i++) {
            check(rnd.nextGaussian() * Math.pow(10, rnd.nextInt(16) - 8));
            // Decimals with few digits, as events carry them, and their sums and differences.
            double a = Math.round(rnd.nextGaussian() * 100_000) / 100.0;
            double b = Math.round(rnd.nextGaussian() * 1000) / 10.0;
            check(a);
            check(a - b);
            check(a * 1e-3);
            check((double) rnd.nextInt());
        }
    }

    @Test
    void shouldWriteWhatJacksonWritesAtTheEdges() {
        double[] fixed = {0.0, -0.0, 1.0, -1.0, 0.1, 0.2, 0.3, 1e-3, 9.999999999999999e-4, 1e7, 9999999.0,
            9999999.999999998, 1e23, 8.41e21, 5e-324, 1e-323, 2.2250738585072014E-308, 2.225073858507201E-308,
            Double.MIN_VALUE, Double.MIN_NORMAL, Double.MAX_VALUE, 4.9e-324, 1.7976931348623157e308,
            123456789012345678.0, 9007199254740992.0, 9007199254740993.0, 2.0E-3, 1.0E-4, 12345.678};
        for (double v : fixed) {
            check(v);
            check(-v);
        }
        for (int e = -1074; e <= 1023; e++) {
            double p = Math.scalb(1.0, e);
            check(p);
            check(Math.nextUp(p));
            check(Math.nextDown(p));
        }
        for (int e = -323; e <= 308; e++) {
            double p = Double.parseDouble("1e" + e);
            check(p);
            check(Math.nextUp(p));
            check(Math.nextDown(p));
        }
        for (long t = 1; t < 5000; t++) {
            check(Double.longBitsToDouble(t));
        }
    }

    @Test
    void shouldRefuseValuesJsonCannotCarry() {
        assertThrows(IllegalArgumentException.class, () -> ShortestDouble.write(Double.NaN, buf, 0));
        assertThrows(IllegalArgumentException.class, () -> ShortestDouble.write(Double.POSITIVE_INFINITY, buf, 0));
        assertThrows(IllegalArgumentException.class, () -> ShortestDouble.write(Double.NEGATIVE_INFINITY, buf, 0));
    }
}
