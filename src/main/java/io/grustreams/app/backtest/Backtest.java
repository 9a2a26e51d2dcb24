package io.grustreams.app.backtest;

import io.grustreams.engine.KeyProcessor;
import io.grustreams.model.EventOrder;
import io.grustreams.model.GruModel;
import io.grustreams.train.History;
import io.grustreams.train.InsufficientDataException;
import io.grustreams.train.RetrainListener;
import io.grustreams.train.RetrainRequest;
import io.grustreams.train.RetrainResult;
import io.grustreams.train.Retrainer;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Replays events through the stream's per-key code ({@link KeyProcessor}: re-warm, score, step,
 * alert) strictly online, with the model lifecycle of production:
 * <ol>
 *   <li>until {@code initialEvents} events have passed, no model exists: events are only buffered
 *       per key, as the stream does before the first model;</li>
 *   <li>after event {@code initialEvents}, the {@link Retrainer} trains the first model on those
 *       events alone; it serves from the next event on;</li>
 *   <li>then every {@code retrainEvery} events it retrains on the past events (at most
 *       {@code historyEvents} per key), warm-started from the serving model, which stays unless the
 *       champion/challenger gate publishes the new one (next event on, re-warmed per key as the
 *       stream does at a swap). Until a model passes the gate (it must beat the naive forecasts),
 *       events stay only buffered, as in the stream before its first model.</li>
 * </ol>
 * An event's outputs therefore depend on it and earlier events only. An event the stream would
 * dead-letter for its order ({@link EventOrder}: older than its key's last event, or that event again)
 * is left out here too: the sink sees it with {@link KeyProcessor.Outcome#accepted()} false, it changes
 * no key and no model is trained on it. Not thread-safe; one instance runs one replay.
 */
public final class Backtest {

    /** Receives each event's outputs, in input order. Arrays are reused: copy what must outlive the call. */
    public interface Sink {
        /**
         * @param index the event's position in the input, from 0
         * @param forecasts {@code horizon · D} values, row k the forecast of the event k + 1 ahead of
         *     this one made after seeing it; all NaN when no model served it, it was left out (late or
         *     repeated), or the model overflowed on it (the event was then not applied to the key). Not to
         *     be modified.
         * @param outcome the scoring of this event (verdict, the forecast it was scored against)
         */
        void accept(int index, String key, long timestamp, double[] values, double[] forecasts,
                KeyProcessor.Outcome outcome);
    }

    /** One line per model trained, for the summary. */
    public record Training(int afterEvents, long version, boolean published, String reason, double seconds,
            int epochs, int bestEpoch) {
    }

    private final BacktestConfig config;
    private final Retrainer retrainer;
    private final Map<String, KeyProcessor> keys = new HashMap<>();
    private final Map<String, ArrayDeque<Event>> past = new HashMap<>();
    private final List<Training> trainings = new ArrayList<>();
    private final Map<EventOrder, Long> leftOut = new EnumMap<>(EventOrder.class);
    private GruModel model;
    private long nextVersion = 1;

    private record Event(long timestamp, double[] values) {
    }

    public Backtest(BacktestConfig config) {
        this.config = config;
        this.retrainer = new Retrainer(config.retrain());
    }

    /** The models trained so far, in order. */
    public List<Training> trainings() {
        return List.copyOf(trainings);
    }

    /** Events left out for their order so far, by {@link EventOrder} (absent: none). */
    public Map<EventOrder, Long> leftOut() {
        return Collections.unmodifiableMap(new EnumMap<>(leftOut));
    }

    /** The model serving now, or null before the first. */
    public GruModel model() {
        return model;
    }

    /**
     * Replays {@code events} in order.
     *
     * @param keysOf the key of each event
     * @param timestamps epoch ms of each event
     * @param values D values of each event, original units. Not modified.
     */
    public void run(List<String> keysOf, long[] timestamps, List<double[]> values, Sink sink) {
        int d = config.features().size();
        int horizon = config.horizon();
        KeyProcessor.Outcome outcome = new KeyProcessor.Outcome(d, horizon);
        double[] none = new double[horizon * d];
        Arrays.fill(none, Double.NaN);
        for (int i = 0; i < timestamps.length; i++) {
            String key = keysOf.get(i);
            double[] v = values.get(i);
            KeyProcessor kp = keys.computeIfAbsent(key, k -> new KeyProcessor(config.engine()));
            kp.process(model, timestamps[i], v, outcome);
            boolean accepted = outcome.accepted();
            // An event left out, or one the model overflowed on, was not applied: like one without a model,
            // it has no forecasts.
            sink.accept(i, key, timestamps[i], v,
                    !accepted || outcome.modelless() || outcome.nonFinite() ? none : outcome.forecasts(), outcome);
            if (accepted) {
                remember(key, timestamps[i], v);
            } else {
                leftOut.merge(outcome.order(), 1L, Long::sum);
            }
            int seen = i + 1;
            if (seen == config.initialEvents()
                    || (config.retrainEvery() > 0 && seen > config.initialEvents()
                            && (seen - config.initialEvents()) % config.retrainEvery() == 0)) {
                train(seen, timestamps[i]);
            }
        }
    }

    private void remember(String key, long ts, double[] v) {
        ArrayDeque<Event> q = past.computeIfAbsent(key, k -> new ArrayDeque<>());
        q.addLast(new Event(ts, v.clone()));
        if (q.size() > config.historyEvents()) {
            q.removeFirst();
        }
    }

    /** Trains on the remembered past; the result, if published, serves from the next event. */
    private void train(int seen, long now) {
        History.Builder b = History.builder(config.features().size());
        past.forEach((key, q) -> q.forEach(e -> b.add(key, e.timestamp(), e.values())));
        History history = b.build();
        long version = nextVersion++;
        long start = System.nanoTime();
        RetrainRequest request = new RetrainRequest("backtest", config.features(), version, Instant.ofEpochMilli(now),
                Optional.ofNullable(model), Map.of("kind", "backtest", "afterEvents", seen));
        try {
            RetrainResult r = retrainer.run(history, request, RetrainListener.NONE);
            boolean publish = r.decision().publish();
            if (publish) {
                model = r.model();
            }
            trainings.add(new Training(seen, version, publish, r.decision().reason(),
                    (System.nanoTime() - start) / 1e9, r.epochsRun(), r.bestEpoch()));
        } catch (InsufficientDataException e) {
            trainings.add(new Training(seen, version, false, e.getMessage(), (System.nanoTime() - start) / 1e9, 0, 0));
        }
    }
}
