package io.grustreams.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grustreams.anomaly.AnomalyConfig;
import io.grustreams.anomaly.AnomalyDetector;
import org.junit.jupiter.api.Test;

/**
 * Pins the per-key state size that deploy/README.md's sizing guide quotes: with the default anomaly
 * windows, a full ring buffer and a forecast pending, a state is 3539 + 8·H + 40·D + 8·W·D bytes.
 */
class KeyStateSizeTest {

    private static int measured(int d, int h, int w) {
        AnomalyConfig config = AnomalyConfig.builder().build();
        KeyState s = new KeyState(d, w);
        s.modelVersion = 1;
        s.resetHidden(h);
        s.hasForecast = true;
        s.anomaly = new AnomalyDetector(config, d).newState();
        double[] x = new double[d];
        for (int i = 0; i < w + 3; i++) {
            s.push(x);
        }
        return new KeyStateCodec(config).encode(s).length;
    }

    @Test
    void shouldTakeTheBytesTheSizingGuideQuotes() {
        for (int[] dhw : new int[][] {{1, 32, 256}, {1, 16, 256}, {3, 64, 128}, {8, 128, 1024}}) {
            int d = dhw[0];
            int h = dhw[1];
            int w = dhw[2];
            assertEquals(3539 + 8 * h + 40 * d + 8 * w * d, measured(d, h, w), "D=" + d + " H=" + h + " W=" + w);
        }
        assertEquals(5883, measured(1, 32, 256), "defaults with H=32: about 5.7 KiB");
    }
}
