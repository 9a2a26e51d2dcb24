package io.grustreams.app.train;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import javax.imageio.ImageIO;

/**
 * The loss curve of a training run as a PNG, drawn with {@code java.awt} on a headless image: training
 * loss and validation MSE per epoch on a log scale, the persistence forecast's MSE and the current
 * model's as horizontal references, axes with ticks and labels, a legend, and the best epoch circled.
 * Only plain JDK classes, so it runs on a server without a display.
 */
final class LossCurvePlot {

    static final int WIDTH = 800;
    static final int HEIGHT = 500;
    static final Color TRAIN = new Color(31, 119, 180);
    static final Color VALIDATION = new Color(255, 127, 14);
    static final Color PERSISTENCE = new Color(127, 127, 127);
    static final Color CHAMPION = new Color(214, 39, 40);
    static final Color BACKGROUND = Color.WHITE;

    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final int TOP = 40;
    private static final int BOTTOM = 60;
    private static final int MARKER = 7;

    private final String title;
    private final double[] train;
    private final double[] validation;
    private final double persistence;
    private final OptionalDouble champion;
    private final int bestEpoch;
    private final double logMin;
    private final double logMax;
    private final int epochs;

    /**
     * @param trainLosses training loss of epochs 1..N; not modified
     * @param validationMses validation MSE of epochs 0..N; not modified
     */
    LossCurvePlot(String title, double[] trainLosses, double[] validationMses, double persistence,
            OptionalDouble champion, int bestEpoch) {
        this.title = title;
        this.train = trainLosses.clone();
        this.validation = validationMses.clone();
        this.persistence = persistence;
        this.champion = champion;
        this.bestEpoch = bestEpoch;
        this.epochs = Math.max(1, validationMses.length - 1);
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        List<Double> all = new ArrayList<>();
        for (double v : train) {
            all.add(v);
        }
        for (double v : validation) {
            all.add(v);
        }
        all.add(persistence);
        champion.ifPresent(all::add);
        for (double v : all) {
            if (v > 0 && Double.isFinite(v)) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        if (lo == Double.POSITIVE_INFINITY) {
            lo = 1e-3;
            hi = 1;
        }
        // Whole decades around the data, at least one, so tick labels are round numbers.
        this.logMin = Math.floor(Math.log10(lo));
        this.logMax = Math.max(logMin + 1, Math.ceil(Math.log10(hi)));
    }

    /** Horizontal pixel of an epoch. */
    double x(double epoch) {
        return LEFT + (WIDTH - LEFT - RIGHT) * epoch / epochs;
    }

    /** Vertical pixel of a (positive) MSE on the log axis. */
    double y(double mse) {
        double f = (Math.log10(mse) - logMin) / (logMax - logMin);
        return HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * f;
    }

    BufferedImage render() {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(BACKGROUND);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            drawAxes(g);
            reference(g, persistence, PERSISTENCE);
            champion.ifPresent(c -> reference(g, c, CHAMPION));
            // Training loss of epoch e is the mean over epoch e's updates: plotted at e.
            series(g, train, 1, TRAIN);
            series(g, validation, 0, VALIDATION);
            if (bestEpoch < validation.length && validation[bestEpoch] > 0 && Double.isFinite(validation[bestEpoch])) {
                g.setColor(VALIDATION);
                g.setStroke(new BasicStroke(1.5f));
                double r = MARKER + 4;
                g.draw(new Ellipse2D.Double(x(bestEpoch) - r, y(validation[bestEpoch]) - r, 2 * r, 2 * r));
            }
            legend(g);
        } finally {
            g.dispose();
        }
        return image;
    }

    /** Writes the PNG to {@code file}. */
    void write(Path file) throws IOException {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        if (!ImageIO.write(render(), "png", file.toFile())) {
            throw new IOException("no PNG writer in this Java runtime");
        }
    }

