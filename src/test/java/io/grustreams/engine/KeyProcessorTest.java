package io.grustreams.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grustreams.anomaly.AnomalyConfig;
import io.grustreams.model.GruModel;
import io.grustreams.model.GruStepper;
import io.grustreams.model.InputEncoder;
import io.grustreams.model.InputSpec;
import io.grustreams.model.KeyScale;
import io.grustreams.model.TimeInput;
import io.grustreams.train.EncodedSeries;
import io.grustreams.train.History;
import io.grustreams.train.RetrainConfig;
import io.grustreams.train.RetrainListener;
import io.grustreams.train.RetrainRequest;
import io.grustreams.train.Retrainer;
import io.grustreams.train.TrainerConfig;
import java.time.Instant;
import java.time.ZoneId;
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
            GruStepper cell = new GruStepper(model.parameters());
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
        History.KeySeries s = history.series().get(0);
        int w = 24;
        KeyProcessor engine = new KeyProcessor(engine(w));
        KeyProcessor.Outcome out = new KeyProcessor.Outcome(2, 3);
        double[] x = new double[2];
        int n = 500;
        for (int t = 0; t < n; t++) {
            s.copyValues(t, x);
            engine.process(null, s.timestamp(t), x, out);
        }
        // The first model arrives with event n: the key is warmed over events n - w .. n - 1 from zero,
        // the oldest taken as a first event, each with the scale the stream kept for it.
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
            if (t >= n - w) {
                boolean first = t == n - w;
                f.observe(x, first ? null : prev, scale.scales(), s.timestamp(t),
                        first ? Long.MIN_VALUE : s.timestamp(t - 1));
            }
        }
        assertArrayEquals(f.h, engine.state().hiddenCopy(), 0.0);
        assertArrayEquals(f.rows, out.forecasts(), 0.0);
        assertTrue(out.hadForecast(), "the event at the swap is scored against the replay's forecast");
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
}
