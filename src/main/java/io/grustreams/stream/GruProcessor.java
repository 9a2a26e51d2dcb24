package io.grustreams.stream;

import io.grustreams.anomaly.AnomalyConfig;
import io.grustreams.anomaly.AnomalyDetector;
import io.grustreams.anomaly.AnomalyVerdict;
import io.grustreams.model.GruModel;
import io.grustreams.model.GruStepper;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-event path: parse, load the key's state, pick the model effective at the event's time
 * ({@link ModelRegistry#select}), (re-)warm the key under it if another model built its state,
 * score the event against the pending forecast, step the GRU, emit forecast and alert, store the
 * state. One store get and one put per good event; bad input goes, unchanged, to the dead-letter
 * child.
 *
 * <p>A model swap costs nothing at swap time: each key is re-warmed on its own next event, by
 * replaying its ring buffer (the last W inputs) from h = 0 under the new model. The same replay
 * gives the new model's residuals on those W inputs, from which the key's residual statistics are
 * re-estimated (see {@link #rewarm}), so a swap does not flag the new model's different bias and
 * spread as anomalies.
 *
 * <p>Owns all scratch: the parser's result, one {@link KeyState}, one verdict, one JSON writer,
 * and per served model a {@link GruStepper} with its input and output arrays. Not thread-safe;
 * Kafka Streams makes one per task.
 */
final class GruProcessor implements Processor<byte[], byte[], byte[], byte[]> {

    private static final Logger LOG = LoggerFactory.getLogger(GruProcessor.class);
    /** Steppers kept for recently served models; more are rebuilt on demand. */
    private static final int MAX_SERVED = 4;

    /** A model as this processor runs it: its stepper and arrays in the model's feature order. */
    private static final class Served {
        final GruModel model;
        final GruStepper stepper;
        /** Model input i is stream feature {@code toStream[i]}. */
        final int[] toStream;
        final double[] x;
        final double[] y;
        final int hiddenSize;

        Served(GruModel model, List<String> streamFeatures) {
            this.model = model;
            this.stepper = GruStepper.forModel(model);
            List<String> names = model.featureNames();
            this.toStream = new int[names.size()];
            for (int i = 0; i < toStream.length; i++) {
                toStream[i] = streamFeatures.indexOf(names.get(i));
            }
            this.x = new double[toStream.length];
            this.y = new double[toStream.length];
            this.hiddenSize = model.layout().hiddenSize();
        }

        /**
         * One GRU step on an event in stream order; the forecast goes back in stream order.
         *
         * @param h modified
         * @param raw not modified
         * @param forecast modified
         */
        void observe(double[] h, double[] raw, double[] forecast) {
            for (int i = 0; i < toStream.length; i++) {
                x[i] = raw[toStream[i]];
            }
            stepper.observe(h, x, y);
            for (int i = 0; i < toStream.length; i++) {
                forecast[toStream[i]] = y[i];
            }
        }
    }

    private final StreamSettings settings;
    private final ModelRegistry registry;
    private final AnomalyConfig anomalyConfig;

    private ProcessorContext<byte[], byte[]> context;
    private KeyValueStore<Bytes, byte[]> store;
    private StreamMetrics metrics;
    private EventParser parser;
    private ParsedEvent event;
    private KeyState state;
    private KeyStateCodec codec;
    private AnomalyDetector detector;
    private AnomalyVerdict verdict;
    private RecordWriter writer;
    private double[] expected;
    private double[] replay;
    private double[] replayForecast;
    private final Map<GruModel, Served> served = new IdentityHashMap<>();
    /** Version of the model that processed this task's previous event; NO_MODEL before any. */
    private long lastServedVersion = KeyState.NO_MODEL;

    GruProcessor(StreamSettings settings, ModelRegistry registry, AnomalyConfig anomalyConfig) {
        this.settings = settings;
        this.registry = registry;
        this.anomalyConfig = anomalyConfig;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        this.store = context.getStateStore(settings.stateStore());
        this.metrics = new StreamMetrics(context.metrics());
        int d = settings.features().size();
        this.parser = new EventParser(settings.features(), settings.eventMaxBytes());
        this.event = new ParsedEvent(d);
        this.state = new KeyState(d, settings.ringSize());
        this.codec = new KeyStateCodec(anomalyConfig);
        this.detector = new AnomalyDetector(anomalyConfig, d);
        this.verdict = new AnomalyVerdict();
        this.writer = new RecordWriter(settings.features());
        this.expected = new double[d];
        this.replay = new double[d];
        this.replayForecast = new double[d];
        if (registry.newest() == null) {
            metrics.servedModel(KeyState.NO_MODEL);
        }
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        if (!parser.parse(record.key(), record.value(), event)) {
            deadLetter(record);
            return;
        }
        long ts = event.hasTimestamp ? event.timestamp : record.timestamp();
        GruModel model = registry.select(ts);
        Bytes key = Bytes.wrap(record.key());
        load(key);

        if (model == null) {
            // No model yet: keep the input so the first model can warm this key from it.
            state.push(event.values);
            state.eventCount++;
            state.lastTimestamp = ts;
            metrics.eventWithoutModel();
            store.put(key, codec.encode(state));
            return;
        }
        noteServed(model.version());
        Served s = served(model);
        if (state.modelVersion != model.version() || state.hiddenSize != s.hiddenSize) {
            rewarm(s);
        }

        // Score x_t against y_{t-1}, the forecast made for it at the previous event.
        boolean hadForecast = state.hasForecast;
        if (state.anomaly == null) {
            state.anomaly = detector.newState();
        }
        if (hadForecast) {
            System.arraycopy(state.forecast, 0, expected, 0, expected.length);
            metrics.forecastError(meanAbsError(event.values, expected));
        }
        if (hadForecast && residualsInRange()) {
            detector.score(state.anomaly, event.values, expected, verdict);
        } else {
            detector.scoreWithoutForecast(state.anomaly, verdict);
        }

        // h_t = GRU(h_{t-1}, x_t), y_t = W_y h_t + b_y: the forecast of x_{t+1}.
        s.observe(state.hidden, event.values, state.forecast);
        state.hasForecast = true;
        state.push(event.values);
        state.eventCount++;
        state.lastTimestamp = ts;

        // An event the detector did not score (no forecast, residual statistics warming up, a residual
        // out of range) has no score: NaN, which the writer turns into null.
        boolean scored = verdict.scored();
        context.forward(new Record<>(record.key(), writer.forecast(event.key, ts, model.name(), model.version(),
                state.forecast, event.values, hadForecast ? expected : null,
                scored ? verdict.rawScore() : Double.NaN, scored ? verdict.likelihood() : Double.NaN,
                verdict.alertOpen()), ts), GruTopology.FORECASTS_SINK);
        metrics.forecast();
        if (verdict.transition() != AnomalyVerdict.Transition.NONE) {
            boolean open = verdict.transition() == AnomalyVerdict.Transition.OPEN;
            context.forward(new Record<>(record.key(), writer.alert(event.key, ts, verdict.transition().name(),
                    verdict.rawScore(), verdict.likelihood(), event.values, expected, model.name(), model.version(),
                    verdict.reason()), ts), GruTopology.ALERTS_SINK);
            metrics.alert(open);
        }
        store.put(key, codec.encode(state));
    }

    /** Reads the key's state into {@link #state}; a new key, or an unreadable state, starts empty. */
    private void load(Bytes key) {
        byte[] stored = store.get(key);
        if (stored == null) {
            state.clear();
            return;
        }
        try {
            codec.decode(stored, state);
        } catch (StateFormatException e) {
            if (e.isNewerFormat()) {
                // Written by a newer build: overwriting it would destroy what that build kept. Stop.
                throw e;
            }
            LOG.warn("per-key state of key {} is unreadable and starts afresh: {}", event.key, e.getMessage());
            metrics.stateReset();
            state.clear();
        }
    }

    /**
     * Rebuilds the key's model state under {@code s}, as if the new model had run over the last W
     * events from h = 0 (ring buffer, oldest first):
     * <ul>
     *   <li>hidden state: h_i = GRU(h_{i-1}, x_i), i = 1..W, h_0 = 0, bit for bit what a fresh run of
     *       the new model over those inputs gives;</li>
     *   <li>pending forecast: the replay's last y_W, the new model's forecast of the event now being
     *       processed, so that event is scored against the model that will be judged;</li>
     *   <li>residual statistics: restarted and re-estimated from the new model's residuals
     *       x_{i+1} - y_i on the ring (AnomalyDetector#learn), because the old model's bias and
     *       spread say nothing about the new one's, and judging one by the other is what raises false
     *       alerts at a swap. With W above {@code gru.anomaly.residual-warmup} the key is scored again
     *       at once; with fewer inputs it learns from the next events unscored, as a new key does;</li>
     *   <li>raw-score and likelihood windows and the alert machine: kept (raw scores are calibrated
     *       whatever the model; an open alert resolves through its own hysteresis).</li>
     * </ul>
     * The first residual of the replay, made from h = 0, is its least settled; it is kept, as the
     * exponential weighting lets the later ones dominate once W exceeds the residual half-life.
     */
    private void rewarm(Served s) {
        long start = System.nanoTime();
        boolean hadState = state.modelVersion != KeyState.NO_MODEL || state.ringSize() > 0;
        state.clearModelState();
        state.resetHidden(s.hiddenSize);
        state.modelVersion = s.model.version();
        int n = state.ringSize();
        if (n > 0) {
            if (state.anomaly == null) {
                state.anomaly = detector.newState();
            }
            detector.restartResiduals(state.anomaly);
        }
        for (int i = 0; i < n; i++) {
            state.ringValue(i, replay);
            // Residual of x_i against y_{i-1}, the forecast the new model made for it.
            if (i > 0 && inRange(replay, replayForecast)) {
                detector.learn(state.anomaly, replay, replayForecast);
            }
            s.observe(state.hidden, replay, replayForecast);
        }
        if (n > 0) {
            System.arraycopy(replayForecast, 0, state.forecast, 0, replayForecast.length);
            state.hasForecast = true;
        }
        if (hadState) {
            metrics.rewarm(System.nanoTime() - start);
        }
    }

    /** (1/D) sum_i |x_i - y_i|: the forecast error the metrics report for one event. */
    private static double meanAbsError(double[] actual, double[] expected) {
        double sum = 0.0;
        for (int i = 0; i < actual.length; i++) {
            sum += Math.abs(actual[i] - expected[i]);
        }
        return sum / actual.length;
    }

    /** The detector rejects residuals beyond {@link AnomalyDetector#MAX_RESIDUAL}; such an event is not scored. */
    private boolean residualsInRange() {
        return inRange(event.values, state.forecast);
    }

    private static boolean inRange(double[] actual, double[] expected) {
        for (int i = 0; i < actual.length; i++) {
            if (!(Math.abs(actual[i] - expected[i]) <= AnomalyDetector.MAX_RESIDUAL)) {
                return false;
            }
        }
        return true;
    }

    private Served served(GruModel model) {
        Served s = served.get(model);
        if (s == null) {
            if (served.size() >= MAX_SERVED) {
                served.clear();
            }
            s = new Served(model, settings.features());
            served.put(model, s);
        }
        return s;
    }

    /** Counts a swap when this task's events move to another model (not the first model it serves). */
    private void noteServed(long version) {
        if (version != lastServedVersion) {
            if (lastServedVersion != KeyState.NO_MODEL) {
                metrics.swap();
                LOG.info("task {} now processes events with model v{} (was v{})", context.taskId(), version,
                        lastServedVersion);
            }
            lastServedVersion = version;
            metrics.servedModel(version);
        }
    }

    private void deadLetter(Record<byte[], byte[]> record) {
        RecordMetadata meta = context.recordMetadata().orElse(null);
        context.forward(record.withHeaders(DeadLetters.headers(record.headers(), event.reason(), event.detail(),
                meta == null ? null : meta.topic(), meta == null ? -1 : meta.partition(),
                meta == null ? -1L : meta.offset())), GruTopology.DEAD_LETTERS_SINK);
        metrics.deadLetter(event.reason());
    }
}
