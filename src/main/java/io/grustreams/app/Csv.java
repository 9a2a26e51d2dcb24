package io.grustreams.app;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the command line's CSV readers ({@code produce}, {@code train --input}, {@code backtest})
 * share, so that a file one of them reads the others read alike: RFC 4180 fields (double-quoted
 * fields may hold commas and doubled quotes) and the timestamp forms.
 */
public final class Csv {

    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd[' ']['T']HH:mm[:ss][.SSS]",
            Locale.ROOT);

    private Csv() {
    }

    /**
     * The fields of one line, unquoted, not trimmed; a carriage return outside quotes is dropped.
     *
     * @return the fields, or null if a quote is left open
     */
    public static List<String> fields(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        cur.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else if (c != '\r') {
                cur.append(c);
            }
        }
        if (quoted) {
            return null;
        }
        out.add(cur.toString());
        return out;
    }

    /** {@code s} without a leading byte-order mark (spreadsheet exports write one). */
    public static String stripBom(String s) {
        return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }

    /**
     * A timestamp field as epoch milliseconds: digits (epoch ms), an ISO-8601 date-time with
     * {@code Z} or an offset, or a local {@code yyyy-MM-dd HH:mm[:ss][.SSS]} (space or {@code T})
     * read as UTC. Surrounding blanks are ignored.
     *
     * @throws DateTimeParseException if it is none of these
     * @throws NumberFormatException if digits overflow a long
     * @throws ArithmeticException if the instant does not fit epoch milliseconds
     */
    public static long epochMillis(String field) {
        String t = field.trim();
        if (!t.isEmpty() && t.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Long.parseLong(t);
        }
        if (t.endsWith("Z") || t.matches(".*[+-]\\d\\d:\\d\\d$")) {
            return DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(t, Instant::from).toEpochMilli();
        }
        return LocalDateTime.parse(t, LOCAL).toInstant(ZoneOffset.UTC).toEpochMilli();
    }
}
