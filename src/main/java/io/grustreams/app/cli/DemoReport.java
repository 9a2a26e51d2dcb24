package io.grustreams.app.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The demo's self-contained HTML report: the run's figures, then per key an inline SVG plot of the
 * actual readings, the forecasts the stream scored them against, the alert spans (shaded) and the
 * model swaps (vertical lines). No script, no external resource: it opens from a file anywhere.
 */
final class DemoReport {

    /** One key's replayed readings (demo timeline, epoch ms) and what the stream said about them. */
    static final class KeyTrace {
        final String key;
        final String unit;
        final long[] times;
        final double[] actual;
        /** Per reading: the forecast it was scored against ({@code expected}), NaN when none. */
        final double[] expected;
        /** Alert spans, [open, resolved] in epoch ms; resolved is {@code Long.MAX_VALUE} while open. */
        final List<long[]> alerts = new ArrayList<>();

        KeyTrace(String key, String unit, long[] times, double[] actual) {
            this.key = key;
            this.unit = unit;
            this.times = times;
            this.actual = actual;
            this.expected = new double[times.length];
            Arrays.fill(expected, Double.NaN);
        }

        /** Mean |actual − expected| over the readings that had a forecast. */
        double maeModel() {
            double sum = 0;
            int n = 0;
            for (int i = 1; i < times.length; i++) {
                if (!Double.isNaN(expected[i])) {
                    sum += Math.abs(actual[i] - expected[i]);
                    n++;
                }
            }
            return n == 0 ? Double.NaN : sum / n;
        }

        /** Mean |actual_t − actual_{t−1}| over the same readings: the persistence forecast's error. */
        double maePersistence() {
            double sum = 0;
            int n = 0;
            for (int i = 1; i < times.length; i++) {
                if (!Double.isNaN(expected[i])) {
                    sum += Math.abs(actual[i] - actual[i - 1]);
                    n++;
                }
            }
            return n == 0 ? Double.NaN : sum / n;
        }

