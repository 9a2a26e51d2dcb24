package io.grustreams.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grustreams.anomaly.AnomalyConfig;
import io.grustreams.anomaly.AnomalyDetector;
import io.grustreams.anomaly.AnomalyState;
import io.grustreams.anomaly.AnomalyVerdict;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Pins the per-key sizes that README.md and deploy/README.md's sizing guide quote. With the
 * default anomaly windows (full) and a forecast pending, a state with m open events is
 * {@code 338 + 8·S + 72·D + m·(8 + 8·D)} bytes (S = H for one GRU layer), m in [0, B) and
 * B = max(1, ⌊256/(8 + 8D)⌋); a
 * sealed block is {@code 17 + 16·D + B·(8 + 8·D)} bytes, and the ring store keeps ⌈W/B⌉ of them.
 */
class KeyStateSizeTest {

    private static int measured(int d, int h, int w, int open) {
        AnomalyConfig config = AnomalyConfig.defaults();
        KeyState s = new KeyState(d, w);
        s.modelVersion = 1;
        s.resetHidden(h);
        s.hasForecast = true;
        s.anomaly = fullAnomaly(config, d);
        for (int i = 0; i < open; i++) {
            s.pushOpen(i, new double[d]);
        }
        return new KeyStateCodec(KeyStateCodecTest.config(Math.min(d, 3), w, config)).encodedSize(s);
    }

    /** A detector state whose windows have filled. */
    private static AnomalyState fullAnomaly(AnomalyConfig config, int d) {
        AnomalyDetector detector = new AnomalyDetector(config, d);
        AnomalyState a = detector.newState();
        Random random = new Random(1);
        AnomalyVerdict v = new AnomalyVerdict();
        double[] x = new double[d];
        for (int e = 0; e < 100; e++) {
            for (int i = 0; i < d; i++) {
                x[i] = random.nextGaussian();
            }
            detector.score(a, x, new double[d], v);
        }
        assertEquals(config.shortWindow(), a.lagCount());
        return a;
    }

    @Test
    void shouldTakeTheBytesTheSizingGuideQuotes() {
        for (int[] dhw : new int[][] {{1, 32, 32}, {1, 16, 256}, {3, 64, 128}}) {
            int d = dhw[0];
            int h = dhw[1];
            int b = KeyState.blockCapacity(d);
            for (int m = 0; m < b; m++) {
                assertEquals(338 + 8 * h + 72 * d + m * (8 + 8 * d), measured(d, h, dhw[2], m),
                        "D=" + d + " H=" + h + " m=" + m);
            }
            assertEquals(17 + 16 * d + b * (8 + 8 * d), RingBlockCodec.blockSize(d, b));
        }
        assertEquals(16, KeyState.blockCapacity(1));
        assertEquals(3, KeyState.blockCapacity(8));
    }

    @Test
    void shouldWriteAtMostOneKibPerEventAtTheDefaultsAndTwoAtEightFeaturesAndHSixtyFour() {
        // Mean over the B open sizes of the state, plus one block per B events.
        for (int[] dh : new int[][] {{1, 32, 1024}, {8, 64, 2048}}) {
            int d = dh[0];
            int b = KeyState.blockCapacity(d);
            double state = 336 + 8 * dh[1] + 72 * d + (b - 1) / 2.0 * (8 + 8 * d);
            double perEvent = state + (double) RingBlockCodec.blockSize(d, b) / b;
            assertTrue(perEvent <= dh[2], "D=" + d + ": " + perEvent + " bytes per event");
        }
    }
}
