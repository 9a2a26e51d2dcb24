package io.grustreams.model.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.BufferOverflowException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BigEndianDoublesTest {

    private static double[] randomBits(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            // Any bit pattern, NaN payloads included: the codec must move raw bits.
            v[i] = Double.longBitsToDouble(random.nextLong());
        }
        return v;
    }

    @Test
    void shouldWriteTheBytesOfPutDoubleWhateverTheBufferOrderAndKind() {
        double[] v = randomBits(37, 1);
        ByteBuffer expected = ByteBuffer.allocate(3 + 8 * 30);
        expected.position(3);
        for (int i = 5; i < 35; i++) {
            expected.putLong(Double.doubleToRawLongBits(v[i]));
        }
        for (ByteBuffer out : new ByteBuffer[] {ByteBuffer.allocate(3 + 8 * 30),
                ByteBuffer.allocate(3 + 8 * 30).order(ByteOrder.LITTLE_ENDIAN),
                ByteBuffer.allocateDirect(3 + 8 * 30), ByteBuffer.allocateDirect(3 + 8 * 30).order(ByteOrder.LITTLE_ENDIAN),
                ByteBuffer.allocate(20 + 3 + 8 * 30).position(20).slice()}) {
            out.position(3);
            BigEndianDoubles.put(out, v, 5, 30);
            assertEquals(out.capacity(), out.position());
            byte[] written = new byte[out.capacity()];
            out.position(0);
            out.get(written);
            assertArrayEquals(expected.array(), written, out.toString());
        }
    }

    @Test
    void shouldReadBackTheSameBitsFromHeapDirectAndReadOnlyBuffers() {
        double[] v = randomBits(64, 2);
        ByteBuffer heap = ByteBuffer.allocate(8 * 64);
        BigEndianDoubles.put(heap, v);
        heap.flip();
        ByteBuffer direct = ByteBuffer.allocateDirect(8 * 64).order(ByteOrder.LITTLE_ENDIAN);
        direct.put(heap.duplicate()).flip();
        for (ByteBuffer in : new ByteBuffer[] {heap, direct, heap.asReadOnlyBuffer()}) {
            double[] back = new double[66];
            BigEndianDoubles.get(in, back, 1, 64);
            assertEquals(8 * 64, in.position());
            for (int i = 0; i < 64; i++) {
                assertEquals(Double.doubleToRawLongBits(v[i]), Double.doubleToRawLongBits(back[i + 1]));
            }
        }
    }

    @Test
    void shouldRefuseRunsThatDoNotFitAndLeaveThePositionAlone() {
        ByteBuffer small = ByteBuffer.allocate(15);
        assertThrows(BufferOverflowException.class, () -> BigEndianDoubles.put(small, new double[2]));
        assertEquals(0, small.position());
        assertThrows(BufferUnderflowException.class, () -> BigEndianDoubles.get(small, new double[2], 0, 2));
        assertEquals(0, small.position());
        assertThrows(IndexOutOfBoundsException.class, () -> BigEndianDoubles.put(small, new double[2], 1, 2));
    }

    @Test
    void shouldFindTheFirstNonFiniteValue() {
        double[] v = {1, -0.0, Double.MAX_VALUE, Double.MIN_VALUE, Double.NaN, Double.POSITIVE_INFINITY};
        assertEquals(-1, BigEndianDoubles.firstNonFinite(v, 0, 4));
        assertEquals(4, BigEndianDoubles.firstNonFinite(v, 0, 6));
        assertEquals(5, BigEndianDoubles.firstNonFinite(v, 5, 1));
        assertEquals(-1, BigEndianDoubles.firstNonFinite(v, 2, 0));
        assertEquals(0, BigEndianDoubles.firstNonFinite(new double[] {Double.NEGATIVE_INFINITY}, 0, 1));
    }
}
