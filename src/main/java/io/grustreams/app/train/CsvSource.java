package io.grustreams.app.train;

import io.grustreams.app.Csv;
import io.grustreams.model.EventOrder;
import io.grustreams.model.Provenance;
import io.grustreams.train.History;
import io.grustreams.train.HistorySampler;
import io.grustreams.train.SampleLimits;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Training events from CSV files ({@code --input}): one file, or every {@code *.csv} of a directory in
 * name order. Each file starts with a header naming its columns: {@code key}, {@code timestamp} (or
 * {@code ts}: epoch milliseconds or an ISO-8601 instant) and one column per feature of
 * {@code gru.features}; with a single feature, a column {@code value} also serves. Other columns are
 * ignored; fields may be double-quoted. A key's events keep their order in the files. Rows are read
 * one at a time into a {@link HistorySampler}: the files are never held whole.
 *
 * <p>A row that cannot be read is skipped and counted by reason, as the stream counts dead letters:
 * {@code wrong-column-count}, {@code bad-key}, {@code bad-timestamp}, {@code wrong-type},
 * {@code not-finite}. A header without the needed columns is a configuration error.
 */
final class CsvSource {

    private final List<String> features;

    CsvSource(List<String> features) {
        this.features = List.copyOf(features);
    }

    /** Where {@link #readFile} hands each good row. */
    @FunctionalInterface
    private interface Rows {
        /** @param values the row's features; reused for the next row */
        void accept(String key, long timestamp, double[] values);
    }

    /**
     * Reads the files, handing every good row in the window to a {@link HistorySampler}.
     *
     * @param window when present, only events at most this long before the newest event are kept
     * @param seed chooses the sampled keys
     * @throws IllegalArgumentException if there is no CSV file or a header lacks a needed column
     */
    SourceData read(Path input, Optional<Duration> window, SampleLimits limits, long seed) throws IOException {
        List<Path> files = files(input);
        long cutoff = Long.MIN_VALUE;
        if (window.isPresent()) {
            // The window ends at the newest event, which must be known before the first row is offered:
            // a first pass finds it, so that keys only outside the window take no place in the sample.
            long[] newest = {Long.MIN_VALUE};
            for (Path file : files) {
                readFile(file, (key, ts, values) -> newest[0] = Math.max(newest[0], ts), new HashMap<>());
            }
            cutoff = newest[0] == Long.MIN_VALUE ? Long.MIN_VALUE : newest[0] - window.get().toMillis();
        }
        HistorySampler sampler = new HistorySampler(features.size(), limits, seed);
        Map<String, Long> bad = new LinkedHashMap<>();
        long[] range = {Long.MAX_VALUE, Long.MIN_VALUE};
        long from = cutoff;
        long records = 0;
        for (Path file : files) {
            records += readFile(file, (key, ts, values) -> {
                if (ts >= from) {
                    range[0] = Math.min(range[0], ts);
                    range[1] = Math.max(range[1], ts);
                    EventOrder order = sampler.add(key, ts, values);
                    if (order != EventOrder.NEXT) {
                        // The stream dead-letters such a row: the model is not trained on it either.
                        bad.merge(order.code(), 1L, Long::sum);
                    }
                }
            }, bad);
        }
        History history = sampler.build();
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put(Provenance.SOURCE_KIND, "files");
        provenance.put(Provenance.SOURCE_INPUT, input.toString());
        provenance.put("files", files.size());
        window.ifPresent(w -> provenance.put("window", w.toString()));
        if (!history.isEmpty()) {
            provenance.put("from", Instant.ofEpochMilli(range[0]).toString());
            provenance.put("to", Instant.ofEpochMilli(range[1]).toString());
        }
        provenance.put("records", records);
        provenance.put("badRecords", bad.values().stream().mapToLong(Long::longValue).sum());
        return new SourceData(history, records, bad, sampler.summary(), provenance);
    }

    private static List<Path> files(Path input) throws IOException {
        if (Files.isDirectory(input)) {
            List<Path> list;
            try (Stream<Path> s = Files.list(input)) {
                list = s.filter(p -> p.getFileName().toString().endsWith(".csv") && Files.isRegularFile(p))
                        .sorted().toList();
            }
            if (list.isEmpty()) {
                throw new IllegalArgumentException("--input " + input + ": the directory has no .csv file");
            }
            return list;
        }
        if (!Files.isRegularFile(input)) {
            throw new IllegalArgumentException("--input " + input + ": no such file or directory");
        }
        return List.of(input);
    }

    /** @return rows read (good and bad, not the header or blank lines). @param bad modified */
    private long readFile(Path file, Rows rows, Map<String, Long> bad) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = in.readLine();
            while (header != null && header.isBlank()) {
                header = in.readLine();
            }
            if (header == null) {
                return 0;
            }
            List<String> names = Csv.fields(Csv.stripBom(header));
            if (names == null) {
                throw new IllegalArgumentException(file + ": the header line has an unclosed quote");
            }
            Columns cols = columns(file, names);
            double[] values = new double[features.size()];
            long count = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                count++;
                String reason = parse(line, names.size(), cols, rows, values);
                if (reason != null) {
                    bad.merge(reason, 1L, Long::sum);
                }
            }
            return count;
        }
    }

    private record Columns(int key, int ts, int[] features) {
    }

    private Columns columns(Path file, List<String> names) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            index.putIfAbsent(names.get(i).trim(), i);
        }
        Integer key = index.get("key");
        Integer ts = index.containsKey("timestamp") ? index.get("timestamp") : index.get("ts");
        int[] f = new int[features.size()];
        List<String> missing = new ArrayList<>();
        for (int j = 0; j < f.length; j++) {
            Integer c = index.get(features.get(j));
            if (c == null && features.size() == 1) {
                c = index.get("value");
            }
            if (c == null) {
                missing.add(features.get(j));
            } else {
                f[j] = c;
            }
        }
        if (key == null) {
            missing.add(0, "key");
        }
        if (ts == null) {
            missing.add(key == null ? 1 : 0, "timestamp");
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(file + ": the header " + names + " lacks the column(s) " + missing
                    + " (needed: key, timestamp, and the features of gru.features " + features + ")");
        }
        return new Columns(key, ts, f);
    }

    /** Hands the row on or returns why it is bad. @param values scratch, modified */
    private String parse(String line, int width, Columns cols, Rows rows, double[] values) {
        List<String> fields = Csv.fields(line);
        if (fields == null || fields.size() != width) {
            return "wrong-column-count";
        }
        String key = fields.get(cols.key()).trim();
        if (key.isEmpty()) {
            return "bad-key";
        }
        long ts;
        try {
            ts = Csv.epochMillis(fields.get(cols.ts()));
        } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
            return "bad-timestamp";
        }
        for (int j = 0; j < values.length; j++) {
            String text = fields.get(cols.features()[j]).trim();
            try {
                values[j] = Double.parseDouble(text);
            } catch (NumberFormatException e) {
                return "wrong-type";
            }
            // Double.parseDouble accepts "NaN", "Infinity" and overflows like 1e999 to infinity.
            if (!Double.isFinite(values[j])) {
                return "not-finite";
            }
        }
        rows.accept(key, ts, values);
        return null;
    }
}
