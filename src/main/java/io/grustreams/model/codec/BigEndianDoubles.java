package io.grustreams.model.codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.BufferOverflowException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Arrays of doubles to and from big-endian IEEE 754 bits in a {@link ByteBuffer}, in bulk: the
 * binary state formats (per-key state, anomaly state) are mostly long runs of doubles, read and
 * written once per event.
 *
 * <p>Why not {@code ByteBuffer.putDouble} in a loop: each call updates and bounds-checks the
 * position, and in a method as large as a state codec the JIT stops inlining it, so every double
 * became a call (the per-key state codec was a third of the stream thread's CPU). Here a
 * heap buffer's backing array is written through a byte-array view {@link VarHandle}: one bounds
 * check per run, then a byte swap and a store per double. Bits are raw
 * ({@link Double#doubleToRawLongBits}), exactly what {@code putDouble} writes, so the bytes are
 * unchanged. Buffers without an accessible array (direct, read-only) take the per-double path.
 */
public final class BigEndianDoubles {

    private static final VarHandle BE = MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.BIG_ENDIAN);
    private static final long EXPONENT = 0x7ff0000000000000L;

    private BigEndianDoubles() {
    }

    /**
     * Writes {@code values[from, from + n)} at {@code out}'s position, big-endian whatever
     * {@code out}'s byte order, and advances the position by {@code 8n}.
     *
     * @param out modified
     * @param values not modified
     * @throws BufferOverflowException if fewer than {@code 8n} bytes remain (nothing is written)
     */
    public static void put(ByteBuffer out, double[] values, int from, int n) {
        int bytes = checkedBytes(values, from, n);
        if (out.remaining() < bytes) {
            throw new BufferOverflowException();
        }
        int position = out.position();
        if (out.hasArray()) {
            byte[] a = out.array();
            int at = out.arrayOffset() + position;
            for (int i = 0; i < n; i++) {
                BE.set(a, at + 8 * i, values[from + i]);
            }
        } else {
            for (int i = 0; i < n; i++) {
                out.putLong(position + 8 * i, orderedBits(out, values[from + i]));
            }
        }
        out.position(position + bytes);
    }

    /** {@link #put(ByteBuffer, double[], int, int)} of the whole array. */
    public static void put(ByteBuffer out, double[] values) {
        put(out, values, 0, values.length);
    }

    /**
     * Reads {@code n} big-endian doubles from {@code in}'s position into
     * {@code into[from, from + n)} and advances the position by {@code 8n}.
     *
     * @param in modified (position only)
     * @param into modified
     * @throws BufferUnderflowException if fewer than {@code 8n} bytes remain (nothing is read)
     */
    public static void get(ByteBuffer in, double[] into, int from, int n) {
        int bytes = checkedBytes(into, from, n);
        if (in.remaining() < bytes) {
            throw new BufferUnderflowException();
        }
        int position = in.position();
        if (in.hasArray()) {
            byte[] a = in.array();
            int at = in.arrayOffset() + position;
            for (int i = 0; i < n; i++) {
                into[from + i] = (double) BE.get(a, at + 8 * i);
            }
        } else {
            for (int i = 0; i < n; i++) {
                long bits = in.getLong(position + 8 * i);
                into[from + i] = Double.longBitsToDouble(in.order() == ByteOrder.BIG_ENDIAN ? bits
                        : Long.reverseBytes(bits));
            }
        }
        in.position(position + bytes);
    }

    /**
     * The first index in {@code [from, from + n)} whose value is NaN or infinite, or -1: the
     * finiteness check of a whole field in one pass over the exponent bits.
     *
     * @param values not modified
     */
    public static int firstNonFinite(double[] values, int from, int n) {
        for (int i = from; i < from + n; i++) {
            if ((Double.doubleToRawLongBits(values[i]) & EXPONENT) == EXPONENT) {
                return i;
            }
        }
        return -1;
    }

    private static int checkedBytes(double[] values, int from, int n) {
        if (from < 0 || n < 0 || from > values.length - n) {
            throw new IndexOutOfBoundsException("doubles [" + from + ", " + from + " + " + n + ") of "
                    + values.length);
        }
        if (n > Integer.MAX_VALUE / 8) {
            throw new IllegalArgumentException("too many doubles: " + n);
        }
        return 8 * n;
    }

    /** The long whose {@code putLong} in {@code out}'s order writes {@code v}'s bits big-endian. */
    private static long orderedBits(ByteBuffer out, double v) {
        long bits = Double.doubleToRawLongBits(v);
        return out.order() == ByteOrder.BIG_ENDIAN ? bits : Long.reverseBytes(bits);
    }
}
