package io.grustreams.anomaly.nab;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
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
            return LocalDateTime.parse(text, FORMAT);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    where + ": timestamp '" + text + "' is not of the form yyyy-MM-dd HH:mm:ss[.ffffff]", e);
        }
    }
}
