package io.grustreams.app.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalDouble;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LossCurvePlotTest {

    private static final double[] TRAIN = {0.4, 0.05, 0.02, 0.015, 0.012, 0.011};
    private static final double[] VALIDATION = {1.2, 0.06, 0.025, 0.018, 0.02, 0.019, 0.021};

    @Test
    void shouldWriteAPngWithEveryEpochOfBothCurvesAtItsPlace(@TempDir Path dir) throws IOException {
        LossCurvePlot plot = new LossCurvePlot("m v2", TRAIN, VALIDATION, 0.04, OptionalDouble.of(0.03), 3);
        Path file = dir.resolve("curve.png");
        plot.write(file);
        BufferedImage png = ImageIO.read(file.toFile());
        assertEquals(LossCurvePlot.WIDTH, png.getWidth());
        assertEquals(LossCurvePlot.HEIGHT, png.getHeight());
        for (int e = 0; e < VALIDATION.length; e++) {
            assertColor(LossCurvePlot.VALIDATION, png, plot.x(e), plot.y(VALIDATION[e]), "validation epoch " + e);
        }
        // Validation is drawn over training: check the training markers that no validation marker covers.
        for (int e = 1; e <= TRAIN.length; e++) {
            if (Math.abs(plot.y(TRAIN[e - 1]) - plot.y(VALIDATION[e])) > 8) {
                assertColor(LossCurvePlot.TRAIN, png, plot.x(e), plot.y(TRAIN[e - 1]), "training epoch " + e);
            }
        }
        assertLineAt(LossCurvePlot.PERSISTENCE, png, plot.x(0.1), plot.x(0.6), plot.y(0.04), "persistence line");
        assertLineAt(LossCurvePlot.CHAMPION, png, plot.x(0.1), plot.x(0.6), plot.y(0.03), "current model line");
    }

    @Test
    void shouldPutLowerLossesLowerOnALogAxis() {
        LossCurvePlot plot = new LossCurvePlot("m", TRAIN, VALIDATION, 0.04, OptionalDouble.empty(), 3);
        assertTrue(plot.y(0.01) > plot.y(0.1));
        assertEquals(plot.y(0.01) - plot.y(0.1), plot.y(0.1) - plot.y(1), 1e-9);
        assertTrue(plot.x(2) > plot.x(1));
    }

    @Test
    void shouldDrawAxesAndLabelsInDarkInk() {
        LossCurvePlot plot = new LossCurvePlot("m", TRAIN, VALIDATION, 0.04, OptionalDouble.empty(), 3);
        BufferedImage image = plot.render();
        // the x axis at the bottom of the plot area (the decade below the smallest value, 0.011), and text
        // below it (tick labels, "epoch")
        int axisY = (int) Math.round(plot.y(0.01));
        int dark = 0;
        for (int x = (int) plot.x(0); x < plot.x(6); x++) {
            dark += isDark(image.getRGB(x, axisY)) ? 1 : 0;
        }
        assertTrue(dark > 0.9 * (plot.x(6) - plot.x(0)), "x axis drawn: " + dark);
        int text = 0;
        for (int y = axisY + 6; y < LossCurvePlot.HEIGHT; y++) {
            for (int x = 0; x < LossCurvePlot.WIDTH; x++) {
                text += isDark(image.getRGB(x, y)) ? 1 : 0;
            }
        }
        assertTrue(text > 50, "labels under the axis: " + text + " dark pixels");
    }

    private static boolean isDark(int rgb) {
        Color c = new Color(rgb);
        return c.getRed() + c.getGreen() + c.getBlue() < 3 * 110;
    }

    /** A dashed, anti-aliased horizontal line: some pixel within a pixel of y between x0 and x1 has the color. */
    private static void assertLineAt(Color expected, BufferedImage image, double x0, double x1, double y, String what) {
        int hits = 0;
        for (int x = (int) x0; x <= x1; x++) {
            for (int dy = -1; dy <= 1; dy++) {
                hits += distance(expected, new Color(image.getRGB(x, (int) Math.round(y) + dy))) < 40 ? 1 : 0;
            }
        }
        assertTrue(hits >= 10, what + ": " + hits + " pixels of " + expected + " near y " + y);
    }

    private static int distance(Color a, Color b) {
        return Math.abs(a.getRed() - b.getRed()) + Math.abs(a.getGreen() - b.getGreen())
                + Math.abs(a.getBlue() - b.getBlue());
    }

    private static void assertColor(Color expected, BufferedImage image, double x, double y, String what) {
        Color c = new Color(image.getRGB((int) Math.round(x), (int) Math.round(y)));
        int d = Math.abs(c.getRed() - expected.getRed()) + Math.abs(c.getGreen() - expected.getGreen())
                + Math.abs(c.getBlue() - expected.getBlue());
        assertTrue(d < 40, what + ": expected " + expected + " at (" + x + ", " + y + "), found " + c);
    }

    @Test
    void shouldLabelTicksInPlainDigitsNearOneAndWithExponentsFarFromIt() {
        assertEquals("0.001", LossCurvePlot.tickLabel(1e-3));
        assertEquals("0.2", LossCurvePlot.tickLabel(0.2));
        assertEquals("1", LossCurvePlot.tickLabel(1));
        assertEquals("500", LossCurvePlot.tickLabel(500));
        assertEquals("1e-5", LossCurvePlot.tickLabel(1e-5));
        assertEquals("1e4", LossCurvePlot.tickLabel(1e4));
    }
}
