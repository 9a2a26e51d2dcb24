package io.grustreams.stream;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * Writes a finite double as the shortest decimal that reads back to it, in the format of JDK 19+
 * {@code Double.toString} and of Jackson's fast double writer (the same text, byte for byte), straight
 * into a byte array.
 *
 * <p>Why: a forecast record holds up to 4·D + 3 doubles, and with Jackson each one became a
 * {@code String} (Schubfach, then a copy through a {@code char[]} into the generator's buffer): about
 * 140 ns per double, 5 µs per record at D = 8, the largest single cost of the stream thread after
 * the state codec. Here the digits go directly where the record is being written.
 *
 * <p>The algorithm is Schubfach (R. Giulietti, "The Schubfach way to render doubles", 2020), which
 * JDK 19's {@code Double.toString} and Jackson 2.15+ implement: the decimal {@code d·10^k} with the
 * fewest digits inside the rounding interval of {@code v} (the reals that round to v), the closest to
 * v if several, the even one on a tie. The interval's bounds are computed exactly with a 126-bit
 * approximation {@code g} of {@code 10^-k} (section 9 of the paper) and 64×64→128-bit products.
 * The text: {@code d.ddd} when {@code 10^-3 <= |v| < 10^7} (at least one digit after the point), else
 * {@code d.dddE±n}. Tested against Jackson's implementation on millions of values, including every
 * power of two and ten, subnormals and the extremes.
 */
public final class ShortestDouble {

    /** Longest text: {@code -2.2250738585072014E-308}. */
    static final int MAX_CHARS = 24;

    private static final int P = 53;
    private static final int W = 11;
    private static final int Q_MIN = (-1 << (W - 1)) - P + 3;
    private static final long C_MIN = 1L << (P - 1);
    private static final int BQ_MASK = (1 << W) - 1;
    private static final long T_MASK = (1L << (P - 1)) - 1;
    /** Subnormal significands below this get one more digit of room (multiplied by 10). */
    private static final long C_TINY = 3;
    private static final int K_MIN = -324;
    private static final int K_MAX = 292;
    /** Digits of the largest significand considered. */
    private static final int H = 17;
    private static final long MASK_63 = (1L << 63) - 1;
    private static final int MASK_28 = (1 << 28) - 1;

    private static final long[] POW10 = new long[H + 1];
    /** g1, g0 of each k in [K_MIN, K_MAX]: g = g1·2^63 + g0 = floor(10^-k · 2^-r) + 1 with 2^125 <= 10^-k · 2^-r < 2^126. */
    private static final long[] G = new long[2 * (K_MAX - K_MIN + 1)];

    static {
        POW10[0] = 1;
        for (int i = 1; i <= H; i++) {
            POW10[i] = 10 * POW10[i - 1];
        }
        BigInteger mask63 = BigInteger.ONE.shiftLeft(63).subtract(BigInteger.ONE);
        for (int k = K_MIN; k <= K_MAX; k++) {
            BigInteger beta;
            if (k <= 0) {
                // 10^-k is the integer n: beta = n · 2^-r with r = bitLength(n) - 126, exact when r <= 0.
                BigInteger n = BigInteger.TEN.pow(-k);
                int r = n.bitLength() - 126;
                beta = r >= 0 ? n.shiftRight(r) : n.shiftLeft(-r);
            } else {
                // 10^-k = 1/d: beta = floor(2^(125 + bitLength(d)) / d), in (2^125, 2^126) as d is no power of 2.
                BigInteger d = BigInteger.TEN.pow(k);
                beta = BigInteger.ONE.shiftLeft(125 + d.bitLength()).divide(d);
            }
            BigInteger g = beta.add(BigInteger.ONE);
            G[2 * (k - K_MIN)] = g.shiftRight(63).longValueExact();
            G[2 * (k - K_MIN) + 1] = g.and(mask63).longValueExact();
        }
    }

    private ShortestDouble() {
    }

    /**
     * The text of finite {@code v} that {@link #write} writes: the shortest decimal that reads back
     * to {@code v}, as JDK 19+ {@code Double.toString} writes it (JDK 17's sometimes has a digit more).
     *
     * @throws IllegalArgumentException if v is NaN or infinite
     */
    public static String text(double v) {
        byte[] buf = new byte[MAX_CHARS];
        return new String(buf, 0, write(v, buf, 0), StandardCharsets.US_ASCII);
    }

    /**
     * Writes finite {@code v} into {@code buf} from {@code pos}.
     *
     * @param buf modified: at most {@value #MAX_CHARS} bytes from {@code pos}
     * @return the position after the last byte written
     * @throws IllegalArgumentException if v is NaN or infinite
     */
    static int write(double v, byte[] buf, int pos) {
        long bits = Double.doubleToRawLongBits(v);
        long t = bits & T_MASK;
        int bq = (int) (bits >>> (P - 1)) & BQ_MASK;
        if (bq == BQ_MASK) {
            throw new IllegalArgumentException("not finite: " + v);
        }
        if (bits < 0) {
            buf[pos++] = '-';
        }
        if (bq != 0) {
            // Normal: v = c · 2^q with c = 2^52 + t, q = bq - 1075.
            int mq = -Q_MIN + 1 - bq;
            long c = C_MIN | t;
            // An integer below 2^53: its digits directly (section 8.3 of the paper).
            if (0 < mq && mq < P) {
                long f = c >> mq;
                if (f << mq == c) {
                    return toChars(f, 0, buf, pos);
                }
            }
            return toDecimal(-mq, c, 0, buf, pos);
        }
        if (t != 0) {
            // Subnormal.
            return t < C_TINY ? toDecimal(Q_MIN, 10 * t, -1, buf, pos) : toDecimal(Q_MIN, t, 0, buf, pos);
        }
        buf[pos++] = '0';
        buf[pos++] = '.';
        buf[pos++] = '0';
        return pos;
    }

    /** The shortest decimal in the rounding interval of {@code c · 2^q} (figure 7 of the paper), times 10^dk. */
    private static int toDecimal(int q, long c, int dk, byte[] buf, int pos) {
        int out = (int) c & 1;
        long cb = c << 2;
        long cbr = cb + 2;
        long cbl;
        int k;
        // The interval is symmetric around c except at the bottom of a binade, where the next lower double is closer.
        if (c != C_MIN || q == Q_MIN) {
            cbl = cb - 2;
            k = flog10pow2(q);
        } else {
            cbl = cb - 1;
            k = flog10threeQuartersPow2(q);
        }
        int h = q + flog2pow10(-k) + 2;
        long g1 = G[2 * (k - K_MIN)];
        long g0 = G[2 * (k - K_MIN) + 1];
        long vb = rop(g1, g0, cb << h);
        long vbl = rop(g1, g0, cbl << h);
        long vbr = rop(g1, g0, cbr << h);
        long s = vb >> 2;
        if (s >= 100) {
            // One digit fewer: s' = floor(s / 10) = floor(s · 115292150460684698 / 2^60); is 10 s' or 10 (s' + 1) inside?
            long sp10 = 10 * Math.multiplyHigh(s, 115_292_150_460_684_698L << 4);
            long tp10 = sp10 + 10;
            boolean upin = vbl + out <= sp10 << 2;
            boolean wpin = (tp10 << 2) + out <= vbr;
            if (upin != wpin) {
                return toChars(upin ? sp10 : tp10, k + dk, buf, pos);
            }
        }
        long tt = s + 1;
        boolean uin = vbl + out <= s << 2;
        boolean win = (tt << 2) + out <= vbr;
        if (uin != win) {
            return toChars(uin ? s : tt, k + dk, buf, pos);
        }
        // Both inside: the closer one, the even one on a tie.
        long cmp = vb - ((s + tt) << 1);
        return toChars(cmp < 0 || cmp == 0 && (s & 1) == 0 ? s : tt, k + dk, buf, pos);
    }

    /** Rounded-to-odd {@code floor(g · cp / 2^127)} (section 9.8.3 of the paper). */
    private static long rop(long g1, long g0, long cp) {
        long x1 = Math.multiplyHigh(g0, cp);
        long y0 = g1 * cp;
        long y1 = Math.multiplyHigh(g1, cp);
        long z = (y0 >>> 1) + x1;
        long vbp = y1 + (z >>> 63);
        return vbp | ((z & MASK_63) + MASK_63) >>> 63;
    }

    /** floor(e · log10(2)), for |e| <= 5456721. */
    private static int flog10pow2(int e) {
        return (int) (e * 661_971_961_083L >> 41);
    }

    /** floor(log10(3/4 · 2^e)), for |e| <= 2_015_563. */
    private static int flog10threeQuartersPow2(int e) {
        return (int) (e * 661_971_961_083L + -274_743_187_321L >> 41);
    }

    /** floor(e · log2(10)), for |e| <= 1_838_394. */
    private static int flog2pow10(int e) {
        return (int) (e * 913_124_641_741L >> 38);
    }

    /** Writes {@code f · 10^e} (f > 0) in the format of the class comment (section 10 of the paper). */
    private static int toChars(long f, int e, byte[] buf, int pos) {
        int len = flog10pow2(Long.SIZE - Long.numberOfLeadingZeros(f));
        if (f >= POW10[len]) {
            len += 1;
        }
        // Now f · 10^e = 0.f' · 10^e' with f' the 17 digits of f padded with zeros.
        f *= POW10[H - len];
        e += len;
        // h: the first digit, m: the next 8, l: the last 8 (floor(f / 10^8) = floor(f · 193428131138340668 / 2^84)).
        long hm = Math.multiplyHigh(f, 193_428_131_138_340_668L) >>> 20;
        int l = (int) (f - 100_000_000L * hm);
        int h = (int) (hm * 1_441_151_881L >>> 57);
        int m = (int) (hm - 100_000_000 * h);
        if (0 < e && e <= 7) {
            return plainWithIntegerDigits(h, m, l, e, buf, pos);
        }
        if (-3 < e && e <= 0) {
            return plainBelowOne(h, m, l, e, buf, pos);
        }
        return scientific(h, m, l, e, buf, pos);
    }

    /** 1 <= |v| < 10^7: e digits, the point, the rest. */
    private static int plainWithIntegerDigits(int h, int m, int l, int e, byte[] buf, int pos) {
        buf[pos++] = (byte) ('0' + h);
        int y = y(m);
        int i = 1;
        for (; i < e; i++) {
            int t = 10 * y;
            buf[pos++] = (byte) ('0' + (t >>> 28));
            y = t & MASK_28;
        }
        buf[pos++] = '.';
        for (; i <= 8; i++) {
            int t = 10 * y;
            buf[pos++] = (byte) ('0' + (t >>> 28));
            y = t & MASK_28;
        }
        return lowDigits(l, buf, pos);
    }

    /** 10^-3 <= |v| < 1: "0.", -e zeros, the digits. */
    private static int plainBelowOne(int h, int m, int l, int e, byte[] buf, int pos) {
        buf[pos++] = '0';
        buf[pos++] = '.';
        for (; e < 0; e++) {
            buf[pos++] = '0';
        }
        buf[pos++] = (byte) ('0' + h);
        pos = eightDigits(m, buf, pos);
        return lowDigits(l, buf, pos);
    }

    /** d.ddd then E and the exponent. */
    private static int scientific(int h, int m, int l, int e, byte[] buf, int pos) {
        buf[pos++] = (byte) ('0' + h);
        buf[pos++] = '.';
        pos = eightDigits(m, buf, pos);
        pos = lowDigits(l, buf, pos);
        int x = e - 1;
        buf[pos++] = 'E';
        if (x < 0) {
            buf[pos++] = '-';
            x = -x;
        }
        if (x < 10) {
            buf[pos++] = (byte) ('0' + x);
            return pos;
        }
        if (x >= 100) {
            int d = x * 1_311 >>> 17;
            buf[pos++] = (byte) ('0' + d);
            x -= 100 * d;
        }
        int d = x * 103 >>> 10;
        buf[pos++] = (byte) ('0' + d);
        buf[pos++] = (byte) ('0' + x - 10 * d);
        return pos;
    }

    /** The last 8 digits if any is not 0, then no trailing zeros, but one digit after the point. */
    private static int lowDigits(int l, byte[] buf, int pos) {
        if (l != 0) {
            pos = eightDigits(l, buf, pos);
        }
        while (buf[pos - 1] == '0') {
            pos--;
        }
        if (buf[pos - 1] == '.') {
            pos++;
        }
        return pos;
    }

    /** The 8 digits of {@code a < 10^8}, left to right (algorithm 1 of Bouvier and Zimmermann, b 10, k 8, n 28). */
    private static int eightDigits(int a, byte[] buf, int pos) {
        int y = y(a);
        for (int i = 0; i < 8; i++) {
            int t = 10 * y;
            buf[pos++] = (byte) ('0' + (t >>> 28));
            y = t & MASK_28;
        }
        return pos;
    }

    /** floor((a + 1) · 2^28 / 10^8) - 1. */
    private static int y(int a) {
        return (int) (Math.multiplyHigh((long) (a + 1) << 28, 193_428_131_138_340_668L) >>> 20) - 1;
    }
}
