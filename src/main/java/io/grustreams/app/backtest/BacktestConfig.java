package io.grustreams.app.backtest;

import io.grustreams.anomaly.AnomalyConfig;
import io.grustreams.train.RetrainConfig;
import java.util.List;

/**
 * How a {@link Backtest} replays events. Immutable.
 *
 * @param features names of the values of an event, in order (the stream's {@code gru.features})
 * @param horizon N: forecasts 1..N events ahead are written per event; at least 1
 * @param initialEvents the first model is trained on the first this many events (all keys) and
 *     serves from the next one; at least 2
 * @param retrainEvery after the first model, a retraining runs every this many events, on past
 *     events only; 0 never retrains
 * @param historyEvents a retraining sees at most this many most recent events per key (the
 *     trainer's window); at least {@code initialEvents}
 * @param ringSize W of the stream ({@code gru.ring.size}): inputs kept per key to re-warm it
 * @param anomaly the stream's detector configuration
 * @param retrain the trainer's configuration
 */
public record BacktestConfig(List<String> features, int horizon, int initialEvents, int retrainEvery,
        int historyEvents, int ringSize, AnomalyConfig anomaly, RetrainConfig retrain) {

    public BacktestConfig {
        features = List.copyOf(features);
        if (features.isEmpty()) {
            throw new IllegalArgumentException("features must name at least one value");
        }
        if (horizon < 1) {
            throw new IllegalArgumentException("horizon must be at least 1: " + horizon);
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
        if (ringSize < 1) {
            throw new IllegalArgumentException("ringSize must be positive: " + ringSize);
        }
        if (anomaly == null || retrain == null) {
            throw new IllegalArgumentException("anomaly and retrain must be given");
        }
    }

    /**
     * Horizon 1, first model after 1000 events, retraining every 1000 events on at most 5000 per key,
     * the stream's default ring (256) and detector, the trainer's defaults on one thread.
     */
    public static BacktestConfig defaults(List<String> features) {
        RetrainConfig r = RetrainConfig.defaults();
        return new BacktestConfig(features, 1, 1000, 1000, 5000, 256, AnomalyConfig.defaults(),
                r.withTrainer(r.trainer().withThreads(1)));
    }

    public BacktestConfig withHorizon(int n) {
        return new BacktestConfig(features, n, initialEvents, retrainEvery, historyEvents, ringSize, anomaly, retrain);
    }

    public BacktestConfig withRetrainEvery(int n) {
        return new BacktestConfig(features, horizon, initialEvents, n, historyEvents, ringSize, anomaly, retrain);
    }

    public BacktestConfig withHistoryEvents(int n) {
        return new BacktestConfig(features, horizon, initialEvents, retrainEvery, n, ringSize, anomaly, retrain);
    }

    public BacktestConfig withRetrain(RetrainConfig r) {
        return new BacktestConfig(features, horizon, initialEvents, retrainEvery, historyEvents, ringSize, anomaly, r);
    }

    public BacktestConfig withAnomaly(AnomalyConfig a) {
        return new BacktestConfig(features, horizon, initialEvents, retrainEvery, historyEvents, ringSize, a, retrain);
    }

    /** The same configuration with another initial part (e.g. a file's NAB probationary period). */
    public BacktestConfig withInitialEvents(int n) {
        return new BacktestConfig(features, horizon, n, retrainEvery, Math.max(historyEvents, n), ringSize, anomaly,
                retrain);
    }
}
