package io.grustreams.app.cli;

import io.grustreams.app.Csv;
import java.io.BufferedReader;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns a CSV file into input events (README, "Records"): one record per row, key from a key column
 * (or one fixed key), {@code ts} from a timestamp column, the feature values from the value
 * columns. One value column gives {@code {"ts": ..., "value": x}}, several give
 * {@code {"ts": ..., "values": {"a": x, "b": y}}}.
 *
 * <p>CSV: a header row, comma-separated, fields optionally in double quotes (a doubled quote
 * inside one is a quote). Timestamps: epoch milliseconds, an ISO-8601 instant, or a date-time
 * without zone ({@code 2014-04-01 00:05:00}, as in NAB files), read as UTC. Errors name the line
 * and column. Not thread-safe.
 */
final class CsvEvents {

    /** One event: its record key and JSON value. */
    record Event(String key, String json) {
    }

    private final String source;
    private final BufferedReader in;
    private final int keyIndex;
    private final Optional<String> fixedKey;
    private final int tsIndex;
    private final int[] valueIndex;
    private final String[] valueNames;
    private final int width;
    private int line = 1;

    /**
     * Reads the header.
     *
     * @param source the file name, for messages
     * @param in the caller closes it
     * @param keyColumn the key column's name; ignored when {@code fixedKey} is present
     * @param fixedKey the key of every record, for files of one entity without a key column
     * @param timestampColumn the timestamp column's name
     * @param valueColumns the feature columns; empty for every column but the key and timestamp
     * @throws IllegalArgumentException if the header lacks a named column
     */
    CsvEvents(String source, BufferedReader in, String keyColumn, Optional<String> fixedKey, String timestampColumn,
            List<String> valueColumns) throws IOException {
        this.source = source;
        this.in = in;
        this.fixedKey = fixedKey;
        String header = in.readLine();
        if (header == null) {
            throw new IllegalArgumentException(source + " is empty; it needs a header row");
        }
        List<String> names = split(Csv.stripBom(header), source + " line 1");
        this.width = names.size();
        this.keyIndex = fixedKey.isPresent() ? -1 : column(names, keyColumn, "--key-column",
                "; for a file of one entity pass --key NAME");
        this.tsIndex = column(names, timestampColumn, "--timestamp-column", "");
        List<String> values = new ArrayList<>(valueColumns);
        if (values.isEmpty()) {
            for (int i = 0; i < names.size(); i++) {
                if (i != keyIndex && i != tsIndex) {
                    values.add(names.get(i));
                }
            }
        }
        if (values.isEmpty()) {
            throw new IllegalArgumentException(source + " has no value column besides key and timestamp");
        }
        this.valueIndex = new int[values.size()];
        this.valueNames = values.toArray(new String[0]);
        for (int i = 0; i < valueIndex.length; i++) {
            valueIndex[i] = column(names, values.get(i), "--value-columns", "");
        }
    }

    private int column(List<String> names, String name, String option, String hint) {
        int i = names.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException(source + " has no column '" + name + "' (columns: " + names
                    + "); choose one with " + option + hint);
        }
        return i;
    }

    /** The next row's event, or empty at the end of the file; blank lines are skipped. */
    Optional<Event> next() throws IOException {
        String row;
        do {
            row = in.readLine();
            line++;
            if (row == null) {
                return Optional.empty();
            }
        } while (row.isBlank());
        List<String> f = split(row, source + " line " + line);
        if (f.size() != width) {
            throw new IllegalArgumentException(source + " line " + line + ": " + f.size() + " fields, the header has "
                    + width);
        }
        String key = fixedKey.orElseGet(() -> f.get(keyIndex));
        if (key.isEmpty()) {
            throw new IllegalArgumentException(source + " line " + line + ": empty key");
        }
        StringBuilder json = new StringBuilder("{\"ts\":\"").append(timestamp(f.get(tsIndex))).append("\",");
        if (valueIndex.length == 1) {
            json.append("\"value\":").append(number(f.get(valueIndex[0]), valueNames[0]));
        } else {
            json.append("\"values\":{");
            for (int i = 0; i < valueIndex.length; i++) {
                if (i > 0) {
                    json.append(',');
                }
                quote(json, valueNames[i]).append(':').append(number(f.get(valueIndex[i]), valueNames[i]));
            }
            json.append('}');
        }
        return Optional.of(new Event(key, json.append('}').toString()));
    }

    private Instant timestamp(String s) {
        try {
            return Instant.ofEpochMilli(Csv.epochMillis(s));
        } catch (DateTimeParseException | NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(source + " line " + line + ": timestamp '" + s
                    + "' is not epoch ms, an ISO-8601 instant or 'yyyy-MM-dd HH:mm:ss'", e);
        }
    }

    private String number(String s, String column) {
        try {
            double v = Double.parseDouble(s.trim());
            if (!Double.isFinite(v)) {
                throw new NumberFormatException("not finite");
            }
            return Double.toString(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(source + " line " + line + " column '" + column + "': '" + s
                    + "' is not a finite number", e);
        }
    }

    private static StringBuilder quote(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"');
    }

    /**
     * The trimmed fields of one row ({@link Csv#fields}).
     *
     * @param where the row's place, for the error
     * @throws IllegalArgumentException on a quote left open
     */
    static List<String> split(String row, String where) {
        List<String> fields = Csv.fields(row);
        if (fields == null) {
            throw new IllegalArgumentException(where + ": a quote is left open");
        }
        List<String> out = new ArrayList<>(fields.size());
        for (String f : fields) {
            out.add(f.trim());
        }
        return out;
    }
}
