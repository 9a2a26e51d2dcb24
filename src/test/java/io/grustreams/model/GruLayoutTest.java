package io.grustreams.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class GruLayoutTest {

    private static final int[][] SIZES = {{1, 1}, {1, 4}, {3, 16}, {8, 64}, {32, 128}};

    @Test
    void shouldCountThreeGatesWithOneBiasEachForCho() {
        for (int[] s : SIZES) {
            int d = s[0];
            int h = s[1];
            GruLayout layout = GruLayout.of(Variant.CHO, d, h, d);
            assertEquals(3 * (h * (h + d) + h), layout.cellParameterCount());
            assertEquals(layout.cellParameterCount() + d * h + d, layout.size(), "cell plus readout W_y, b_y");
        }
    }

    @Test
    void shouldCountTwoBiasVectorsForPytorch() {
        for (int[] s : SIZES) {
            int d = s[0];
            int h = s[1];
            GruLayout layout = GruLayout.of(Variant.PYTORCH, d, h, d);
            assertEquals(3 * h * (d + h) + 6 * h, layout.cellParameterCount());
            assertEquals(layout.cellParameterCount() + d * h + d, layout.size());
        }
    }

    @Test
    void shouldNeedThreeQuartersOfTheParametersOfAnLstm() {
        // The course notes: GRU 3·(H·(H+D) + H) against LSTM 4·(H·(H+D) + H) (four gates, one bias each).
        for (int[] s : SIZES) {
            int d = s[0];
            int h = s[1];
            int lstm = 4 * (h * (h + d) + h);
            int gru = GruLayout.of(Variant.CHO, d, h, d).cellParameterCount();
            assertEquals(3 * lstm, 4 * gru);
        }
        // The benchmark size (D, H) = (8, 64): 14,016 against 18,688.
        assertEquals(14_016, GruLayout.of(Variant.CHO, 8, 64, 8).cellParameterCount());
        assertEquals(18_688, 4 * (64 * (64 + 8) + 64));
        assertEquals(14_208, GruLayout.of(Variant.PYTORCH, 8, 64, 8).cellParameterCount());
    }
}
