package io.grustreams.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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

    @Test
    void shouldCountTheCellsOfTheCourseNotesWithTwoBiasVectors() {
        for (int[] s : SIZES) {
            int d = s[0];
            int h = s[1];
            // PyTorch keeps bias_ih and bias_hh: H(D+H) + 2H (rnn), 4H(D+H) + 8H (lstm).
            assertEquals(h * (d + h) + 2 * h, GruLayout.of(Cell.RNN, Variant.PYTORCH, 1, d, h, d).cellParameterCount());
            assertEquals(4 * h * (d + h) + 8 * h,
                    GruLayout.of(Cell.LSTM, Variant.PYTORCH, 1, d, h, d).cellParameterCount());
        }
    }

    @Test
    void shouldFeedEveryLayerAboveTheFirstTheHiddenStateOfTheOneBelow() {
        // Layer 1 reads layer 0's h, so its weight_ih is [G·H][H] whatever D is.
        GruLayout lstm = GruLayout.of(Cell.LSTM, Variant.PYTORCH, 3, 2, 5, 2);
        assertEquals(2, lstm.tensor("weight_ih", 0).cols());
        assertEquals(5, lstm.tensor("weight_ih", 1).cols());
        assertEquals(20, lstm.tensor("weight_ih", 2).rows());
        assertEquals(3 * 2 * 5, lstm.stateSize(), "h and c of each of the 3 layers");
        assertEquals(GruLayout.parameterCount(Cell.LSTM, Variant.PYTORCH, 3, 2, 5, 2), lstm.size());
        GruLayout cho = GruLayout.of(Cell.GRU, Variant.CHO, 2, 3, 4, 3);
        assertEquals(4 + 4, cho.tensor("W_z", 1).cols(), "[h; h of the layer below]");
        assertEquals(2 * 4, cho.stateSize());
        assertEquals("W_y", cho.tensors().get(cho.tensors().size() - 2).name(), "the readout comes last");
    }

    @Test
    void shouldSaturateAParameterCountBeyondALongRatherThanWrapIt() {
        long h = Integer.MAX_VALUE;
        // 3·H·(H+1) is about 1.4e19, past a long: wrapped, it was negative and passed every bound.
        assertEquals(Long.MAX_VALUE, GruLayout.parameterCount(Cell.GRU, Variant.CHO, 1, 1, h, 1));
        // 4·H·(H+H) + 9H + 1 wraps to about -1.5e10.
        assertEquals(Long.MAX_VALUE, GruLayout.parameterCount(Cell.LSTM, Variant.PYTORCH, 1, h, h, 1));
        assertEquals(Long.MAX_VALUE, GruLayout.parameterCount(Cell.GRU, Variant.CHO, 64, 1, 1L << 31, 1));
        assertThrows(IllegalArgumentException.class,
                () -> GruLayout.of(Cell.LSTM, Variant.PYTORCH, 1, Integer.MAX_VALUE, Integer.MAX_VALUE, 1));
        // Just within a long, a count is exact.
        assertEquals(3 * (65_536L * (65_536 + 1000) + 65_536) + 1000 * 65_536L + 1000,
                GruLayout.parameterCount(Cell.GRU, Variant.CHO, 1, 1000, 65_536, 1000));
    }

    @Test
    void shouldRefuseARecurrentCellInTheChoFormAndLayerCountsOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> GruLayout.of(Cell.LSTM, Variant.CHO, 1, 1, 4, 1));
        assertThrows(IllegalArgumentException.class, () -> GruLayout.of(Cell.RNN, Variant.PYTORCH, 0, 1, 4, 1));
        assertThrows(IllegalArgumentException.class,
                () -> GruLayout.of(Cell.GRU, Variant.PYTORCH, GruLayout.MAX_LAYERS + 1, 1, 4, 1));
    }
}
