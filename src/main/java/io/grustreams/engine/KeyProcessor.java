package io.grustreams.engine;

import io.grustreams.anomaly.AnomalyConfig;
import io.grustreams.anomaly.AnomalyDetector;
import io.grustreams.anomaly.AnomalyVerdict;
import io.grustreams.model.GruModel;
import io.grustreams.model.GruStepper;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-key part of the stream's event path, without Kafka: given a key's state, the model
 * effective at the event's time and the event's values, (re-)warm the key under that model if
 * another one built its state, score the event against the pending forecast, step the GRU and keep
 * the new forecast. {@code GruProcessor} runs it between a store get and a put; the backtest runs
 * it over a CSV, so both produce the same forecasts, scores and alerts from the same inputs.
 *
 * <p>Owns one {@link KeyState} (the caller loads a key into it, or keeps one processor per key),
 * the detector, and per served model a {@link GruStepper} with its arrays. Allocates nothing per
 * event once its steppers exist, except what the detector allocates on an alert transition. Not
 * thread-safe.
 */
public final class KeyProcessor {

    /** Steppers kept for recently served models; more are rebuilt on demand. */
    private static final int MAX_SERVED = 4;

    /** What one {@link #process} call did. Reused; every field overwritten by each call. */
    public static final class Outcome {
        boolean modelless;
        boolean hadForecast;
        long rewarmNanos = -1L;
        final double[] expected;
        final AnomalyVerdict verdict = new AnomalyVerdict();

        /** @param features D, the stream's features per event */
        public Outcome(int features) {
            this.expected = new double[features];
        }

        /** True when no model was effective: the event was only buffered, nothing was scored or forecast. */
        public boolean modelless() {
            return modelless;
        }

        /** Whether a forecast for this event existed (then {@link #expected()} holds it). */
        public boolean hadForecast() {
            return hadForecast;
        }

        /** The forecast this event was scored against, original units; meaningful if {@link #hadForecast()}. */
        public double[] expected() {
            return expected;
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

    private final List<String> features;
    private KeyState state;
    private final AnomalyDetector detector;
    private final double[] replay;
    private final double[] replayForecast;
    private final Map<GruModel, Served> served = new IdentityHashMap<>();
    /** Scratch of {@link #forecastAhead}: a copy of h and the previous step's forecast. */
    private double[] aheadHidden = new double[0];
    private final double[] aheadInput;

    /**
     * @param anomalyConfig the detector's knobs
     * @param features the stream's feature names, in event order
     * @param ringSize W, the inputs kept per key to re-warm it under a new model
     */
    public KeyProcessor(AnomalyConfig anomalyConfig, List<String> features, int ringSize) {
        this.features = List.copyOf(features);
        int d = features.size();
        this.state = new KeyState(d, ringSize);
        this.detector = new AnomalyDetector(anomalyConfig, d);
        this.replay = new double[d];
        this.replayForecast = new double[d];
        this.aheadInput = new double[d];
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
     * @param model the model effective at {@code timestamp}, or null when none is: the event is then
     *     only buffered so the first model can warm the key from it
     * @param timestamp event time, epoch ms
     * @param values D values in stream feature order, original units. Not modified.
     * @param out modified; every field overwritten
     */
    public void process(GruModel model, long timestamp, double[] values, Outcome out) {
        out.rewarmNanos = -1L;
        if (state.anomaly == null) {
            state.anomaly = detector.newState();
        }
        if (model == null) {
            // The value range learns from every event, so it covers the key's whole history.
            detector.observe(state.anomaly, values);
            state.push(values);
            state.eventCount++;
            state.lastTimestamp = timestamp;
            out.modelless = true;
            out.hadForecast = false;
            return;
        }
        out.modelless = false;
        Served s = served(model);
        if (state.modelVersion != model.version() || state.hiddenSize != s.hiddenSize) {
            rewarm(s, out);
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

        // h_t = GRU(h_{t-1}, x_t), y_t = W_y h_t + b_y: the forecast of x_{t+1}.
        s.observe(state.hidden, values, state.forecast);
        state.hasForecast = true;
        state.push(values);
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
     * Rolls the current model forward {@code steps} events from the key's state, feeding each
     * forecast back as the next input, without touching the key's hidden state: row k (0-based) of
     * {@code out} is the forecast of the event k + 1 ahead, row 0 being {@link #forecast()}.
     *
     * @param model the model that made the key's state (the last {@link #process} call's)
     * @param out at least {@code steps · D} long, row-major. Modified.
     * @throws IllegalStateException if the key has no forecast
     */
    public void forecastAhead(GruModel model, int steps, double[] out) {
        if (!state.hasForecast) {
            throw new IllegalStateException("the key has no forecast yet");
        }
        int d = features.size();
        System.arraycopy(state.forecast, 0, out, 0, d);
        if (steps <= 1) {
            return;
        }
        Served s = served(model);
        if (aheadHidden.length != state.hidden.length) {
            aheadHidden = new double[state.hidden.length];
        }
        System.arraycopy(state.hidden, 0, aheadHidden, 0, aheadHidden.length);
        for (int k = 1; k < steps; k++) {
            // h' = GRU(h', y_{k-1}): the model's own forecast stands in for the unseen event.
            System.arraycopy(out, (k - 1) * d, aheadInput, 0, d);
            s.observe(aheadHidden, aheadInput, replayForecast);
            System.arraycopy(replayForecast, 0, out, k * d, d);
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
    private void rewarm(Served s, Outcome out) {
        long start = System.nanoTime();
        boolean hadState = state.modelVersion != KeyState.NO_MODEL || state.ringSize() > 0;
        state.clearModelState();
        state.resetHidden(s.hiddenSize);
        state.modelVersion = s.model.version();
        int n = state.ringSize();
        if (n > 0) {
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
            if (served.size() >= MAX_SERVED) {
                served.clear();
            }
            s = new Served(model, features);
            served.put(model, s);
        }
        return s;
    }
}
