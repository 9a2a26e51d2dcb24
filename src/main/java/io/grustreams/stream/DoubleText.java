package io.grustreams.stream;

import com.fasterxml.jackson.core.SerializableString;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A finite double as JSON text for {@code JsonGenerator.writeRawValue}: the generator asks it to
 * append its bytes to the generator's own buffer ({@link #appendUnquotedUTF8}), and
 * {@link ShortestDouble} writes the digits there, so a number costs no {@code String} and no copy.
 * One instance is reused for every number ({@link #set}); not thread-safe. A number's text needs
 * no quoting, so the quoted and unquoted forms are the same.
 */
final class DoubleText implements SerializableString {

    private final byte[] scratch = new byte[ShortestDouble.MAX_CHARS];
    private double value;

    /**
     * @return this, now standing for {@code v}
     * @throws IllegalArgumentException if v is NaN or infinite (JSON has no such number)
     */
    DoubleText set(double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("not finite: " + v);
        }
        value = v;
        return this;
    }

    private int toScratch() {
        return ShortestDouble.write(value, scratch, 0);
    }

    @Override
    public int appendUnquotedUTF8(byte[] buffer, int offset) {
        if (buffer.length - offset < ShortestDouble.MAX_CHARS) {
            return -1;
        }
        return ShortestDouble.write(value, buffer, offset) - offset;
    }

    @Override
    public int appendQuotedUTF8(byte[] buffer, int offset) {
        return appendUnquotedUTF8(buffer, offset);
    }

    @Override
    public String getValue() {
        return new String(scratch, 0, toScratch(), StandardCharsets.US_ASCII);
    }

    @Override
    public int charLength() {
        return toScratch();
    }

    @Override
    public char[] asQuotedChars() {
        return getValue().toCharArray();
    }

    @Override
    public byte[] asUnquotedUTF8() {
        int n = toScratch();
        byte[] out = new byte[n];
        System.arraycopy(scratch, 0, out, 0, n);
        return out;
    }

    @Override
    public byte[] asQuotedUTF8() {
        return asUnquotedUTF8();
    }

    @Override
    public int appendUnquoted(char[] buffer, int offset) {
        int n = toScratch();
        if (buffer.length - offset < n) {
            return -1;
        }
        for (int i = 0; i < n; i++) {
            buffer[offset + i] = (char) scratch[i];
        }
        return n;
    }

    @Override
    public int appendQuoted(char[] buffer, int offset) {
        return appendUnquoted(buffer, offset);
    }

    @Override
    public int writeUnquotedUTF8(OutputStream out) throws IOException {
        int n = toScratch();
        out.write(scratch, 0, n);
        return n;
    }

    @Override
    public int writeQuotedUTF8(OutputStream out) throws IOException {
        return writeUnquotedUTF8(out);
    }

    @Override
    public int putUnquotedUTF8(ByteBuffer buffer) {
        int n = toScratch();
        if (buffer.remaining() < n) {
            return -1;
        }
        buffer.put(scratch, 0, n);
        return n;
    }

    @Override
    public int putQuotedUTF8(ByteBuffer buffer) {
        return putUnquotedUTF8(buffer);
    }

    @Override
    public String toString() {
        return getValue();
    }
}