    private void drawAxes(Graphics2D g) {
        int x0 = LEFT;
        int x1 = WIDTH - RIGHT;
        int y0 = HEIGHT - BOTTOM;
        int y1 = TOP;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics fm = g.getFontMetrics();
        // Grid and y ticks at 1, 2, 5 × 10^k.
        for (int k = (int) logMin; k <= (int) logMax; k++) {
            for (int m : new int[] {1, 2, 5}) {
                double v = m * Math.pow(10, k);
                double lv = Math.log10(v);
                if (lv < logMin - 1e-9 || lv > logMax + 1e-9) {
                    continue;
                }
                double py = y(v);
                g.setColor(m == 1 ? new Color(225, 225, 225) : new Color(242, 242, 242));
                g.draw(new Line2D.Double(x0, py, x1, py));
                g.setColor(Color.DARK_GRAY);
                g.draw(new Line2D.Double(x0 - 5, py, x0, py));
                if (m == 1 || logMax - logMin <= 2) {
                    String label = tickLabel(v);
                    g.drawString(label, x0 - 8 - fm.stringWidth(label), (int) py + fm.getAscent() / 2 - 1);
                }
            }
        }
        // x ticks: about ten, on whole epochs.
        int step = Math.max(1, (int) Math.ceil(epochs / 10.0));
        g.setColor(Color.DARK_GRAY);
        for (int e = 0; e <= epochs; e += step) {
            double px = x(e);
            g.draw(new Line2D.Double(px, y0, px, y0 + 5));
            String label = Integer.toString(e);
            g.drawString(label, (int) px - fm.stringWidth(label) / 2, y0 + 8 + fm.getAscent());
        }
        g.setStroke(new BasicStroke(1.2f));
        g.draw(new Line2D.Double(x0, y0, x1, y0));
        g.draw(new Line2D.Double(x0, y0, x0, y1));

        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        fm = g.getFontMetrics();
        String xLabel = "epoch";
        g.drawString(xLabel, (x0 + x1 - fm.stringWidth(xLabel)) / 2, HEIGHT - 15);
        String yLabel = "MSE (normalized units, log scale)";
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2);
        g.drawString(yLabel, -(y0 + y1 + fm.stringWidth(yLabel)) / 2, 20);
        g.setTransform(saved);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        fm = g.getFontMetrics();
        g.setColor(Color.BLACK);
        g.drawString(title, (WIDTH - fm.stringWidth(title)) / 2, 24);
    }

    /** 0.001 … 1000 in plain digits, other decades as 1e-5. */
    static String tickLabel(double v) {
        if (v >= 1e-3 && v <= 1e3) {
            return new BigDecimal(String.format(Locale.ROOT, "%.3g", v)).stripTrailingZeros().toPlainString();
        }
        return String.format(Locale.ROOT, "%.0e", v).replace("e+0", "e").replace("e-0", "e-");
    }

    private void reference(Graphics2D g, double value, Color color) {
        if (!(value > 0) || !Double.isFinite(value)) {
            return;
        }
        g.setColor(color);
        g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 6f}, 0f));
        g.draw(new Line2D.Double(LEFT, y(value), WIDTH - RIGHT, y(value)));
    }

    /** A polyline through the finite positive points, each marked by a filled circle. */
    private void series(Graphics2D g, double[] values, int firstEpoch, Color color) {
        g.setColor(color);
        g.setStroke(new BasicStroke(2f));
        Path2D.Double line = new Path2D.Double();
        boolean open = false;
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            if (!(v > 0) || !Double.isFinite(v)) {
                open = false;
                continue;
            }
            double px = x(firstEpoch + i);
            double py = y(v);
            if (open) {
                line.lineTo(px, py);
            } else {
                line.moveTo(px, py);
                open = true;
            }
        }
        g.draw(line);
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            if (v > 0 && Double.isFinite(v)) {
                double r = MARKER / 2.0;
                g.fill(new Ellipse2D.Double(x(firstEpoch + i) - r, y(v) - r, 2 * r, 2 * r));
            }
        }
    }

    private void legend(Graphics2D g) {
        List<Object[]> entries = new ArrayList<>();
        entries.add(new Object[] {"training loss", TRAIN, false});
        entries.add(new Object[] {"validation MSE (circled: kept)", VALIDATION, false});
        entries.add(new Object[] {"persistence (next = last)", PERSISTENCE, true});
        if (champion.isPresent()) {
            entries.add(new Object[] {"current model", CHAMPION, true});
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics fm = g.getFontMetrics();
        int width = 0;
        for (Object[] e : entries) {
            width = Math.max(width, fm.stringWidth((String) e[0]));
        }
        int boxW = width + 50;
        int boxH = entries.size() * 18 + 10;
        int bx = WIDTH - RIGHT - boxW - 10;
        int by = TOP + 10;
        g.setColor(new Color(255, 255, 255, 230));
        g.fillRect(bx, by, boxW, boxH);
        g.setColor(Color.LIGHT_GRAY);
        g.setStroke(new BasicStroke(1f));
        g.drawRect(bx, by, boxW, boxH);
        for (int i = 0; i < entries.size(); i++) {
            Object[] e = entries.get(i);
            int ly = by + 14 + i * 18;
            g.setColor((Color) e[1]);
            g.setStroke((Boolean) e[2]
                    ? new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f)
                    : new BasicStroke(2f));
            g.draw(new Line2D.Double(bx + 8, ly - 4, bx + 36, ly - 4));
            g.setColor(Color.BLACK);
            g.drawString((String) e[0], bx + 42, ly);
        }
    }
}
