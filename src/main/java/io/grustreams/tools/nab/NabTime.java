package io.grustreams.tools.nab;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.util.Locale;

/**
 * NAB timestamps: {@code yyyy-MM-dd HH:mm:ss} in data and results files, the same with a
 * {@code .ffffff} fraction in the label files. Both parse to the same instant, which is how the
 * official labeler matches window limits to rows.
 */
final class NabTime {

    private static final DateTimeFormatter FORMAT = new DateTimeFormatterBuilder()
            .appendPattern("uuuu-MM-dd HH:mm:ss")
            .optionalStart()
            .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
            .optionalEnd()
            .toFormatter(Locale.ROOT)
            .withResolverStyle(ResolverStyle.STRICT);

    private NabTime() {
    }

    /**
     * @param where names the file and row for the error message
     * @throws IllegalArgumentException if {@code text} is not a NAB timestamp
     */
    static LocalDateTime parse(String text, String where) {
        try {
            // Fast path for the 365k data rows; the formatter handles fractions and reports errors.
            if (text.length() == 19 && isPlain(text)) {
                return LocalDateTime.of(digits(text, 0, 4), digits(text, 5, 7), digits(text, 8, 10),
                        digits(text, 11, 13), digits(text, 14, 16), digits(text, 17, 19));
            }
            return LocalDateTime.parse(text, FORMAT);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(
                    where + ": timestamp '" + text + "' is not of the form yyyy-MM-dd HH:mm:ss[.ffffff]", e);
        }
    }

    /** {@code dddd-dd-dd dd:dd:dd}. */
    private static boolean isPlain(String t) {
        for (int i = 0; i < 19; i++) {
            char c = t.charAt(i);
            boolean ok = switch (i) {
                case 4, 7 -> c == '-';
                case 10 -> c == ' ';
                case 13, 16 -> c == ':';
                default -> c >= '0' && c <= '9';
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static int digits(String t, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            v = 10 * v + (t.charAt(i) - '0');
        }
        return v;
    }
}
