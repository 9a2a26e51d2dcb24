package io.grustreams.tools.bench;

import io.grustreams.app.backtest.ForecastMetrics;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The self-contained HTML page of {@link ForecastBench}: the table, then per series a plot (inline
 * SVG, no script, no external file) of the last week of its judged events: the actual values, the
 * GRU's forecasts one and N events ahead (each drawn at the time it forecasts), and the best
 * seasonal naive forecast.
 */
final class ForecastReportPage {

    private static final int WIDTH = 960;
    private static final int HEIGHT = 260;
    private static final int PAD = 40;

    private ForecastReportPage() {
    }

    static String html(List<ForecastBench.Result> results, int horizon, String table) {
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>gru-streams forecast "
                + "benchmark</title>\n<style>body{font-family:sans-serif;margin:24px;max-width:1000px}"
                + "pre{font-size:11px;background:#f6f6f6;padding:8px;overflow-x:auto}h2{font-size:15px;margin-top:28px}"
                + ".k span{display:inline-block;margin-right:14px;font-size:12px}</style></head><body>\n");
        sb.append("<h1>Forecast benchmark</h1>\n<p>Strictly online: each model saw only the past. Judged on the "
                + "second half of every series. GRU/best = the GRU's RMSE over the best of persistence, daily and "
                + "weekly seasonal naive.</p>\n<pre>").append(escape(table)).append("</pre>\n");
        sb.append("<p class=\"k\"><span style=\"color:#222\">&#9644; actual</span><span style=\"color:#1f6fd1\">"
                + "&#9644; GRU, 1 ahead</span><span style=\"color:#e07b00\">&#9644; GRU, ").append(horizon)
                .append(" ahead</span><span style=\"color:#999\">&#9644; seasonal naive</span></p>\n");
        for (ForecastBench.Result r : results) {
            ForecastMetrics m = r.metrics();
            for (String key : m.keys()) {
                List<ForecastMetrics.Line> ls = m.keyLines(key, ForecastBench.JUDGED_FROM);
                sb.append("<h2>").append(escape((r.mixed() ? "mixed run: " : "") + key)).append(String.format(
                        Locale.ROOT, " &mdash; GRU/best h1 %.3f, h%d %.3f</h2>\n", ls.get(0).ratio(), horizon,
                        ls.get(ls.size() - 1).ratio()));
                sb.append(plot(m, key, horizon));
            }
        }
        sb.append("</body></html>\n");
        return sb.toString();
    }

    /** The last week (at most) of a key's events, as an SVG. */
    static String plot(ForecastMetrics m, String key, int horizon) {
        int n = m.events(key);
        int p = m.dailyPeriod(key);
        int lag = m.weekly(key) ? 7 * p : p;
        int span = Math.min(n / 2, p > 0 ? 7 * p : 500);
        int from = n - span;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int t = from; t < n; t++) {
            double v = m.value(key, t, 0);
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        if (!(hi > lo)) {
            hi = lo + 1;
        }
        double pad = (hi - lo) * 0.05;
        lo -= pad;
        hi += pad;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                + "xmlns=\"http://www.w3.org/2000/svg\">", WIDTH, HEIGHT, WIDTH, HEIGHT));
        sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
                + "stroke=\"#ccc\"/>", PAD, 10, WIDTH - PAD - 10, HEIGHT - PAD - 10));
        sb.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"20\" font-size=\"10\">%.4g</text>", hi));
        sb.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"%d\" font-size=\"10\">%.4g</text>", HEIGHT - PAD, lo));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"10\">%s</text>", PAD, HEIGHT - 12,
                Instant.ofEpochMilli(m.timestamp(key, from))));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"10\" text-anchor=\"end\">%s</text>",
                WIDTH - 10, HEIGHT - 12, Instant.ofEpochMilli(m.timestamp(key, n - 1))));
        if (p > 0) {
            sb.append(line(m, key, from, n, lo, hi, "#999", (t) -> t - lag >= 0 ? m.value(key, t - lag, 0) : Double.NaN));
        }
        sb.append(line(m, key, from, n, lo, hi, "#e07b00", (t) -> t - horizon >= 0
                ? m.forecast(key, t - horizon, horizon, 0) : Double.NaN));
        sb.append(line(m, key, from, n, lo, hi, "#1f6fd1", (t) -> t >= 1 ? m.forecast(key, t - 1, 1, 0) : Double.NaN));
        sb.append(line(m, key, from, n, lo, hi, "#222", (t) -> m.value(key, t, 0)));
        sb.append("</svg>\n");
        return sb.toString();
    }

    private interface Series {
        double at(int t);
    }

    private static String line(ForecastMetrics m, String key, int from, int n, double lo, double hi, String color,
            Series s) {
        StringBuilder d = new StringBuilder();
        boolean pen = false;
        for (int t = from; t < n; t++) {
            double v = s.at(t);
            if (Double.isNaN(v)) {
                pen = false;
                continue;
            }
            double x = PAD + (WIDTH - PAD - 10) * (t - from) / (double) Math.max(1, n - 1 - from);
            double y = 10 + (HEIGHT - PAD - 10) * (1 - (Math.max(lo, Math.min(hi, v)) - lo) / (hi - lo));
            d.append(pen ? " L" : " M").append(String.format(Locale.ROOT, "%.1f %.1f", x, y));
            pen = true;
        }
        return "<path d=\"" + d.toString().trim() + "\" fill=\"none\" stroke=\"" + color + "\" stroke-width=\"1\"/>";
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
