package io.grustreams.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grustreams.model.Cell;
import io.grustreams.model.Forecaster;
import io.grustreams.model.GruLayout;
import io.grustreams.model.GruModel;
import io.grustreams.model.InputSpec;
import io.grustreams.model.Normalization;
import io.grustreams.model.RecurrentStepper;
import io.grustreams.model.TestModels;
import io.grustreams.model.TimeInput;
import io.grustreams.model.Variant;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class WarmStartTest {

    private static final List<String> FEATURES = List.of("a", "b", "c");

    private static GruModel champion(Variant v) {
        GruLayout layout = GruLayout.of(v, 3, 5, 3);
        return new GruModel("m", 3, Instant.EPOCH, FEATURES,
                new Normalization(new double[] {10, -2, 0.5}, new double[] {2, 0.5, 3}),
                TestModels.randomParameters(layout, 9, 0.6), Map.of());
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void shouldForecastAsTheChampionUnderTheNewNormalization(Variant v) {
        GruModel champion = champion(v);
        Normalization target = new Normalization(new double[] {12, -1, 0}, new double[] {3, 0.25, 1.5});
        GruModel moved = new GruModel("m", 4, Instant.EPOCH, FEATURES, target,
                WarmStart.renormalize(champion, target), Map.of());
        assertSameForecasts(champion, moved);
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void shouldLeaveTheParametersAloneForTheSameNormalization(Variant v) {
        GruModel champion = champion(v);
        double[] p = WarmStart.renormalize(champion, champion.normalization()).values();
        double[] q = champion.parameters().values();
        for (int i = 0; i < p.length; i++) {
            assertEquals(q[i], p[i], 1e-15 * Math.max(1, Math.abs(q[i])), "parameter " + i);
        }
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void shouldNameWhatDoesNotMatch(Variant v) {
        GruModel champion = champion(v);
        Variant other = v == Variant.CHO ? Variant.PYTORCH : Variant.CHO;
        InputSpec in = champion.inputs();
        assertTrue(WarmStart.mismatch(champion, v, 5, FEATURES, in).isEmpty());
        assertEquals("hidden size 5 is not 6", WarmStart.mismatch(champion, v, 6, FEATURES, in).get());
        assertTrue(WarmStart.mismatch(champion, other, 5, FEATURES, in).get().startsWith("variant "));
        assertEquals("features [a, b, c] are not [a, c, b]",
                WarmStart.mismatch(champion, v, 5, List.of("a", "c", "b"), in).get());
        assertTrue(WarmStart.mismatch(champion, v, 5, FEATURES, TestModels.perKeyInputs(1)).get()
                .contains("per-key"));
    }

    @Test
    void shouldSeedOnlyFromTheSameCellAndLayersAndReExpressAStackedLstm() {
        GruModel gru = champion(Variant.PYTORCH);
        GruLayout layout = GruLayout.of(Cell.LSTM, Variant.PYTORCH, 2, 3, 5, 3);
        GruModel lstm = new GruModel("m", 3, Instant.EPOCH, FEATURES, gru.normalization(),
                TestModels.randomParameters(layout, 9, 0.6), Map.of());
        assertEquals("cell lstm with 2 layers is not gru with 1",
                WarmStart.mismatch(lstm, Variant.PYTORCH, 5, FEATURES, lstm.inputs()).get());
        assertEquals("cell lstm with 2 layers is not lstm with 1",
                WarmStart.mismatch(lstm, Cell.LSTM, 1, Variant.PYTORCH, 5, FEATURES, lstm.inputs()).get());
        assertTrue(WarmStart.mismatch(lstm, Cell.LSTM, 2, Variant.PYTORCH, 5, FEATURES, lstm.inputs()).isEmpty());

        // Only layer 0 reads the inputs, so re-expressing its input columns keeps every forecast.
        Normalization target = new Normalization(new double[] {12, -1, 0}, new double[] {3, 0.25, 1.5});
        GruModel moved = new GruModel("m", 4, Instant.EPOCH, FEATURES, target, WarmStart.renormalize(lstm, target),
                Map.of());
        assertSameForecasts(lstm, moved);
    }

    /**
     * Runs both models over the same 200 seeded events of three features, each from a zero state,
     * and asserts their forecasts agree within 1e-12 (relative above 1).
     */
    private static void assertSameForecasts(GruModel x, GruModel y) {
        RecurrentStepper a = RecurrentStepper.forModel(x);
        RecurrentStepper b = RecurrentStepper.forModel(y);
        double[] sa = new double[x.layout().stateSize()];
        double[] sb = new double[y.layout().stateSize()];
        double[] raw = new double[3];
        double[] fa = new double[3];
        double[] fb = new double[3];
        SplittableRandom rng = new SplittableRandom(4);
        double maxDiff = 0;
        for (int t = 0; t < 200; t++) {
            raw[0] = 10 + 4 * rng.nextGaussian();
            raw[1] = -2 + rng.nextGaussian();
            raw[2] = 3 * rng.nextGaussian();
            a.observe(sa, raw, fa);
            b.observe(sb, raw, fb);
            for (int j = 0; j < 3; j++) {
                maxDiff = Math.max(maxDiff, Math.abs(fa[j] - fb[j]) / Math.max(1, Math.abs(fa[j])));
            }
        }
        assertTrue(maxDiff < 1e-12, "forecasts differ by " + maxDiff);
    }

    /** A globally scaled champion with time inputs and a direct readout of two horizons. */
    private static GruModel timedChampion(Variant v) {
        InputSpec in = new InputSpec(InputSpec.Scaling.GLOBAL, 0, List.of(TimeInput.TIME_OF_DAY, TimeInput.GAP),
                ZoneId.of("UTC"), 2, InputSpec.Readout.DIRECT);
        GruLayout layout = GruLayout.of(v, in.networkInputs(3), 5, in.networkOutputs(3));
        return new GruModel("m", 3, Instant.EPOCH, Instant.EPOCH, FEATURES,
                new Normalization(new double[] {10, -2, 0.5}, new double[] {2, 0.5, 3}), in,
                TestModels.randomParameters(layout, 9, 0.6), Map.of());
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void shouldLeaveTimeInputsAloneAndMapEveryHorizonsRowToItsFeature(Variant v) {
        GruModel champion = timedChampion(v);
        Normalization target = new Normalization(new double[] {12, -1, 0}, new double[] {3, 0.25, 1.5});
        GruModel moved = new GruModel("m", 4, Instant.EPOCH, Instant.EPOCH, FEATURES, target, champion.inputs(),
                WarmStart.renormalize(champion, target), Map.of());
        Forecaster a = new Forecaster(champion);
        Forecaster b = new Forecaster(moved);
        double[] ha = new double[5];
        double[] hb = new double[5];
        double[] raw = new double[3];
        double[] fa = new double[6];
        double[] fb = new double[6];
        SplittableRandom rng = new SplittableRandom(4);
        double maxDiff = 0;
        long previous = Long.MIN_VALUE;
        for (int t = 0; t < 200; t++) {
            raw[0] = 10 + 4 * rng.nextGaussian();
            raw[1] = -2 + rng.nextGaussian();
            raw[2] = 3 * rng.nextGaussian();
            long ts = 1_700_000_000_000L + 600_000L * t;
            a.observe(ha, raw, null, null, ts, previous, fa);
            b.observe(hb, raw, null, null, ts, previous, fb);
            previous = ts;
            for (int j = 0; j < 6; j++) {
                maxDiff = Math.max(maxDiff, Math.abs(fa[j] - fb[j]) / Math.max(1, Math.abs(fa[j])));
            }
        }
        assertTrue(maxDiff < 1e-12, "forecasts differ by " + maxDiff);
    }
}
