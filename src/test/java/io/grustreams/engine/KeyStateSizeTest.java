package io.grustreams.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grustreams.anomaly.AnomalyConfig;
import io.grustreams.anomaly.AnomalyDetector;
import org.junit.jupiter.api.Test;

/**
 * Pins the per-key state size that deploy/README.md's sizing guide quotes: with the default anomaly
 * windows, a full ring buffer and a forecast pending, a state is 3547 + 8·H + 56·D + W·(8 + 16·D) bytes.
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
        double[] scale = new double[d];
        java.util.Arrays.fill(scale, 1.0);
        for (int i = 0; i < w + 3; i++) {
            s.push(i, x, scale);
        }
        return new KeyStateCodec(config, 288).encode(s).length;
    }

    @Test
    void shouldTakeTheBytesTheSizingGuideQuotes() {
        for (int[] dhw : new int[][] {{1, 32, 256}, {1, 16, 256}, {3, 64, 128}, {8, 128, 1024}}) {
            int d = dhw[0];
            int h = dhw[1];
            int w = dhw[2];
            assertEquals(3547 + 8 * h + 56 * d + w * (8 + 16 * d), measured(d, h, w), "D=" + d + " H=" + h + " W=" + w);
        }
        assertEquals(10003, measured(1, 32, 256), "defaults with H=32: about 9.8 KiB");
    }
}
