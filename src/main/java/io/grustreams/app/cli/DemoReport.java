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
 * The demo's self-contained HTML report: the run's figures; per key the GRU's forecast error next to
 * persistence and the daily and weekly seasonal naive forecasts on the same readings ({@link
 * KeyTrace#compare}); then per key an inline SVG plot of the actual readings, the forecasts the stream
 * scored them against, the alert spans (shaded) and the model swaps (vertical lines), and a zoom on
 * its last days with the naive forecasts too. No script, no external resource: it opens from a file
 * anywhere.
 */
final class DemoReport {

    /** The forecasts compared, in report order: the GRU's, then the baselines a user gets for free. */
    enum Method {
        GRU("GRU"),
        /** x̂_t = x_{t−1}. */
        PERSISTENCE("persistence"),
        /** x̂_t = x_{t−P}, P the key's events per day: the same time yesterday. */
        DAILY("daily naive"),
        /** x̂_t = x_{t−7P}: the same time last week. */
        WEEKLY("weekly naive");

        final String label;

        Method(String label) {
            this.label = label;
        }
    }

    /**
     * One key's forecast errors, every forecaster on the same events.
     *
     * @param eventsPerDay P of the seasonal naive forecasts; 0 when the key has none
     * @param forecasts readings the GRU forecast
     * @param judged the readings compared: every one the GRU forecast and every baseline that applies to
     *     the key has a value for
     * @param rmse per {@link Method} (by ordinal); NaN for a baseline that does not apply
     * @param mae as {@code rmse}
     */
    record Comparison(int eventsPerDay, int forecasts, int judged, double[] rmse, double[] mae) {

        boolean applies(Method f) {
            return !Double.isNaN(rmse[f.ordinal()]);
        }

        double rmse(Method f) {
            return rmse[f.ordinal()];
        }

        double mae(Method f) {
            return mae[f.ordinal()];
        }

        /** The baseline with the lowest RMSE (persistence when nothing is judged). */
        Method bestBaseline() {
            Method best = Method.PERSISTENCE;
            for (Method f : List.of(Method.DAILY, Method.WEEKLY)) {
                if (applies(f) && rmse(f) < rmse(best)) {
                    best = f;
                }
            }
            return best;
        }

        /** GRU RMSE / the best baseline's RMSE: below 1, the GRU beats every baseline; NaN when nothing is judged. */
        double ratio() {
            return rmse(Method.GRU) / rmse(bestBaseline());
        }

        boolean gruWins() {
            return ratio() < 1;
        }
    }

    /** One key's replayed readings (demo timeline, epoch ms) and what the stream said about them. */
    static final class KeyTrace {
        final String key;
        final String unit;
        final long[] times;
        final double[] actual;
        /** Per reading: the GRU forecast it was scored against ({@code expected}), NaN when none. */
        final double[] expected;
        /** Alert spans, [open, resolved] in epoch ms; resolved is {@code Long.MAX_VALUE} while open. */
        final List<long[]> alerts = new ArrayList<>();
        /** P, the seasonal naive forecasts' readings per day ({@link #eventsPerDay}). */
        final int eventsPerDay;

        /** @param times ascending */
        KeyTrace(String key, String unit, long[] times, double[] actual) {
            this.key = key;
            this.unit = unit;
            this.times = times;
            this.actual = actual;
            this.eventsPerDay = eventsPerDay(times);
            this.expected = new double[times.length];
            Arrays.fill(expected, Double.NaN);
        }

        int forecasts() {
            int n = 0;
            for (double e : expected) {
                n += Double.isNaN(e) ? 0 : 1;
            }
            return n;
        }

        /** The reading's forecast by {@code f}, NaN when it has none. */
        double forecast(Method f, int i) {
            if (f == Method.GRU) {
                return expected[i];
            }
            int lag = lag(f);
            return lag > 0 && i - lag >= 0 ? actual[i - lag] : Double.NaN;
        }

        /** How many readings back a baseline looks; 0 when it does not apply to this key. */
        int lag(Method f) {
            int p = eventsPerDay;
            return switch (f) {
                case GRU -> 0;
                case PERSISTENCE -> 1;
                case DAILY -> p;
                case WEEKLY -> 7 * p;
            };
        }

        /**
         * The GRU against the baselines. A seasonal baseline applies when at least one forecast
         * reading has its value; the readings judged are the forecast ones that have every applying
         * baseline's value, so every figure is on the same readings.
         */
        Comparison compare() {
            Method[] all = Method.values();
            boolean[] applies = new boolean[all.length];
            applies[Method.GRU.ordinal()] = true;
            int forecasts = 0;
            for (int i = 0; i < times.length; i++) {
                if (Double.isNaN(expected[i])) {
                    continue;
                }
                forecasts++;
                for (Method f : all) {
                    applies[f.ordinal()] |= !Double.isNaN(forecast(f, i));
                }
            }
            double[] se = new double[all.length];
            double[] ae = new double[all.length];
            int n = 0;
            for (int i = 0; i < times.length; i++) {
                boolean judged = true;
                for (Method f : all) {
                    judged &= !applies[f.ordinal()] || !Double.isNaN(forecast(f, i));
                }
                if (!judged) {
                    continue;
                }
                n++;
                for (Method f : all) {
                    if (applies[f.ordinal()]) {
                        double e = actual[i] - forecast(f, i);
                        se[f.ordinal()] += e * e;
                        ae[f.ordinal()] += Math.abs(e);
                    }
                }
            }
            double[] rmse = new double[all.length];
            double[] mae = new double[all.length];
            for (Method f : all) {
                int o = f.ordinal();
                rmse[o] = applies[o] && n > 0 ? Math.sqrt(se[o] / n) : Double.NaN;
                mae[o] = applies[o] && n > 0 ? ae[o] / n : Double.NaN;
            }
            return new Comparison(lag(Method.DAILY), forecasts, n, rmse, mae);
        }
    }

    /**
     * P: readings per day at the median positive gap between readings, 0 unless at least 2 (as the
     * trainer's seasonal naive forecasts, {@code train.ForecastEvaluator}).
     */
    static int eventsPerDay(long[] times) {
        long[] gaps = new long[Math.max(0, times.length - 1)];
        int m = 0;
        for (int i = 1; i < times.length; i++) {
            long g = times[i] - times[i - 1];
            if (g > 0) {
                gaps[m++] = g;
            }
        }
        if (m == 0) {
            return 0;
        }
        Arrays.sort(gaps, 0, m);
        long p = Math.round(86_400_000.0 / gaps[m / 2]);
        return p >= 2 && p <= Integer.MAX_VALUE / 8 ? (int) p : 0;
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

    /** The zoomed plot's span: the end of each key's replay, where it is judged. */
    static final long ZOOM_MS = 2 * 86_400_000L;

    /**
     * One line: whether the GRU beats every baseline on every key, or on which keys it does not.
     *
     * @param comparisons {@code keys}' comparisons, in the same order
     */
    static String verdict(List<KeyTrace> keys, List<Comparison> comparisons) {
        List<String> lost = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            Comparison c = comparisons.get(i);
            if (!c.gruWins()) {
                lost.add(String.format(Locale.ROOT, "%s (%s, ratio %.3f)", keys.get(i).key, c.bestBaseline().label,
                        c.ratio()));
            }
        }
        return lost.isEmpty()
                ? "The GRU beats persistence and every seasonal naive forecast on every key (RMSE ratio < 1)."
                : "The GRU does not beat the best baseline on: " + String.join(", ", lost) + ".";
    }

    /**
     * Writes the report.
     *
     * @param figures the run's figures, label to value, in display order. Not modified.
     * @param swaps model version to the event time (epoch ms) it took over at. Not modified.
     */
    static void write(Path file, Map<String, String> figures, List<KeyTrace> keys, Map<Long, Long> swaps)
            throws IOException {
        List<Comparison> comparisons = keys.stream().map(KeyTrace::compare).toList();
        StringBuilder h = new StringBuilder(1 << 20);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>gru-streams demo</title>\n")
                .append("<style>body{font-family:sans-serif;margin:24px;color:#222}table{border-collapse:collapse}")
                .append("td,th{padding:3px 10px;border-bottom:1px solid #ddd;text-align:left}td.n{text-align:right}")
                .append(".legend span{margin-right:18px}svg{background:#fff;border:1px solid #ccc}</style></head><body>\n")
                .append("<h1>gru-streams demo</h1>\n<p>Real NAB series (MIT licence) replayed as keys through one GRU ")
                .append("model: the first model trained on the first weeks of the replay, a retrain hot-swapped in ")
                .append("near its end. Each key's GRU forecasts are compared with three forecasts a user gets for ")
                .append("free, on the same readings.</p>\n<h2>Run</h2>\n<table>\n");
        for (Map.Entry<String, String> f : figures.entrySet()) {
            h.append("<tr><th>").append(esc(f.getKey())).append("</th><td>").append(esc(f.getValue())).append("</td></tr>\n");
        }
        h.append("</table>\n<h2>Forecast error per key</h2>\n<p>").append(esc(verdict(keys, comparisons)))
                .append("</p>\n<p>Persistence: the previous reading. Daily naive: the reading P readings earlier, P the ")
                .append("key's readings per day (the same time yesterday). Weekly naive: 7P readings earlier (the same ")
                .append("time last week). Judged: the readings the GRU forecast that have every baseline's value. ")
                .append("Ratio: the GRU's RMSE over the best baseline's; below 1 the GRU wins.</p>\n<table><tr>")
                .append("<th rowspan=\"2\">key</th><th rowspan=\"2\">unit</th><th rowspan=\"2\">forecasts</th>")
                .append("<th rowspan=\"2\">judged</th><th rowspan=\"2\">P</th><th colspan=\"4\">RMSE</th>")
                .append("<th colspan=\"4\">MAE</th><th rowspan=\"2\">ratio</th><th rowspan=\"2\">best baseline</th>")
                .append("<th rowspan=\"2\">alerts</th></tr>\n<tr>");
        for (int twice = 0; twice < 2; twice++) {
            for (Method f : Method.values()) {
                h.append("<th>").append(f.label).append("</th>");
            }
        }
        h.append("</tr>\n");
        for (int i = 0; i < keys.size(); i++) {
            KeyTrace k = keys.get(i);
            Comparison c = comparisons.get(i);
            h.append("<tr class=\"key\"><td>").append(esc(k.key)).append("</td><td>").append(esc(k.unit))
                    .append("</td><td class=\"n\">").append(c.forecasts()).append("</td><td class=\"n\">")
                    .append(c.judged()).append("</td><td class=\"n\">").append(c.eventsPerDay()).append("</td>");
            for (Method f : Method.values()) {
                h.append("<td class=\"n\">").append(num(c.rmse(f))).append("</td>");
            }
            for (Method f : Method.values()) {
                h.append("<td class=\"n\">").append(num(c.mae(f))).append("</td>");
            }
            h.append(String.format(Locale.ROOT, "<td class=\"n\"><b>%.3f</b></td><td>%s</td><td class=\"n\">%d</td></tr>%n",
                    c.ratio(), c.bestBaseline().label, k.alerts.size()));
        }
        h.append("</table>\n<p class=\"legend\"><span style=\"color:").append(ACTUAL).append("\">&#9632; actual</span>")
                .append("<span style=\"color:").append(GRU)
                .append("\">&#9632; GRU forecast (the one each reading was scored against)</span>")
                .append("<span style=\"color:#d62728\">&#9632; alert open</span>")
                .append("<span style=\"color:#2ca02c\">&#9474; model takes over</span>")
                .append("<span style=\"color:").append(DAILY).append("\">&#9632; daily naive</span>")
                .append("<span style=\"color:").append(WEEKLY).append("\">&#9632; weekly naive (dashed)</span> ")
                .append("(the naive forecasts in the zoomed plots only)</p>\n");
        for (KeyTrace k : keys) {
            h.append("<h3>").append(esc(k.key)).append(" <small>(").append(esc(k.unit)).append(")</small></h3>\n");
            int n = k.times.length;
            plot(h, "plot", k, 0, n, List.of(new Line(k.actual, ACTUAL, ""), new Line(k.expected, GRU, "")), swaps);
            int from = n - 1;
            while (from > 0 && k.times[from - 1] >= k.times[n - 1] - ZOOM_MS) {
                from--;
            }
            h.append("<p>The last ").append(ZOOM_MS / 86_400_000L).append(" days:</p>\n");
            plot(h, "zoom", k, from, n, List.of(new Line(naive(k, Method.WEEKLY), WEEKLY, "4 3"),
                    new Line(naive(k, Method.DAILY), DAILY, ""), new Line(k.actual, ACTUAL, ""),
                    new Line(k.expected, GRU, "")), swaps);
        }
        h.append("</body></html>\n");
        Files.writeString(file, h, StandardCharsets.UTF_8);
    }

    private static final String ACTUAL = "#1f77b4";
    private static final String GRU = "#ff7f0e";
    private static final String DAILY = "#9467bd";
    private static final String WEEKLY = "#8c564b";

    /** A line of a plot: values per reading (NaN: none), its colour and SVG dash pattern ("" solid). */
    private record Line(double[] values, String color, String dash) {
    }

    private static double[] naive(KeyTrace k, Method f) {
        double[] v = new double[k.times.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = k.forecast(f, i);
        }
        return v;
    }

    /** An SVG plot of readings {@code [from, to)}: alert spans, grid, model swaps, then the lines in order. */
    private static void plot(StringBuilder h, String cssClass, KeyTrace k, int from, int to, List<Line> lines,
            Map<Long, Long> swaps) {
        long t0 = k.times[from];
        long t1 = k.times[to - 1];
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Line l : lines) {
            for (int i = from; i < to; i++) {
                if (!Double.isNaN(l.values()[i])) {
                    lo = Math.min(lo, l.values()[i]);
                    hi = Math.max(hi, l.values()[i]);
                }
            }
        }
        double pad = (hi - lo) * 0.05 + 1e-9;
        Scale s = new Scale(t0, Math.max(t1, t0 + 1), lo - pad, hi + pad);
        h.append("<svg class=\"").append(cssClass).append("\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(W)
                .append("\" height=\"").append(H).append("\" viewBox=\"0 0 ").append(W).append(' ').append(H).append("\">\n");
        for (long[] a : k.alerts) {
            if (a[1] < t0 || a[0] > t1) {
                continue;
            }
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
            long t = sw.getValue();
            if (t >= t0 && t <= t1) {
                double x = s.x(t);
                h.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#2ca02c\""
                        + " stroke-width=\"2\"/><text x=\"%.1f\" y=\"%d\" font-size=\"11\" fill=\"#2ca02c\">v%d</text>%n",
                        x, x, TOP, H - BOTTOM, x + 3, TOP + 10, sw.getKey()));
            }
        }
        for (Line l : lines) {
            polyline(h, k.times, l.values(), from, to, s, l.color(), l.dash());
        }
        h.append("</svg>\n");
    }

    /** A polyline per run of finite values of {@code [from, to)} (a gap breaks the line rather than bridging it). */
    private static void polyline(StringBuilder h, long[] times, double[] values, int from, int to, Scale s, String color,
            String dash) {
        boolean open = false;
        for (int i = from; i < to; i++) {
            if (Double.isNaN(values[i])) {
                if (open) {
                    h.append("\"/>\n");
                    open = false;
                }
                continue;
            }
            if (!open) {
                h.append("<polyline fill=\"none\" stroke=\"").append(color).append('"');
                if (!dash.isEmpty()) {
                    h.append(" stroke-dasharray=\"").append(dash).append('"');
                }
                h.append(" stroke-width=\"1\" points=\"");
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

    /** A figure of the error table: 4 significant digits, whole numbers from 1000 on; "n/a" for NaN. */
    static String num(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        return Math.abs(v) >= 1000 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.4g", v);
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
