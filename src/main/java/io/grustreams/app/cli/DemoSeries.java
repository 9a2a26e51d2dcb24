package io.grustreams.app.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * One NAB series of the demo (from {@code src/main/resources/demo/nab/}, MIT, see {@code LICENSE-NAB.txt}):
 * the readings of its last {@link #MAX_SPAN} (all of it if shorter), in the series' own spacing.
 *
 * @param key the Kafka key it is replayed as
 * @param unit what {@code value} means, for the report
 * @param times reading times, epoch ms, strictly ascending
 * @param values readings, in {@code unit}
 */
record DemoSeries(String key, String unit, long[] times, double[] values) {

    /**
     * Replayed history per series: five weeks, so that the first model is trained on weeks of every
     * daily and weekly pattern, and the weekly seasonal naive forecast has a week behind each judged event.
     */
    static final Duration MAX_SPAN = Duration.ofDays(35);

    private static final long WEEK_MS = Duration.ofDays(7).toMillis();
    /** 1970-01-05T00:00:00Z, a Monday. */
    private static final long A_MONDAY = Duration.ofDays(4).toMillis();
    private static final DateTimeFormatter NAB_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    /**
     * The demo's keys. Each key is scaled by its own typical change, so the series keep their units:
     * a 20 000-passenger series next to a 2 % one is fine.
     */
    static List<DemoSeries> loadAll() {
        return List.of(
                load("machine_temperature_system_failure.csv", "machine-temperature", "°F"),
                load("nyc_taxi.csv", "nyc-taxi", "passengers / 30 min"),
                load("ec2_cpu_utilization_53ea38.csv", "aws-ec2-cpu", "CPU %"));
    }

    /**
     * The last {@link #MAX_SPAN} of a NAB file ({@code timestamp,value}, a header line, ascending
     * times): the readings after its newest time minus the span.
     *
     * @throws IllegalStateException if the file is missing or its times do not ascend
     */
    static DemoSeries load(String file, String key, String unit) {
        List<Long> t = new ArrayList<>();
        List<Double> v = new ArrayList<>();
        try (InputStream in = DemoSeries.class.getResourceAsStream("/demo/nab/" + file)) {
            if (in == null) {
                throw new IllegalStateException("demo data missing from the jar: /demo/nab/" + file);
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line = r.readLine();
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                int comma = line.indexOf(',');
                t.add(parse(line.substring(0, comma)));
                v.add(Double.parseDouble(line.substring(comma + 1)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long from = t.get(t.size() - 1) - MAX_SPAN.toMillis();
        int first = 0;
        while (t.get(first) <= from) {
            first++;
        }
        long[] times = new long[t.size() - first];
        double[] values = new double[times.length];
        for (int i = 0; i < times.length; i++) {
            times[i] = t.get(first + i);
            values[i] = v.get(first + i);
            if (i > 0 && times[i] <= times[i - 1]) {
                throw new IllegalStateException("/demo/nab/" + file + ": times do not ascend at " + times[i]);
            }
        }
        return new DemoSeries(key, unit, times, values);
    }

    /** The first reading's time, epoch ms. */
    long start() {
        return times[0];
    }

    /** The last reading's time, epoch ms. */
    long end() {
        return times[times.length - 1];
    }

    /** The same readings {@code ms} later. */
    DemoSeries shiftedBy(long ms) {
        long[] shifted = new long[times.length];
        for (int i = 0; i < shifted.length; i++) {
            shifted[i] = times[i] + ms;
        }
        return new DemoSeries(key, unit, shifted, values);
    }

    /**
     * Where the demo's timeline ends: the last Monday 00:00 UTC at or before {@code notAfter}. Every
     * series is moved to end there, so from one run to the next the replay moves by whole weeks
     * only: the time-of-day and day-of-week inputs, hence the models and every figure, are the same.
     */
    static long timelineEnd(long notAfter) {
        return notAfter - Math.floorMod(notAfter - A_MONDAY, WEEK_MS);
    }

    private static long parse(String nabTime) {
        return LocalDateTime.parse(nabTime, NAB_TIME).toInstant(ZoneOffset.UTC).toEpochMilli();
    }
}
