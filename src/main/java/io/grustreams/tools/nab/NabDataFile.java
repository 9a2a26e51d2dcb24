package io.grustreams.tools.nab;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One NAB data file: its rows (timestamp and value, kept as written so results files can repeat
 * them), its labeled anomaly windows resolved to rows, its probationary period and its per-row
 * labels. Immutable.
 *
 * <p>The checks are the official labeler's: every window limit must match exactly one row's
 * timestamp, and windows must be in order and must not overlap. Under them the official
 * sweeper's row-by-row walk (enter a window at the row equal to its start, leave it at the row
 * equal to its end) is the same as the index ranges {@link NabWindow#firstRow()}..{@link
 * NabWindow#lastRow()}, which is what the scorer uses.
 */
public final class NabDataFile {

    /** Fraction of each file that is probationary (NAB {@code probationaryPercent}). */
    public static final double PROBATIONARY_PERCENT = 0.15;

    /** The probationary period never exceeds this many rows ({@code 0.15 * 5000}). */
    public static final int MAX_PROBATIONARY_ROWS = 750;

    private final String relativePath;
    private final String[] timestampTexts;
    private final LocalDateTime[] timestamps;
    private final String[] valueTexts;
    private final double[] values;
    private final List<NabWindow> windows;
    private final byte[] labels;
    private final int probationaryLength;

    private NabDataFile(String relativePath, String[] timestampTexts, LocalDateTime[] timestamps,
            String[] valueTexts, double[] values, List<NabWindow> windows, byte[] labels) {
        this.relativePath = relativePath;
        this.timestampTexts = timestampTexts;
        this.timestamps = timestamps;
        this.valueTexts = valueTexts;
        this.values = values;
        this.windows = windows;
        this.labels = labels;
        this.probationaryLength = probationaryLength(timestamps.length);
    }

    /**
     * Builds a data file from its rows and its window limits as written in
     * {@code combined_windows.json}.
     *
     * @param relativePath {@code <category>/<file>.csv}
     * @param timestamps   one per row, {@code yyyy-MM-dd HH:mm:ss}; not modified
     * @param values       one per row, decimal numbers; not modified
     * @param windowLimits each a two-element list {@code [start, end]}; not modified
     * @throws IllegalArgumentException naming the file, row or window that breaks a rule above
     */
    public static NabDataFile of(String relativePath, List<String> timestamps, List<String> values,
            List<List<String>> windowLimits) {
        checkRelativePath(relativePath);
        int n = timestamps.size();
        if (values.size() != n) {
            throw new IllegalArgumentException(relativePath + ": " + n + " timestamps but " + values.size() + " values");
        }
        if (n == 0) {
            throw new IllegalArgumentException(relativePath + ": no rows");
        }
        String[] tsText = timestamps.toArray(new String[0]);
        String[] valText = values.toArray(new String[0]);
        LocalDateTime[] ts = new LocalDateTime[n];
        double[] vals = new double[n];
        // Row of the first occurrence of each timestamp, and how often it occurs (DST repeats exist).
        Map<LocalDateTime, Integer> firstRow = new HashMap<>(2 * n);
        Map<LocalDateTime, Integer> occurrences = new HashMap<>();
        for (int i = 0; i < n; i++) {
            String where = relativePath + " row " + (i + 1);
            ts[i] = NabTime.parse(tsText[i], where);
            vals[i] = parseValue(valText[i], where);
            Integer prev = firstRow.putIfAbsent(ts[i], i);
            if (prev != null) {
                occurrences.merge(ts[i], 2, (a, b) -> a + 1);
            }
        }
        List<NabWindow> windows = resolveWindows(relativePath, windowLimits, firstRow, occurrences);
        return new NabDataFile(relativePath, tsText, ts, valText, vals, windows, labels(ts, windows));
    }

    /**
     * Rows of the probationary period of a file with {@code rows} rows:
     * {@code min(floor(0.15 * rows), 0.15 * 5000)}, as in NAB's {@code getProbationPeriod} and the
     * sweeper's {@code _getProbationaryLength}. Rows {@code 0 .. length-1} are not scored.
     */
    public static int probationaryLength(int rows) {
        return (int) Math.min(Math.floor(PROBATIONARY_PERCENT * rows), PROBATIONARY_PERCENT * 5000);
    }

    private static void checkRelativePath(String relativePath) {
        int slash = relativePath.indexOf('/');
        if (slash <= 0 || slash != relativePath.lastIndexOf('/') || slash == relativePath.length() - 1
                || relativePath.contains("\\")) {
            throw new IllegalArgumentException("data file path '" + relativePath + "' is not <category>/<file>");
        }
    }

    private static double parseValue(String text, String where) {
        try {
            double v = Double.parseDouble(text);
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException(where + ": value '" + text + "' is not finite");
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": value '" + text + "' is not a number", e);
        }
    }

    private static List<NabWindow> resolveWindows(String relativePath, List<List<String>> limits,
            Map<LocalDateTime, Integer> firstRow, Map<LocalDateTime, Integer> occurrences) {
        List<NabWindow> out = new ArrayList<>(limits.size());
        int previousLast = -1;
        for (int k = 0; k < limits.size(); k++) {
            List<String> limit = limits.get(k);
            String where = relativePath + " window " + (k + 1);
            if (limit.size() != 2) {
                throw new IllegalArgumentException(where + ": expected [start, end], got " + limit);
            }
            LocalDateTime start = NabTime.parse(limit.get(0), where + " start");
            LocalDateTime end = NabTime.parse(limit.get(1), where + " end");
            int first = uniqueRow(start, where + " start", firstRow, occurrences);
            int last = uniqueRow(end, where + " end", firstRow, occurrences);
            if (last < first) {
                throw new IllegalArgumentException(where + ": end " + limit.get(1) + " (row " + (last + 1)
                        + ") comes before start " + limit.get(0) + " (row " + (first + 1) + ")");
            }
            if (first <= previousLast) {
                throw new IllegalArgumentException(where + ": starts at row " + (first + 1)
                        + ", not after the previous window's end (row " + (previousLast + 1) + "); windows must be"
                        + " in order and must not overlap");
            }
            out.add(new NabWindow(start, end, first, last));
            previousLast = last;
        }
        return List.copyOf(out);
    }

    private static int uniqueRow(LocalDateTime t, String where, Map<LocalDateTime, Integer> firstRow,
            Map<LocalDateTime, Integer> occurrences) {
        Integer row = firstRow.get(t);
        if (row == null) {
            throw new IllegalArgumentException(where + ": timestamp " + t + " does not occur in the data file");
        }
        Integer count = occurrences.get(t);
        if (count != null) {
            throw new IllegalArgumentException(where + ": timestamp " + t + " occurs " + count
                    + " times in the data file; a window limit must match exactly one row");
        }
        return row;
    }

    /** NAB labeler convention: a row is labeled 1 when its timestamp lies in some window, ends included. */
    private static byte[] labels(LocalDateTime[] ts, List<NabWindow> windows) {
        byte[] labels = new byte[ts.length];
        for (NabWindow w : windows) {
            for (int i = 0; i < ts.length; i++) {
                if (!ts[i].isBefore(w.start()) && !ts[i].isAfter(w.end())) {
                    labels[i] = 1;
                }
            }
        }
        return labels;
    }

    /** {@code <category>/<file>.csv}, the key of the label file. */
    public String relativePath() {
        return relativePath;
    }

    /** The directory part of {@link #relativePath()}, e.g. {@code realKnownCause}. */
    public String category() {
        return relativePath.substring(0, relativePath.indexOf('/'));
    }

    /** The file part of {@link #relativePath()}, e.g. {@code nyc_taxi.csv}. */
    public String fileName() {
        return relativePath.substring(relativePath.indexOf('/') + 1);
    }

    public int rowCount() {
        return timestamps.length;
    }

    public LocalDateTime timestamp(int row) {
        return timestamps[row];
    }

    /** The timestamp exactly as written in the data file. */
    public String timestampText(int row) {
        return timestampTexts[row];
    }

    public double value(int row) {
        return values[row];
    }

    /** The value exactly as written in the data file. */
    public String valueText(int row) {
        return valueTexts[row];
    }

    /** A copy of all values, in row order. */
    public double[] values() {
        return values.clone();
    }

    /** The labeled windows in row order; unmodifiable. */
    public List<NabWindow> windows() {
        return windows;
    }

    /** 1 when the row lies in a window (ends included), else 0; the {@code label} column of results files. */
    public int label(int row) {
        return labels[row];
    }

    /** Number of leading rows that are not scored; see {@link #probationaryLength(int)}. */
    public int probationaryLength() {
        return probationaryLength;
    }

    @Override
    public String toString() {
        return relativePath + " (" + rowCount() + " rows, " + windows.size() + " windows)";
    }
}
