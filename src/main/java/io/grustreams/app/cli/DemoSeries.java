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
 * the readings of a {@link #SPAN} window ending at {@code end}, in the series' own spacing.
 *
 * @param key the Kafka key it is replayed as
 * @param unit what {@code value} means, for the report
 * @param times reading times, epoch ms of the original series, ascending
 * @param values readings, in {@code unit}
 */
record DemoSeries(String key, String unit, long[] times, double[] values) {

    /**
     * Replayed span per series: under the events topic's 7-day retention, since the replay keeps the
     * series' own spacing and ends its timeline just before now.
     */
    static final Duration SPAN = Duration.ofDays(6);

    private static final DateTimeFormatter NAB_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    /**
     * The demo's keys. One model serves every key and the trainer fits one normalization over all of
     * them, so the series are chosen (and taxi counts given in thousands) to share a 0–100 range:
     * a 27 000-passenger series next to a 0–100 % one would leave the small ones a sliver of the scale.
     */
    static List<DemoSeries> loadAll() {
        return List.of(
                load("machine_temperature_system_failure.csv", "machine-temperature", "°F", "2014-02-10 00:00:00", 1),
                load("nyc_taxi.csv", "nyc-taxi", "thousand passengers / 30 min", "2015-01-29 00:00:00", 1e-3),
                load("ec2_cpu_utilization_5f5533.csv", "aws-ec2-cpu", "CPU %", "2014-02-28 14:22:00", 1));
    }

    static DemoSeries load(String file, String key, String unit, String end, double scale) {
        long endMs = parse(end);
        long startMs = endMs - SPAN.toMillis();
        List<long[]> t = new ArrayList<>();
        List<Double> v = new ArrayList<>();
        try (InputStream in = DemoSeries.class.getResourceAsStream("/demo/nab/" + file)) {
            if (in == null) {
                throw new IllegalStateException("demo data missing from the jar: /demo/nab/" + file);
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line = r.readLine();
            while ((line = r.readLine()) != null) {
                int comma = line.indexOf(',');
                long ts = parse(line.substring(0, comma));
                if (ts > startMs && ts <= endMs) {
                    t.add(new long[] {ts});
                    v.add(Double.parseDouble(line.substring(comma + 1)) * scale);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long[] times = new long[t.size()];
        double[] values = new double[t.size()];
        for (int i = 0; i < times.length; i++) {
            times[i] = t.get(i)[0];
            values[i] = v.get(i);
        }
        return new DemoSeries(key, unit, times, values);
    }

    /** The end of the window, epoch ms: the replay maps it to the demo timeline's end. */
    long end() {
        return times[times.length - 1];
    }

    private static long parse(String nabTime) {
        return LocalDateTime.parse(nabTime, NAB_TIME).toInstant(ZoneOffset.UTC).toEpochMilli();
    }
}
