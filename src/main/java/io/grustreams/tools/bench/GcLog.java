package io.grustreams.tools.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The heap of one JVM as its unified GC log ({@code -Xlog:gc:file=...}) reports it: every pause
 * line ({@code GC(12) Pause Young (Normal) (G1 Evacuation Pause) 120M->38M(512M) 3.1ms}, the same
 * form for G1, Parallel and Serial) gives the heap used before and after it and the pause's length.
 * The peak before a collection is the most the heap held; the heap after one is what was live then,
 * plus old-generation garbage not yet marked. Reading the log costs the JVM nothing and needs no
 * port or agent. Lines of other collectors' forms (ZGC, Shenandoah) are not counted.
 *
 * <p>{@link #poll()} reads what the JVM appended since the last call; a line it has only half
 * written waits for the next call. One thread at a time.
 */
final class GcLog {

    private static final Pattern PAUSE = Pattern.compile(
            "GC\\(\\d+\\) Pause (.*?) (\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\) (\\d+(?:\\.\\d+)?)ms");

    private final Path file;
    private long position;
    private final StringBuilder partial = new StringBuilder();

    private boolean seen;
    private long pauses;
    private long fullPauses;
    private long peakBefore;
    private long peakAfter;
    private long lastAfter = -1;
    private long markPeakAfter = -1;
    private double longestPauseMs;

    GcLog(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    /** Reads the lines appended since the last call. A log not written yet reads as empty. */
    void poll() {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            seen = true;
            long size = ch.size();
            if (size < position) {
                // Rotated or rewritten: start over.
                position = 0;
                partial.setLength(0);
            }
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            while (position < size) {
                buf.clear();
                int n = ch.read(buf, position);
                if (n <= 0) {
                    break;
                }
                position += n;
                partial.append(new String(buf.array(), 0, n, StandardCharsets.UTF_8));
                int nl;
                while ((nl = partial.indexOf("\n")) >= 0) {
                    accept(partial.substring(0, nl));
                    partial.delete(0, nl + 1);
                }
            }
        } catch (NoSuchFileException e) {
            // The JVM has not opened its log yet.
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read GC log " + file, e);
        }
    }

    /** One log line; lines that are not a pause with heap figures are ignored. */
    void accept(String line) {
        Matcher m = PAUSE.matcher(line);
        if (!m.find()) {
            return;
        }
        long before = bytes(m.group(2), m.group(3));
        long after = bytes(m.group(4), m.group(5));
        pauses++;
        if (m.group(1).startsWith("Full")) {
            fullPauses++;
        }
        peakBefore = Math.max(peakBefore, before);
        peakAfter = Math.max(peakAfter, after);
        lastAfter = after;
        markPeakAfter = Math.max(markPeakAfter, after);
        longestPauseMs = Math.max(longestPauseMs, Double.parseDouble(m.group(8)));
    }

    /** The largest heap after a pause since the last call of this method, or -1 if no pause was logged since. */
    long takePeakAfterSinceMark() {
        long p = markPeakAfter;
        markPeakAfter = -1;
        return p;
    }

    /** Whether {@link #poll()} has found the file: the JVM writes its log. */
    boolean seen() {
        return seen;
    }

    long pauses() {
        return pauses;
    }

    long fullPauses() {
        return fullPauses;
    }

    /** Bytes. */
    long peakBefore() {
        return peakBefore;
    }

    /** Bytes. */
    long peakAfter() {
        return peakAfter;
    }

    /** Bytes after the last pause, or -1 if none was logged. */
    long lastAfter() {
        return lastAfter;
    }

    double longestPauseMs() {
        return longestPauseMs;
    }

    private static long bytes(String number, String unit) {
        long n = Long.parseLong(number);
        return switch (unit) {
            case "K" -> n << 10;
            case "M" -> n << 20;
            default -> n << 30;
        };
    }
}