        int forecasts() {
            int n = 0;
            for (double e : expected) {
                n += Double.isNaN(e) ? 0 : 1;
            }
            return n;
        }
    }

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("MMM d HH:mm", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final int W = 1100;
    private static final int H = 260;
    private static final int LEFT = 60;
    private static final int RIGHT = 20;
    private static final int TOP = 16;
    private static final int BOTTOM = 28;

    private DemoReport() {
    }

    /**
     * Writes the report.
     *
     * @param figures the run's figures, label to value, in display order. Not modified.
     * @param swaps model version to the event time (epoch ms) it took over at. Not modified.
     */
    static void write(Path file, Map<String, String> figures, List<KeyTrace> keys, Map<Long, Long> swaps)
            throws IOException {
        StringBuilder h = new StringBuilder(1 << 16);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>gru-streams demo</title>\n")
                .append("<style>body{font-family:sans-serif;margin:24px;color:#222}table{border-collapse:collapse}")
                .append("td,th{padding:3px 10px;border-bottom:1px solid #ddd;text-align:left}")
                .append(".legend span{margin-right:18px}svg{background:#fff;border:1px solid #ccc}</style></head><body>\n")
                .append("<h1>gru-streams demo</h1>\n<p>Real NAB series (MIT licence) replayed as keys through one GRU ")
                .append("model; the first model trained on the first 30&nbsp;% of the timeline, a retrain on the ")
                .append("first 60&nbsp;% hot-swapped in mid-run.</p>\n<h2>Run</h2>\n<table>\n");
        for (Map.Entry<String, String> f : figures.entrySet()) {
            h.append("<tr><th>").append(esc(f.getKey())).append("</th><td>").append(esc(f.getValue())).append("</td></tr>\n");
        }
        h.append("</table>\n<h2>Forecast error per key</h2>\n<table><tr><th>key</th><th>forecasts</th>")
                .append("<th>MAE (model)</th><th>MAE (persistence)</th><th>alerts</th><th>unit</th></tr>\n");
        for (KeyTrace k : keys) {
            h.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%d</td><td>%.3f</td><td>%.3f</td><td>%d</td><td>%s</td></tr>%n",
                    esc(k.key), k.forecasts(), k.maeModel(), k.maePersistence(), k.alerts.size(), esc(k.unit)));
        }
        h.append("</table>\n<p class=\"legend\"><span style=\"color:#1f77b4\">&#9632; actual</span>")
                .append("<span style=\"color:#ff7f0e\">&#9632; forecast (the one each reading was scored against)</span>")
                .append("<span style=\"color:#d62728\">&#9632; alert open</span>")
                .append("<span style=\"color:#2ca02c\">&#9474; model takes over</span></p>\n");
        for (KeyTrace k : keys) {
            h.append("<h3>").append(esc(k.key)).append(" <small>(").append(esc(k.unit)).append(")</small></h3>\n");
            plot(h, k, swaps);
        }
        h.append("</body></html>\n");
        Files.writeString(file, h, StandardCharsets.UTF_8);
    }

    private static void plot(StringBuilder h, KeyTrace k, Map<Long, Long> swaps) {
        long t0 = k.times[0];
        long t1 = k.times[k.times.length - 1];
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < k.times.length; i++) {
            lo = Math.min(lo, k.actual[i]);
            hi = Math.max(hi, k.actual[i]);
            if (!Double.isNaN(k.expected[i])) {
                lo = Math.min(lo, k.expected[i]);
                hi = Math.max(hi, k.expected[i]);
            }
        }
        double pad = (hi - lo) * 0.05 + 1e-9;
        Scale s = new Scale(t0, Math.max(t1, t0 + 1), lo - pad, hi + pad);
        h.append("<svg class=\"plot\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(W).append("\" height=\"")
                .append(H).append("\" viewBox=\"0 0 ").append(W).append(' ').append(H).append("\">\n");
        for (long[] a : k.alerts) {
            double x0 = s.x(Math.max(a[0], t0));
            double x1 = s.x(Math.min(a[1], t1));
            h.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#d62728\""
                    + " fill-opacity=\"0.18\"/>%n", x0, TOP, Math.max(1.5, x1 - x0), H - TOP - BOTTOM));
        }
        for (int g = 0; g <= 4; g++) {
            double v = s.vLo + (s.vHi - s.vLo) * g / 4;
            double y = s.y(v);
            h.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%s</text>%n",
                    LEFT, W - RIGHT, y, y, LEFT - 4, y + 4, fmt(v)));
        }
        for (int g = 0; g <= 6; g++) {
            long t = t0 + (t1 - t0) * g / 6;
            h.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>%n",
                    s.x(t), H - 8, DAY.format(Instant.ofEpochMilli(t))));
        }
        for (Map.Entry<Long, Long> sw : swaps.entrySet()) {
            long t = Math.max(sw.getValue(), t0);
            if (t <= t1) {
                double x = s.x(t);
                h.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#2ca02c\""
                        + " stroke-width=\"2\"/><text x=\"%.1f\" y=\"%d\" font-size=\"11\" fill=\"#2ca02c\">v%d</text>%n",
                        x, x, TOP, H - BOTTOM, x + 3, TOP + 10, sw.getKey()));
            }
        }
        polyline(h, k.times, k.actual, s, "#1f77b4");
        polyline(h, k.times, k.expected, s, "#ff7f0e");
        h.append("</svg>\n");
    }

    /** A polyline per run of finite values (a forecast gap breaks the line rather than bridging it). */
    private static void polyline(StringBuilder h, long[] times, double[] values, Scale s, String color) {
        boolean open = false;
        for (int i = 0; i < times.length; i++) {
            if (Double.isNaN(values[i])) {
                if (open) {
                    h.append("\"/>\n");
                    open = false;
                }
                continue;
            }
            if (!open) {
                h.append("<polyline fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"1\" points=\"");
                open = true;
            }
            h.append(String.format(Locale.ROOT, "%.1f,%.1f ", s.x(times[i]), s.y(values[i])));
        }
        if (open) {
            h.append("\"/>\n");
        }
    }

    private record Scale(long t0, long t1, double vLo, double vHi) {
        double x(long t) {
            return LEFT + (double) (t - t0) / (t1 - t0) * (W - LEFT - RIGHT);
        }

        double y(double v) {
            return H - BOTTOM - (v - vLo) / (vHi - vLo) * (H - TOP - BOTTOM);
        }
    }

    private static String fmt(double v) {
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** Figures in insertion order. */
    static Map<String, String> figures() {
        return new LinkedHashMap<>();
    }
}
