package io.grustreams.engine;

import io.grustreams.anomaly.AnomalyDetector;
import io.grustreams.anomaly.AnomalyVerdict;
import io.grustreams.model.Cell;
import io.grustreams.model.EventOrder;
import io.grustreams.model.Forecaster;
import io.grustreams.model.GruModel;
import io.grustreams.model.InputSpec;
import io.grustreams.model.KeyScale;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The per-key part of the stream's event path, without Kafka: given a key's state, the model
 * effective at the event's time and the event's values, (re-)warm the key under that model if
 * another one built its state, score the event against the pending forecast, fold the event into
 * the key's scale, step the model and keep the new forecasts. {@code GruProcessor} runs it between
 * a store get and a put; the backtest runs it over a CSV, so both produce the same forecasts,
 * scores and alerts from the same inputs.
 *
 * <p>A model whose weights are finite can still overflow on some key's inputs (a readout of
 * 1e308, a normalization that blows an input up). The step therefore runs into scratch arrays, and
 * the key's state takes its hidden state, forecast and scale only when all of them, and the
 * forecasts, are finite: otherwise {@link Outcome#nonFinite()} is set and the event is not applied
 * (see {@link #process} for what that leaves). The check is one pass over those few arrays.
 *
 * <p>Owns one {@link KeyState} (the caller loads a key into it, or keeps one processor per key),
 * the detector, and per served model a {@link Forecaster} with its arrays. Allocates nothing per
 * event once its forecasters exist, except what the detector allocates on an alert transition.
 * Not thread-safe.
 */
public final class KeyProcessor {

    /** Forecasters kept for recently served models; more are rebuilt on demand. */
    private static final int MAX_SERVED = 4;

    /** What one {@link #process} call did. Reused; every field overwritten by each call. */
    public static final class Outcome {
        EventOrder order = EventOrder.NEXT;
        long lastTimestamp;
        boolean modelless;
        boolean nonFinite;
        boolean hadForecast;
        long rewarmNanos = -1L;
        final double[] expected;
        final double[] forecasts;
        final AnomalyVerdict verdict = new AnomalyVerdict();

        /**
         * @param features D, the stream's features per event
         * @param horizon N, the forecasts made per event
         */
        public Outcome(int features, int horizon) {
            this.expected = new double[features];
            this.forecasts = new double[features * horizon];
        }

        /** True when no model was effective: the event was only buffered, nothing was scored or forecast. */
        public boolean modelless() {
            return modelless;
        }

        /**
         * Where the event stood against the key's last one: {@link EventOrder#NEXT} when it was
         * processed; otherwise it was left out, the key's state is unchanged and no other field of
         * this outcome is meaningful.
         */
        public EventOrder order() {
            return order;
        }

        /** For an event left out: the time of the key's last event, which it was compared with. */
        public long lastTimestamp() {
            return lastTimestamp;
        }

        /** Whether the event was processed ({@link #order()} is {@link EventOrder#NEXT}). */
        public boolean accepted() {
            return order == EventOrder.NEXT;
        }

        /**
         * True when the model's step on this event gave a non-finite hidden state or forecast: the
         * event was not applied to the key (see {@link KeyProcessor#process}); nothing else here is
         * meaningful.
         */
        public boolean nonFinite() {
            return nonFinite;
        }

        /** Whether a forecast for this event existed (then {@link #expected()} holds it). */
        public boolean hadForecast() {
            return hadForecast;
        }

        /** The forecast this event was scored against, original units; meaningful if {@link #hadForecast()}. */
        public double[] expected() {
            return expected;
        }

        /**
         * The forecasts made after this event, {@code N · D} values in stream feature order, row k
         * the forecast of the event k + 1 ahead, original units; meaningful unless {@link #modelless()}.
         */
        public double[] forecasts() {
            return forecasts;
        }

        /** The detector's verdict on this event. */
        public AnomalyVerdict verdict() {
            return verdict;
        }

        /** Nanoseconds spent re-warming a key that had state under another model; -1 if none was. */
        public long rewarmNanos() {
            return rewarmNanos;
        }
    }

    /** A model as this processor runs it: its forecaster and arrays in the model's feature order. */
    private static final class Served {
        final GruModel model;
        final Forecaster forecaster;
        /** Model input i is stream feature {@code toStream[i]}. */
        final int[] toStream;
        final boolean identity;
        final double[] raw;
        final double[] previous;
        final double[] scale;
        final double[] rows;
        final double[] ahead;
        final KeyScale scaleInModelOrder;
        /** The step's h_t before it is known to be finite. */
        final double[] nextHidden;
        final int stateSize;
        final Cell cell;
        final int layers;

        Served(GruModel model, List<String> streamFeatures, int horizon) {
            this.model = model;
            this.forecaster = new Forecaster(model);
            List<String> names = model.featureNames();
            int d = names.size();
            this.toStream = new int[d];
            boolean same = true;
            for (int i = 0; i < d; i++) {
                toStream[i] = streamFeatures.indexOf(names.get(i));
                same &= toStream[i] == i;
            }
            this.identity = same;
            this.raw = new double[d];
            this.previous = new double[d];
            this.scale = new double[d];
            this.rows = new double[forecaster.rows() * d];
            this.ahead = new double[Math.max(horizon, forecaster.rows()) * d];
            this.scaleInModelOrder = new KeyScale(d);
            this.stateSize = model.layout().stateSize();
            this.nextHidden = new double[stateSize];
            this.cell = model.layout().cell();
            this.layers = model.layout().layers();
        }

        /**
         * One model step on an event in stream order; the forecasts go back in stream order.
         *
         * @param h modified
         * @param rawStream x_t. Not modified.
         * @param previousStream x_{t−1} or null. Not modified.
         * @param scaleStream s_t. Not modified.
         */
        void observe(double[] h, double[] rawStream, double[] previousStream, double[] scaleStream, long timestamp,
                long previousTimestamp) {
            toModel(rawStream, raw);
            toModel(scaleStream, scale);
            if (previousStream != null) {
                toModel(previousStream, previous);
            }
            forecaster.observe(h, raw, previousStream == null ? null : previous, scale, timestamp, previousTimestamp,
                    rows);
        }

        /**
         * The forecasts of the last {@link #observe}, {@code horizon} rows, into {@code out} in stream order.
         *
         * @param h the hidden state after that observe. Not modified.
         * @param keyScale the key's scale after that event (stream order). Not modified.
         */
        void forecasts(double[] h, KeyScale keyScale, long timestamp, long gap, int horizon, double[] out) {
            int d = raw.length;
            if (forecaster.rows() >= horizon) {
                System.arraycopy(rows, 0, ahead, 0, horizon * d);
            } else {
                scaleInModelOrder.copyFrom(keyScale);
                if (!identity) {
                    for (int i = 0; i < d; i++) {
                        previous[i] = keyScale.last(toStream[i]);
                        scale[i] = keyScale.meanChange(toStream[i]);
                    }
                    scaleInModelOrder.restore(keyScale.count(), previous, scale);
                }
                forecaster.ahead(h, scaleInModelOrder, timestamp, gap, rows, horizon, ahead);
            }
            for (int r = 0; r < horizon; r++) {
                for (int i = 0; i < d; i++) {
                    out[r * d + toStream[i]] = ahead[r * d + i];
                }
            }
        }

        /** The next-event forecast of the last {@link #observe}, stream order. @param out modified */
        void next(double[] out) {
            for (int i = 0; i < toStream.length; i++) {
                out[toStream[i]] = rows[i];
            }
        }

        private void toModel(double[] stream, double[] model) {
            for (int i = 0; i < toStream.length; i++) {
                model[i] = stream[toStream[i]];
            }
        }
    }

    private final List<String> features;
    private final InputSpec inputs;
    private final int horizon;
    private final double scaleAlpha;
    private KeyState state;
    private final RingBlocks blocks;
    private final KeyRing ring;
    private final AnomalyDetector detector;
    private final double[] replay;
    private final double[] replayPrevious;
    private final double[] replayScale;
    private final double[] replayForecast;
    private final double[] previous;
    /** The step's scale s_t and next-event forecast, kept only if the step is finite. */
    private final KeyScale nextScale;
    private final double[] nextForecast;
    private final Map<GruModel, Served> served = new IdentityHashMap<>();

    /**
     * A processor whose ring blocks are kept in memory: for one key (the backtest keeps one
     * processor per key) or tests.
     *
     * @param config the stream's features, ring, inputs, horizon and detector
     */
    public KeyProcessor(EngineConfig config) {
        this(config, new MemoryRingBlocks());
    }

    /**
     * @param config the stream's features, ring, inputs, horizon and detector
     * @param blocks where the processed key's sealed ring blocks are; the caller binds it to the
     *     key it loads into {@link #state()}
     */
    public KeyProcessor(EngineConfig config, RingBlocks blocks) {
        this.blocks = Objects.requireNonNull(blocks, "blocks");
        this.features = config.features();
        this.inputs = config.inputs();
        this.horizon = config.horizon();
        this.scaleAlpha = KeyScale.alpha(config.scaleHalfLife());
        int d = features.size();
        this.state = new KeyState(d, config.ringSize());
        this.ring = new KeyRing(d, config.ringSize(), scaleAlpha);
        this.detector = new AnomalyDetector(config.anomaly(), d, config.rangesByIndex());
        this.replay = new double[d];
        this.replayPrevious = new double[d];
        this.replayScale = new double[d];
        this.replayForecast = new double[d];
        this.previous = new double[d];
        this.nextScale = new KeyScale(d);
        this.nextForecast = new double[d];
    }

    /**
     * Makes {@code s} the state {@link #process} reads and updates from now on: a processor that
     * keeps decoded states of many keys switches between them instead of decoding into one.
     *
     * @param s a state of this processor's feature count and ring capacity. Modified by later calls.
     */
    public void use(KeyState s) {
        if (s.features != features.size() || s.ringCapacity != state.ringCapacity) {
            throw new IllegalArgumentException("state of " + s.features + " features and ring " + s.ringCapacity
                    + " given to a processor of " + features.size() + " features and ring " + state.ringCapacity);
        }
        state = s;
    }

    /** The state {@link #process} reads and updates; the caller may decode a stored key into it. */
    public KeyState state() {
        return state;
    }

    /** Forgets the key: back to a key never seen. */
    public void clear() {
        state.clear();
    }

    /**
     * Processes one event of the loaded key.
     *
     * <p>When the model's step is not finite ({@link Outcome#nonFinite()}), the event is not applied:
     * the key's ring, event count, scale, hidden state, pending forecast and anomaly state are what
     * they were, except that a re-warm this event needed (its state was built by another model) is
     * kept, which the key's next event would redo identically from the same ring.
     *
     * @param model the model effective at {@code timestamp}, or null when none is: the event is then
     *     only buffered so the first model can warm the key from it
     * @param timestamp event time, epoch ms
     * @param values D values in stream feature order, original units. Not modified.
     * @param out modified; every field overwritten. An event older than the key's last one, or that
     *     event again, is left out ({@link EventOrder}) and changes nothing of the key.
     * @throws IllegalArgumentException if the model reads other inputs than this processor computes
     */
    public void process(GruModel model, long timestamp, double[] values, Outcome out) {
        out.rewarmNanos = -1L;
        out.nonFinite = false;
        boolean first = state.eventCount == 0;
        long previousTimestamp = first ? Long.MIN_VALUE : state.lastTimestamp;
        for (int j = 0; j < previous.length; j++) {
            previous[j] = state.scale.last(j);
        }
        // A late or repeated event is left out before anything changes: the key stays as it was.
        out.order = EventOrder.of(timestamp, values, previousTimestamp, previous, 0);
        if (out.order != EventOrder.NEXT) {
            out.lastTimestamp = previousTimestamp;
            out.modelless = model == null;
            out.hadForecast = false;
            return;
        }
        // A legacy state's ring arrives as one open run of up to its old W events: seal it first.
        ring.seal(state, blocks);
        if (state.anomaly == null) {
            state.anomaly = detector.newState();
        }
        if (model == null) {
            // The value range learns from every event, so it covers the key's whole history.
            detector.observe(state.anomaly, values);
            foldIn(timestamp, values);
            out.modelless = true;
            out.hadForecast = false;
            return;
        }
        out.modelless = false;
        Served s = served(model);
        if (state.modelVersion != model.version() || state.cell != s.cell || state.layers != s.layers
                || state.hiddenSize != s.stateSize) {
            rewarm(s, out);
        }

        // h_t = cell(h_{t-1}, inputs(x_t)) through every layer, then the readout: the forecasts of x_{t+1} .. x_{t+N},
        // into scratch: the key takes them only if they are finite. x_{t-1} is in previous (read above; a
        // re-warm replays into its own scale and leaves the key's untouched).
        nextScale.copyFrom(state.scale);
        nextScale.observe(values, scaleAlpha);
        System.arraycopy(state.hidden, 0, s.nextHidden, 0, s.stateSize);
        s.observe(s.nextHidden, values, first ? null : previous, nextScale.scales(), timestamp, previousTimestamp);
        s.next(nextForecast);
        s.forecasts(s.nextHidden, nextScale, timestamp, first ? 0L : timestamp - previousTimestamp, horizon,
                out.forecasts);
        if (!finite(s.nextHidden) || !finite(nextForecast) || !finite(out.forecasts)) {
            out.nonFinite = true;
            out.hadForecast = false;
            return;
        }

        // Score x_t against y_{t-1}, the forecast made for it at the previous event.
        boolean hadForecast = state.hasForecast;
        if (hadForecast) {
            System.arraycopy(state.forecast, 0, out.expected, 0, out.expected.length);
        }
        if (hadForecast && inRange(values, state.forecast)) {
            detector.score(state.anomaly, values, out.expected, out.verdict);
        } else {
            detector.scoreWithoutForecast(state.anomaly, values, out.verdict);
        }
        out.hadForecast = hadForecast;

        state.scale.copyFrom(nextScale);
        pushIn(timestamp, values);
        System.arraycopy(s.nextHidden, 0, state.hidden, 0, s.stateSize);
        System.arraycopy(nextForecast, 0, state.forecast, 0, nextForecast.length);
        state.hasForecast = true;
    }

    /**
     * True if every value is finite. Branch-free: v·0 is 0 for a finite v and NaN otherwise, and a NaN
     * term makes the sum NaN.
     */
    private static boolean finite(double[] values) {
        double zero = 0.0;
        for (double v : values) {
            zero += v * 0.0;
        }
        return zero == 0.0;
    }

    /** Folds the event into the key's scale, ring (sealing a full block), count and time. */
    private void foldIn(long timestamp, double[] values) {
        state.scale.observe(values, scaleAlpha);
        pushIn(timestamp, values);
    }

    /** Appends the event to the key's ring (sealing a full block) and counts it. */
    private void pushIn(long timestamp, double[] values) {
        state.pushOpen(timestamp, values);
        ring.seal(state, blocks);
        state.eventCount++;
        state.lastTimestamp = timestamp;
    }

    /** The pending forecast of the key's next event, stream order, original units. Not to be modified. */
    public double[] forecast() {
        return state.forecast;
    }

    /** Whether the key has a pending forecast (a model has processed at least one of its events). */
    public boolean hasForecast() {
        return state.hasForecast;
    }

    /**
     * Rebuilds the key's model state under {@code s}, as if the new model had run over the last W
     * events from h = 0 (the ring, oldest first: sealed blocks read back from the block store and
     * the open events), with the inputs the stream computed for them: each event's values and time
     * as the ring kept them and its scale s_t refolded from its block's starting scale, the oldest
     * taken as a key's first event (no change, no gap):
     * <ul>
     *   <li>hidden state: h_i = GRU(h_{i-1}, inputs_i), i = 1..W, h_0 = 0, bit for bit what a fresh run
     *       of the new model over those events gives;</li>
     *   <li>pending forecast: the replay's last next-event forecast, the new model's forecast of the
     *       event now being processed, so that event is scored against the model that will be judged;</li>
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
    private void rewarm(Served s, Outcome out) {
        long start = System.nanoTime();
        boolean hadState = state.modelVersion != KeyState.NO_MODEL || state.ringSize() > 0;
        state.clearModelState();
        state.resetHidden(s.stateSize);
        state.modelVersion = s.model.version();
        state.cell = s.cell;
        state.layers = s.layers;
        int n = ring.load(state, blocks);
        if (n > 0) {
            detector.restartResiduals(state.anomaly);
        }
        long previousTimestamp = Long.MIN_VALUE;
        int d = replay.length;
        for (int i = 0; i < n; i++) {
            System.arraycopy(ring.values, i * d, replay, 0, d);
            System.arraycopy(ring.scales, i * d, replayScale, 0, d);
            long ts = ring.timestamps[i];
            // Residual of x_i against y_{i-1}, the forecast the new model made for it.
            if (i > 0 && inRange(replay, replayForecast)) {
                detector.learn(state.anomaly, replay, replayForecast);
            }
            s.observe(state.hidden, replay, i == 0 ? null : replayPrevious, replayScale, ts, previousTimestamp);
            s.next(replayForecast);
            System.arraycopy(replay, 0, replayPrevious, 0, replay.length);
            previousTimestamp = ts;
        }
        if (n > 0) {
            System.arraycopy(replayForecast, 0, state.forecast, 0, replayForecast.length);
            state.hasForecast = true;
        }
        if (hadState) {
            out.rewarmNanos = System.nanoTime() - start;
        }
    }

    /** The detector rejects residuals beyond {@link AnomalyDetector#MAX_RESIDUAL}; such an event is not scored. */
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
            List<String> mismatch = model.inputs().isLegacy() ? List.of() : inputs.inputMismatches(model.inputs());
            if (!mismatch.isEmpty()) {
                throw new IllegalArgumentException("model " + model.name() + " v" + model.version()
                        + " reads other inputs than this stream computes: " + mismatch);
            }
            if (served.size() >= MAX_SERVED) {
                served.clear();
            }
            s = new Served(model, features, horizon);
            served.put(model, s);
        }
        return s;
    }
}
