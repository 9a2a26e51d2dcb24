package io.grustreams.app.backtest;

import io.grustreams.anomaly.AnomalyConfig;
import io.grustreams.anomaly.FeatureRange;
import io.grustreams.engine.EngineConfig;
import io.grustreams.model.InputSpec;
import io.grustreams.train.RetrainConfig;
import java.util.List;
import java.util.Map;

/**
 * How a {@link Backtest} replays events. Immutable.
 *
 * @param engine what the stream computes per key: features, ring, inputs, horizon N (forecasts 1..N
 *     are written per event) and detector
 * @param initialEvents the first model is trained on the first this many events (all keys) and
 *     serves from the next one; at least 2
 * @param retrainEvery after the first model, a retraining runs every this many events, on past
 *     events only; 0 never retrains
 * @param historyEvents a retraining sees at most this many most recent events per key (the
 *     trainer's window); at least {@code initialEvents}
 * @param retrain the trainer's configuration; its inputs and horizon are the engine's
 */
public record BacktestConfig(EngineConfig engine, int initialEvents, int retrainEvery, int historyEvents,
        RetrainConfig retrain) {

    public BacktestConfig {
        if (engine == null || retrain == null) {
            throw new IllegalArgumentException("engine and retrain must be given");
        }
        if (initialEvents < 2) {
            throw new IllegalArgumentException("initialEvents must be at least 2: " + initialEvents);
        }
        if (retrainEvery < 0) {
            throw new IllegalArgumentException("retrainEvery must not be negative: " + retrainEvery);
        }
        if (historyEvents < initialEvents) {
            throw new IllegalArgumentException("historyEvents must be at least initialEvents=" + initialEvents + ": "
                    + historyEvents);
        }
        // The trainer makes models for the inputs the engine computes and the horizon it writes.
        retrain = retrain.withInputs(engine.inputs()).withHorizon(engine.horizon());
    }

    /**
     * Horizon 1, first model after 1000 events, retraining every 1000 events on at most 5000 per key,
     * the stream's defaults (ring 256, per-key scaling, time of day and day of week in UTC, detector),
     * the trainer's defaults on one thread.
     */
    public static BacktestConfig defaults(List<String> features) {
        return defaults(new EngineConfig(features, 256, RetrainConfig.defaults().inputs(), AnomalyConfig.defaults()));
    }

    /**
     * A stream's engine (features, ring, inputs, horizon, detector) with the first model after 1000
     * events, retraining every 1000 events on at most 5000 per key, the trainer's defaults on one
     * thread, its warm-up the engine's ring.
     */
    public static BacktestConfig defaults(EngineConfig engine) {
        RetrainConfig r = RetrainConfig.defaults().withWarmupSteps(engine.ringSize());
        return new BacktestConfig(engine, 1000, 1000, 5000, r.withTrainer(r.trainer().withThreads(1)));
    }

    public List<String> features() {
        return engine.features();
    }

    /** N: forecasts written per event. */
    public int horizon() {
        return engine.horizon();
    }

    public int ringSize() {
        return engine.ringSize();
    }

    public AnomalyConfig anomaly() {
        return engine.anomaly();
    }

    public BacktestConfig withHorizon(int n) {
        return new BacktestConfig(engine.withHorizon(n), initialEvents, retrainEvery, historyEvents, retrain);
    }

    /** Other inputs for the engine and the trainer; the horizon is kept. */
    public BacktestConfig withInputs(InputSpec inputs) {
        return new BacktestConfig(engine.withInputs(inputs.withHorizon(engine.horizon(), InputSpec.Readout.DIRECT)),
                initialEvents, retrainEvery, historyEvents, retrain);
    }

    public BacktestConfig withRetrainEvery(int n) {
        return new BacktestConfig(engine, initialEvents, n, historyEvents, retrain);
    }

    public BacktestConfig withHistoryEvents(int n) {
        return new BacktestConfig(engine, initialEvents, retrainEvery, n, retrain);
    }

    public BacktestConfig withRetrain(RetrainConfig r) {
        return new BacktestConfig(engine, initialEvents, retrainEvery, historyEvents, r);
    }

    public BacktestConfig withAnomaly(AnomalyConfig a) {
        return new BacktestConfig(engine.withAnomaly(a), initialEvents, retrainEvery, historyEvents, retrain);
    }

    public BacktestConfig withRingSize(int w) {
        return new BacktestConfig(engine.withRingSize(w), initialEvents, retrainEvery, historyEvents,
                retrain.withWarmupSteps(w));
    }

    /** The same engine with these declared feature ranges (by feature name) instead of its own. */
    public BacktestConfig withRanges(Map<String, FeatureRange> ranges) {
        return new BacktestConfig(engine.withRanges(ranges), initialEvents, retrainEvery, historyEvents, retrain);
    }

    /** The same configuration with another initial part (e.g. a file's NAB probationary period). */
    public BacktestConfig withInitialEvents(int n) {
        return new BacktestConfig(engine, n, retrainEvery, Math.max(historyEvents, n), retrain);
    }
}
