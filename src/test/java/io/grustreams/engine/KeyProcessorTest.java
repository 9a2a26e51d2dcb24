package io.grustreams.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grustreams.anomaly.AnomalyConfig;
import io.grustreams.anomaly.FeatureRange;
import io.grustreams.model.Cell;
import io.grustreams.model.EventOrder;
import io.grustreams.model.GruLayout;
import io.grustreams.model.GruModel;
import io.grustreams.model.InputEncoder;
import io.grustreams.model.InputSpec;
import io.grustreams.model.KeyScale;
import io.grustreams.model.Normalization;
import io.grustreams.model.Parameters;
import io.grustreams.model.RecurrentStepper;
import io.grustreams.model.TestModels;
import io.grustreams.model.TimeInput;
import io.grustreams.model.Variant;
import io.grustreams.train.EncodedSeries;
import io.grustreams.train.History;
import io.grustreams.train.RetrainConfig;
import io.grustreams.train.RetrainListener;
import io.grustreams.train.RetrainRequest;
import io.grustreams.train.Retrainer;
import io.grustreams.train.TrainerConfig;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KeyProcessorTest {

    private static final List<String> FEATURES = List.of("load", "temp");
    private static final InputSpec INPUTS = new InputSpec(InputSpec.Scaling.PER_KEY, 48,
            List.of(TimeInput.TIME_OF_DAY, TimeInput.DAY_OF_WEEK, TimeInput.GAP), ZoneId.of("Europe/Berlin"), 3,
            InputSpec.Readout.DIRECT);
    private static final long START = Instant.parse("2024-03-25T00:00:00Z").toEpochMilli();

    private static History history;
    private static GruModel model;

    /** Two keys, 15-minute steps with jitter and a gap of a day, a daily shape, scales 1,000 apart. */
    private static History events() {
        SplittableRandom rng = new SplittableRandom(9);
        History.Builder b = History.builder(2);
        for (int k = 0; k < 2; k++) {
            long t = START;
            double scale = k == 0 ? 1000 : 1;
            for (int i = 0; i < 900; i++) {
                t += i == 400 ? 86_400_000L : 900_000L + rng.nextInt(60_000);
                double day = Math.sin(2 * Math.PI * (t % 86_400_000L) / 86_400_000.0);
                b.add("key-" + k, t, new double[] {scale * (5 + day + 0.1 * rng.nextGaussian()), 20 + 3 * day});
            }
        }
        return b.build();
    }

    @BeforeAll
    static void train() {
        history = events();
        RetrainConfig config = RetrainConfig.defaults().withInputs(INPUTS).withHorizon(3)
                .withReadout(InputSpec.Readout.DIRECT).withHiddenSize(6)
                .withSequenceLength(64).withBurnIn(8).withWarmupSteps(32)
                .withTrainer(TrainerConfig.defaults().withEpochs(2).withThreads(1));
        model = new Retrainer(config.withBeatNaive(false)).run(history,
                new RetrainRequest("m", FEATURES, 1, Instant.EPOCH, Optional.empty(), Map.of()), RetrainListener.NONE)
                .model();
    }

    private static EngineConfig engine(int ring) {
        return new EngineConfig(FEATURES, ring, INPUTS, AnomalyConfig.defaults());
    }

    @Test
    void shouldServeAModelExactlyTheInputsItsTrainerComputed() {
        for (History.KeySeries s : history.series()) {
            // The trainer's inputs for the key, from its first event, fed to a bare cell...
            EncodedSeries trained = new EncodedSeries(s, s.length(), new InputEncoder(model.inputs(),
                    model.normalization(), 2), KeyScale.alpha(48), 3);
            RecurrentStepper cell = new RecurrentStepper(model.parameters());
            InputEncoder encoder = new InputEncoder(model.inputs(), model.normalization(), 2);
            KeyScale scale = new KeyScale(2);
            double[] h = new double[model.layout().hiddenSize()];
            double[] in = new double[trained.inputWidth()];
            double[] y = new double[6];
            double[] expected = new double[6];
            // ... and the stream's engine on the same events: the forecasts must be the same bits.
            KeyProcessor engine = new KeyProcessor(engine(16));
            KeyProcessor.Outcome out = new KeyProcessor.Outcome(2, 3);
            double[] x = new double[2];
            for (int t = 0; t < s.length(); t++) {
                s.copyValues(t, x);
                scale.observe(x, KeyScale.alpha(48));
                for (int i = 0; i < in.length; i++) {
                    in[i] = trained.input(t, i);
                }
                cell.step(h, in);
                cell.readout(h, y);
                encoder.forecasts(y, 3, x, scale.scales(), expected);
                engine.process(model, s.timestamp(t), x, out);
                assertArrayEquals(expected, out.forecasts(), 0.0, s.key() + " event " + t);
            }
        }
    }

    @Test
    void shouldRewarmFromTheRingAsAFreshRunOverItsEventsWithTheirOwnScales() {
        // B = 10 at two features: W below, at and above a block, not a multiple of it; few and many events.
        for (int w : new int[] {1, 7, 10, 24, 37}) {
            for (int n : new int[] {3, 10, 31, 500}) {
                MemoryRingBlocks blocks = new MemoryRingBlocks();
                KeyProcessor engine = new KeyProcessor(engine(w), blocks);
                KeyProcessor.Outcome out = feedModelless(engine, history.series().get(0), n);
                assertRewarmedAsFreshRun(engine, out, history.series().get(0), n, Math.min(w, n), "W=" + w + " n=" + n);
                // Only the blocks the last W events need are kept: ceil(W/B) at most.
                assertTrue(blocks.size() <= (w + 9) / 10, "W=" + w + " n=" + n + ": " + blocks.size() + " blocks");
            }
        }
    }

    @Test
    void shouldRewarmFromTheNewerEventsWhenAnOlderBlockIsMissing() {
        History.KeySeries s = history.series().get(0);
        MemoryRingBlocks blocks = new MemoryRingBlocks();
        KeyProcessor engine = new KeyProcessor(engine(24), blocks);
        int n = 95;
        KeyProcessor.Outcome out = feedModelless(engine, s, n);
        // Events 0..94: blocks 0..8 sealed, 6..8 kept (events 60..89), 90..94 open. The last 24 events
        // need blocks 7 and 8; without block 7 the re-warm replays events 80..94.
        assertEquals(3, blocks.size());
        blocks.delete(7);
        assertRewarmedAsFreshRun(engine, out, s, n, 15, "block 7 missing");
    }

    @Test
    void shouldSealALegacyRingIntoBlocksAndRewarmFromIt() throws java.io.IOException {
        // A version-1 state of D 2 with a ring of 4 events at the last event's time: at W 4 all four are
        // replayed; at W 3 the oldest only advances the starting scale.
        byte[] v1 = java.nio.file.Files.readAllBytes(KeyStateCodecTest.GOLDEN_V1);
        for (int w : new int[] {3, 4}) {
            KeyProcessor engine = new KeyProcessor(engine(w));
            new KeyStateCodec(engine(w)).decode(v1, engine.state());
            KeyScale replay = new KeyScale(2);
            double[][] ring = {{1.5, -0.25}, {2.5, -0.5}, {3.5, -0.75}, {4.5, -1.0}};
            Fresh f = new Fresh();
            double[] prev = null;
            for (int i = 0; i < ring.length; i++) {
                replay.observe(ring[i], KeyScale.alpha(48));
                if (i >= ring.length - w) {
                    f.observe(ring[i], prev, replay.scales(), 1714564800000L, prev == null ? Long.MIN_VALUE
                            : 1714564800000L);
                    prev = ring[i];
                }
            }
            // The stored model version (3) is not the served one: the key is re-warmed at its next event.
            KeyProcessor.Outcome out = new KeyProcessor.Outcome(2, 3);
            double[] x = {5.5, -1.25};
            engine.process(model, 1714564800000L + 60_000L, x, out);
            assertArrayEquals(Arrays.copyOf(f.rows, 2), out.expected(), 0.0,
                    "W=" + w + ": the replay's forecast of this event");
        }
    }

    @Test
    void shouldSealALegacyRingLongerThanABlockAtTheNextEvent() {
        // Forty raw events of one feature (B = 16), as a version-1 state held them.
        KeyState legacy = new KeyState(1, 64);
        KeyScale scale = new KeyScale(1);
        for (int i = 0; i < 40; i++) {
            double[] x = {Math.sin(i) * 10};
            scale.observe(x, 0.1);
            legacy.pushOpen(START, x);
        }
        MemoryRingBlocks blocks = new MemoryRingBlocks();
        KeyProcessor engine = new KeyProcessor(new EngineConfig(List.of("x"), 64, InputSpec.legacy(),
                AnomalyConfig.defaults()), blocks);
        engine.use(legacy);
        engine.process(null, START + 1, new double[] {1}, new KeyProcessor.Outcome(1, 1));
        assertEquals(2, blocks.size());
        assertEquals(2, legacy.nextBlock);
        assertEquals(9, legacy.openSize);
        assertEquals(41, legacy.ringSize());
    }

    @Test
    void shouldWriteAtMostOneKibPerEventAtTheDefaultsAndTwoAtEightFeaturesAndHiddenSixtyFour() {
        for (int[] dhLimit : new int[][] {{1, 32, 1024}, {8, 64, 2048}}) {
            int d = dhLimit[0];
            List<String> names = new java.util.ArrayList<>();
            for (int i = 0; i < d; i++) {
                names.add("f" + i);
            }
            InputSpec inputs = io.grustreams.model.TestModels.perKeyInputs(1);
            GruModel m = io.grustreams.model.TestModels.model(names, inputs, dhLimit[1], 5, 0.5);
            EngineConfig config = new EngineConfig(names, 32, inputs, AnomalyConfig.defaults());
            MemoryRingBlocks blocks = new MemoryRingBlocks();
            KeyProcessor engine = new KeyProcessor(config, blocks);
            KeyStateCodec codec = new KeyStateCodec(config);
            KeyProcessor.Outcome out = new KeyProcessor.Outcome(d, 1);
            SplittableRandom rng = new SplittableRandom(3);
            double[] x = new double[d];
            long stateBytes = 0;
            int events = 2_000;
            for (int t = 0; t < events; t++) {
                for (int i = 0; i < d; i++) {
                    x[i] = 10 + Math.sin(t * 0.1 + i) + rng.nextGaussian();
                }
                engine.process(m, START + t * 60_000L, x, out);
                stateBytes += codec.encode(engine.state()).length;
            }
            double perEvent = (double) (stateBytes + blocks.bytesPut()) / events;
            assertTrue(perEvent <= dhLimit[2], "D=" + d + " H=" + dhLimit[1] + ": " + perEvent + " bytes per event");
        }
    }

    @Test
    void shouldScoreAValueBeyondADeclaredRangeAsOutOfRangeAndChangeNothingElse() {
        History.KeySeries s = history.series().get(1);
        // Without the range's resolution in the residual novelty, only the out-of-range rule differs.
        EngineConfig config = engine(16).withAnomaly(AnomalyConfig.builder().rangeResolution(0).build());
        KeyProcessor declared = new KeyProcessor(config.withRanges(Map.of("temp", new FeatureRange(18, 30))));
        KeyProcessor plain = new KeyProcessor(config);
        KeyProcessor.Outcome a = new KeyProcessor.Outcome(2, 3);
        KeyProcessor.Outcome b = new KeyProcessor.Outcome(2, 3);
        double[] x = new double[2];
        int beyond = 0;
        int firstBeyond = -1;
        for (int t = 0; t < 300; t++) {
            s.copyValues(t, x);
            declared.process(model, s.timestamp(t), x, a);
            plain.process(model, s.timestamp(t), x, b);
            // temp is 20 + 3·day: below 17.76 (18 - 2% of the width) on part of every day, first in the evening.
            boolean outside = x[1] < 17.76;
            beyond += outside ? 1 : 0;
            if (outside && firstBeyond < 0) {
                firstBeyond = t;
            }
            if (outside) {
                assertEquals(1.0, a.verdict().anomalyScore(), "event " + t);
            } else if (firstBeyond < 0) {
                // Later, events scored 1 are not folded into the residual novelty's block maxima.
                assertEquals(b.verdict().anomalyScore(), a.verdict().anomalyScore(), "event " + t);
            }
            assertArrayEquals(b.forecasts(), a.forecasts(), 0.0, "forecasts do not depend on the range, event " + t);
            assertEquals(b.verdict().likelihood(), a.verdict().likelihood(), 0.0, "event " + t);
        }
        assertTrue(firstBeyond > 40 && beyond < 250, "both cases occur after warm-up: " + firstBeyond + ", " + beyond);
    }

    /** Events 0 .. n-1 of {@code s} without a model; returns the outcome to reuse. */
    private static KeyProcessor.Outcome feedModelless(KeyProcessor engine, History.KeySeries s, int n) {
        KeyProcessor.Outcome out = new KeyProcessor.Outcome(2, 3);
        double[] x = new double[2];
        for (int t = 0; t < n; t++) {
            s.copyValues(t, x);
            engine.process(null, s.timestamp(t), x, out);
        }
        return out;
    }

    /**
     * The first model arrives with event n: the key must be warmed over events n - replayed .. n - 1
     * from zero, the oldest taken as a first event, each with the scale the stream kept for it.
     */
    private static void assertRewarmedAsFreshRun(KeyProcessor engine, KeyProcessor.Outcome out, History.KeySeries s,
            int n, int replayed, String what) {
        double[] x = new double[2];
        s.copyValues(n, x);
        engine.process(model, s.timestamp(n), x, out);
        Fresh f = new Fresh();
        KeyScale scale = new KeyScale(2);
        double[] prev = new double[2];
        for (int t = 0; t <= n; t++) {
            prev[0] = scale.last(0);
            prev[1] = scale.last(1);
            s.copyValues(t, x);
            scale.observe(x, KeyScale.alpha(48));
            if (t >= n - replayed) {
                boolean first = t == n - replayed;
                f.observe(x, first ? null : prev, scale.scales(), s.timestamp(t),
                        first ? Long.MIN_VALUE : s.timestamp(t - 1));
            }
        }
        assertArrayEquals(f.h, engine.state().hiddenCopy(), 0.0, what);
        assertArrayEquals(f.rows, out.forecasts(), 0.0, what);
        assertTrue(out.hadForecast(), what + ": the event at the swap is scored against the replay's forecast");
    }

    /** A bare forecaster from h = 0. */
    private static final class Fresh {
        final io.grustreams.model.Forecaster forecaster = new io.grustreams.model.Forecaster(model);
        final double[] h = new double[model.layout().hiddenSize()];
        final double[] rows = new double[6];

        void observe(double[] x, double[] prev, double[] scale, long ts, long prevTs) {
            forecaster.observe(h, x, prev, scale, ts, prevTs, rows);
        }
    }

    @Test
    void shouldRefuseAModelThatReadsOtherInputsThanTheStreamComputes() {
        InputSpec utc = new InputSpec(InputSpec.Scaling.PER_KEY, 48, INPUTS.time(), ZoneId.of("UTC"), 3,
                InputSpec.Readout.DIRECT);
        KeyProcessor engine = new KeyProcessor(new EngineConfig(FEATURES, 8, utc, AnomalyConfig.defaults()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> engine.process(model, START, new double[] {1, 2}, new KeyProcessor.Outcome(2, 3)));
        assertTrue(e.getMessage().contains("time zone Europe/Berlin (here UTC)"), e.getMessage());
    }

    @Test
    void shouldKeepForecastsFiniteForAKeyWhoseFirstEventsAreConstant() {
        KeyProcessor engine = new KeyProcessor(engine(16));
        KeyProcessor.Outcome out = new KeyProcessor.Outcome(2, 3);
        for (int t = 0; t < 40; t++) {
            double[] x = t < 30 ? new double[] {0, 7} : new double[] {t, 7 + t};
            engine.process(model, START + t * 60_000L, x, out);
            for (double f : out.forecasts()) {
                assertTrue(Double.isFinite(f), "event " + t);
            }
        }
        assertEquals(40, engine.state().eventCount());
    }

    @Test
    void shouldRewarmWhenAModelOfTheSameVersionAndStateSizeHasAnotherArchitecture() {
        // A one-layer LSTM and a two-layer GRU of H = 6 both keep 12 doubles per key. The stored state
        // records cell and layers, so the GRU re-warms from the ring instead of reading (h, c) as two h.
        int in = INPUTS.networkInputs(2);
        int outputs = INPUTS.networkOutputs(2);
        GruModel lstm = model("lstm", GruLayout.of(Cell.LSTM, Variant.PYTORCH, 1, in, 6, outputs));
        GruModel gru = model("gru", GruLayout.of(Cell.GRU, Variant.PYTORCH, 2, in, 6, outputs));
        assertEquals(lstm.layout().stateSize(), gru.layout().stateSize());
        History.KeySeries s = history.series().get(0);
        KeyStateCodec codec = new KeyStateCodec(engine(24));
        KeyProcessor served = new KeyProcessor(engine(24));
        KeyProcessor.Outcome out = new KeyProcessor.Outcome(2, 3);
        double[] x = new double[2];
        for (int t = 0; t < 50; t++) {
            s.copyValues(t, x);
            served.process(lstm, s.timestamp(t), x, out);
        }
        // Between events the stream keeps the state as bytes.
        KeyState stored = new KeyState(2, 24);
        codec.decode(codec.encode(served.state()), stored);
        assertEquals(Cell.LSTM, stored.cell);
        served.use(stored);
        s.copyValues(50, x);
        served.process(gru, s.timestamp(50), x, out);
        assertTrue(out.rewarmNanos() >= 0, "the key was re-warmed");

        // What a key that met the GRU first at event 50 holds: the GRU's run over the same ring.
        KeyProcessor fresh = feedless(s, 50);
        KeyProcessor.Outcome freshOut = new KeyProcessor.Outcome(2, 3);
        fresh.process(gru, s.timestamp(50), x, freshOut);
        assertArrayEquals(fresh.state().hiddenCopy(), served.state().hiddenCopy(), 0.0);
        assertArrayEquals(freshOut.forecasts(), out.forecasts(), 0.0);
        assertEquals(Cell.GRU, served.state().cell);
        assertEquals(2, served.state().layers);
    }

    @Test
    void shouldLeaveOutAnOlderEventAndARepeatOfTheLastWithoutChangingTheKey() {
        History.KeySeries s = history.series().get(0);
        KeyStateCodec codec = new KeyStateCodec(engine(24));
        KeyProcessor.Outcome out = new KeyProcessor.Outcome(2, 3);
        double[] x = new double[2];
        for (GruModel served : new GruModel[] {null, model}) {
            KeyProcessor engine = new KeyProcessor(engine(24));
            for (int t = 0; t < 30; t++) {
                s.copyValues(t, x);
                engine.process(served, s.timestamp(t), x, out);
            }
            byte[] before = codec.encode(engine.state());
            long last = s.timestamp(29);

            s.copyValues(10, x);
            engine.process(served, last - 1, x, out);
            assertEquals(EventOrder.OUT_OF_ORDER, out.order());
            assertEquals(last, out.lastTimestamp());
            s.copyValues(29, x);
            engine.process(served, last, x, out);
            assertEquals(EventOrder.DUPLICATE, out.order());
            assertFalse(out.accepted());
            assertArrayEquals(before, codec.encode(engine.state()), "model " + served);

            // The same time with other values is the next event of a burst.
            x[0] += 1;
            engine.process(served, last, x, out);
            assertTrue(out.accepted());
            assertEquals(31, engine.state().eventCount());
        }
    }

    @Test
    void shouldProcessEveryEventOfABurstInOrderWithAGapOfZero() {
        // Two runs over the same values: one with a burst at one time, one whose burst events are a
        // millisecond apart. Only the gap input differs, so only a model reading it forecasts apart.
        History.KeySeries s = history.series().get(1);
        double[] x = new double[2];
        KeyProcessor burst = new KeyProcessor(engine(16));
        KeyProcessor spread = new KeyProcessor(engine(16));
        KeyProcessor.Outcome a = new KeyProcessor.Outcome(2, 3);
        KeyProcessor.Outcome b = new KeyProcessor.Outcome(2, 3);
        long at = s.timestamp(20);
        for (int t = 0; t < 40; t++) {
            s.copyValues(t, x);
            boolean inBurst = t >= 20 && t < 30;
            burst.process(model, inBurst ? at : s.timestamp(t), x, a);
            spread.process(model, inBurst ? at + (t - 20) : s.timestamp(t), x, b);
            assertTrue(a.accepted() && b.accepted(), "event " + t);
            if (t == 21) {
                assertFalse(Arrays.equals(a.forecasts(), b.forecasts()), "a gap of 0 is not one of 1 ms");
            }
        }
        assertEquals(40, burst.state().eventCount());
    }

    /** A processor (W = 24) that buffered events 0 .. n-1 of {@code s} before any model. */
    private static KeyProcessor feedless(History.KeySeries s, int n) {
        KeyProcessor p = new KeyProcessor(engine(24));
        feedModelless(p, s, n);
        return p;
    }

    private static GruModel model(String name, GruLayout layout) {
        return new GruModel(name, 1, Instant.EPOCH, Instant.EPOCH, FEATURES, Normalization.identity(2), INPUTS,
                TestModels.randomParameters(layout, 5, 0.3), Map.of());
    }

    /**
     * A one-feature persistence-like cho GRU (h_t ≈ tanh(0.1·x̂_t), mean 10) whose finite readout
     * weight {@code readout} and normalization {@code std} decide where it overflows.
     */
    private static GruModel overflowing(long version, double readout, double std) {
        GruLayout layout = GruLayout.of(Variant.CHO, 1, 1, 1);
        Parameters p = Parameters.zeros(layout);
        p.set("b_z_l0", 0, 0, 20.0);
        p.set("W_h_l0", 0, 1, 0.1);
        p.set("W_y", 0, 0, readout);
        return new GruModel("hostile", version, Instant.EPOCH, List.of("value"),
                new Normalization(new double[] {10.0}, new double[] {std}), p, Map.of());
    }

    @Test
    void shouldLeaveTheKeyAsItWasWhenTheModelOverflowsOnAnEventAndGoOnAsIfItHadNeverCome() {
        // A readout of 1e308 is finite, and so are its forecasts near the mean; far from it, 2·1e308·h overflows.
        // A std of 1e-307 is positive; an input 90 away from the mean normalizes to infinity and h to NaN.
        for (GruModel model : List.of(overflowing(1, 1e308, 2.0), overflowing(1, 1.0, 1e-307))) {
            EngineConfig config = new EngineConfig(List.of("value"), 8, InputSpec.legacy(), AnomalyConfig.defaults());
            KeyStateCodec codec = new KeyStateCodec(config);
            KeyProcessor hit = new KeyProcessor(config);
            KeyProcessor clean = new KeyProcessor(config);
            KeyProcessor.Outcome out = new KeyProcessor.Outcome(1, 1);
            long t = START;
            // Enough events to seal ring blocks, so a block written for the bad event would show below.
            for (int i = 0; i < 23; i++) {
                double[] x = {10.0 + 0.01 * (i % 5)};
                hit.process(model, t, x, out);
                assertTrue(!out.nonFinite(), "event " + i);
                clean.process(model, t, x, out);
                t += 60_000;
            }
            byte[] before = codec.encode(hit.state());
            hit.process(model, t, new double[] {100.0}, out);
            assertTrue(out.nonFinite(), model.normalization().stds()[0] + ": the overflow is reported");
            assertArrayEquals(before, codec.encode(hit.state()), "the key's state is as it was");
            t += 60_000;

            // The next events, and a swap that re-warms from the ring, give what they give without the bad event.
            GruModel next = overflowing(2, model.parameters().get("W_y", 0, 0) / 2, model.normalization().stds()[0]);
            for (int i = 0; i < 12; i++) {
                double[] x = {10.0 - 0.01 * i};
                GruModel m = i < 6 ? model : next;
                hit.process(m, t, x, out);
                assertTrue(!out.nonFinite(), "event after " + i);
                double[] forecasts = out.forecasts().clone();
                clean.process(m, t, x, out);
                assertArrayEquals(out.forecasts(), forecasts, "forecast after " + i);
                t += 60_000;
            }
            assertArrayEquals(codec.encode(clean.state()), codec.encode(hit.state()));
        }
    }
}
