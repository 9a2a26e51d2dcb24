package io.grustreams.app.backtest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grustreams.model.EventOrder;
import io.grustreams.model.InputSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BacktestTest {

    private static final long STEP_MS = 300_000L;

    /** A daily sine (288 steps of 5 minutes) with seeded noise. */
    static List<double[]> sine(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<double[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new double[] {10 + 3 * Math.sin(2 * Math.PI * i / 288.0) + 0.2 * rng.nextGaussian()});
        }
        return out;
    }

    static long[] times(int n) {
        long[] ts = new long[n];
        for (int i = 0; i < n; i++) {
            ts[i] = 1_600_000_000_000L + i * STEP_MS;
        }
        return ts;
    }

    static BacktestConfig small(int initial, int retrainEvery, int horizon) {
        BacktestConfig d = BacktestConfig.defaults(List.of("value"));
        return d.withRetrain(d.retrain().withHiddenSize(8).withSequenceLength(32).withWarmupSteps(64))
                .withHorizon(horizon).withRetrainEvery(retrainEvery).withInitialEvents(initial);
    }

    /** Every output of a run, per event: the horizon forecasts, then raw score, likelihood, alert. */
    static List<double[]> outputs(BacktestConfig config, List<double[]> values) {
        int n = values.size();
        List<double[]> out = new ArrayList<>();
        new Backtest(config).run(Collections.nCopies(n, "k"), times(n), values, (i, key, ts, v, f, o) -> {
            double[] row = new double[f.length + 3];
            System.arraycopy(f, 0, row, 0, f.length);
            row[f.length] = o.verdict().scored() ? o.verdict().rawScore() : -1;
            row[f.length + 1] = o.verdict().likelihood();
            row[f.length + 2] = o.verdict().alertOpen() ? 1 : 0;
            out.add(row);
        });
        return out;
    }

    @Test
    void shouldNotLetLaterRowsChangeEarlierOutputs() {
        int n = 700;
        int changedFrom = 450;
        List<double[]> a = sine(n, 7);
        List<double[]> b = new ArrayList<>(a.subList(0, changedFrom));
        b.addAll(sine(n, 8).subList(changedFrom, n).stream().map(v -> new double[] {v[0] * 5 + 100}).toList());
        BacktestConfig config = small(150, 100, 2);

        List<double[]> outA = outputs(config, a);
        List<double[]> outB = outputs(config, b);

        for (int i = 0; i < changedFrom; i++) {
            assertArrayEquals(outA.get(i), outB.get(i), 0.0, "row " + i);
        }
        assertFalse(java.util.Arrays.equals(outA.get(changedFrom), outB.get(changedFrom)));
    }

    @Test
    void shouldLeaveOutLateAndRepeatedRowsAsTheStreamDeadLettersThem() {
        int n = 400;
        List<double[]> kept = sine(n, 5);
        long[] keptTimes = times(n);
        // The same rows plus, after the first model, a row older than its predecessor and a repeat.
        List<double[]> all = new ArrayList<>(kept);
        List<Long> allTimes = new ArrayList<>();
        for (long t : keptTimes) {
            allTimes.add(t);
        }
        all.add(300, new double[] {99});
        allTimes.add(300, keptTimes[250]);
        all.add(351, kept.get(349).clone());
        allTimes.add(351, keptTimes[349]);
        BacktestConfig config = small(150, 0, 2);

        List<double[]> expected = new ArrayList<>();
        new Backtest(config).run(Collections.nCopies(n, "k"), keptTimes, kept,
                (i, key, ts, v, f, o) -> expected.add(f.clone()));
        List<double[]> got = new ArrayList<>();
        List<String> leftOut = new ArrayList<>();
        Backtest backtest = new Backtest(config);
        backtest.run(Collections.nCopies(n + 2, "k"), allTimes.stream().mapToLong(Long::longValue).toArray(), all,
                (i, key, ts, v, f, o) -> {
                    if (o.accepted()) {
                        got.add(f.clone());
                    } else {
                        leftOut.add(i + " " + o.order().code());
                        assertTrue(Double.isNaN(f[0]), "no forecast for a row left out");
                    }
                });

        assertEquals(List.of("300 out-of-order", "351 duplicate"), leftOut);
        assertEquals(java.util.Map.of(EventOrder.OUT_OF_ORDER, 1L, EventOrder.DUPLICATE, 1L), backtest.leftOut());
        assertEquals(n, got.size());
        for (int i = 0; i < n; i++) {
            assertArrayEquals(expected.get(i), got.get(i), 0.0, "row " + i);
        }
    }

    @Test
    void shouldForecastOnlyAfterTheFirstModelAndRetrainOnSchedule() {
        int n = 500;
        BacktestConfig config = small(150, 100, 3);
        Backtest backtest = new Backtest(config);
        List<double[]> rows = new ArrayList<>();
        backtest.run(Collections.nCopies(n, "k"), times(n), sine(n, 3), (i, key, ts, v, f, o) -> rows.add(f.clone()));

        assertEquals(n, rows.size());
        for (int i = 0; i < 150; i++) {
            assertTrue(Double.isNaN(rows.get(i)[0]), "no model before the initial part ends, row " + i);
        }
        for (int i = 150; i < n; i++) {
            for (double f : rows.get(i)) {
                assertTrue(Double.isFinite(f), "row " + i);
            }
        }
        assertEquals(List.of(150, 250, 350, 450),
                backtest.trainings().stream().map(Backtest.Training::afterEvents).toList());
        assertTrue(backtest.trainings().get(0).published());
        // Rolled forward, the forecasts 2 and 3 ahead are not copies of the one-step forecast.
        assertNotEquals(rows.get(300)[0], rows.get(300)[1]);
    }

    @Test
    void shouldRollAnIteratedModelForwardWithoutTouchingTheKeysState() {
        int n = 400;
        BacktestConfig four = small(150, 0, 4);
        four = four.withRetrain(four.retrain().withReadout(InputSpec.Readout.ITERATED));
        List<double[]> next = new ArrayList<>();
        List<double[]> expected = new ArrayList<>();
        new Backtest(four).run(Collections.nCopies(n, "k"), times(n), sine(n, 11), (i, key, ts, v, f, o) -> {
            next.add(new double[] {f[0], f[1], f[3]});
            expected.add(o.hadForecast() ? o.expected().clone() : null);
        });
        for (int i = 150; i + 1 < n; i++) {
            // The event after is scored against the one-step forecast, as if nothing had been rolled forward.
            assertEquals(Double.doubleToRawLongBits(next.get(i)[0]), Double.doubleToRawLongBits(expected.get(i + 1)[0]),
                    "row " + i);
            assertNotEquals(next.get(i)[0], next.get(i)[1], "row " + i + ": two steps ahead is rolled forward");
        }
    }
}
