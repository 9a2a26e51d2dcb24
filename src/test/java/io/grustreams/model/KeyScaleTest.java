package io.grustreams.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KeyScaleTest {

    @Test
    void shouldAverageTheFirstChangesPlainlyThenForgetExponentially() {
        double alpha = KeyScale.alpha(1);
        assertEquals(0.5, alpha, 1e-15);
        KeyScale s = new KeyScale(1);
        double[] x = {10, 12, 9, 9};
        for (double v : x) {
            s.observe(new double[] {v}, alpha);
        }
        // Changes 2, 3, 0: the first two averaged (1/1, 1/2), the third weighted by max(1/3, α) = α.
        double m = (2 + 3) / 2.0;
        m += alpha * (0 - m);
        assertEquals(m, s.meanChange(0), 1e-15);
        assertEquals(4, s.count());
        assertEquals(9, s.last(0));
        assertEquals(m, s.scales()[0], 1e-15);
    }

    @Test
    void shouldKeepAPositiveScaleForAKeyWhoseFirstEventsAreConstant() {
        KeyScale s = new KeyScale(2);
        for (int i = 0; i < 50; i++) {
            s.observe(new double[] {0.0, 1e6}, KeyScale.alpha(288));
            assertTrue(s.scales()[0] > 0 && s.scales()[1] > 0);
        }
        assertEquals(Double.MIN_NORMAL, s.scales()[0]);
        assertEquals(1.0, s.scales()[1], 1e-9, "a millionth of the value");
        s.observe(new double[] {3.0, 1e6}, KeyScale.alpha(288));
        assertEquals(3.0 / 50, s.meanChange(0), 1e-15, "the 50th change, weighted 1/50");
    }

    @Test
    void shouldCountAChangeBeyondADoubleAsTheLargestOne() {
        KeyScale s = new KeyScale(1);
        s.observe(new double[] {-Double.MAX_VALUE}, 0.5);
        s.observe(new double[] {Double.MAX_VALUE}, 0.5);
        assertEquals(Double.MAX_VALUE, s.meanChange(0));
    }

    @Test
    void shouldRestoreAndCopyWhatItStoresAndRejectWhatIsNot() {
        KeyScale s = new KeyScale(2);
        s.restore(7, new double[] {1, 2}, new double[] {0.5, 0});
        assertEquals(7, s.count());
        assertArrayEquals(new double[] {0.5, 2e-6}, s.scales(), 1e-18);
        KeyScale c = new KeyScale(2);
        c.copyFrom(s);
        assertArrayEquals(s.scales(), c.scales());
        assertEquals(2, c.last(1));
        assertThrows(IllegalArgumentException.class, () -> s.restore(-1, new double[2], new double[2]));
        assertThrows(IllegalArgumentException.class, () -> s.restore(1, new double[] {Double.NaN, 0}, new double[2]));
        assertThrows(IllegalArgumentException.class, () -> s.restore(1, new double[2], new double[] {-1, 0}));
        s.clear();
        assertEquals(0, s.count());
        assertEquals(Double.MIN_NORMAL, s.scales()[1]);
    }
}
