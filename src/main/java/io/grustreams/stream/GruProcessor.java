package io.grustreams.stream;

import io.grustreams.anomaly.AnomalyVerdict;
import io.grustreams.engine.KeyProcessor;
import io.grustreams.engine.KeyState;
import io.grustreams.engine.KeyStateCodec;
import io.grustreams.engine.StateFormatException;
import io.grustreams.model.EventOrder;
import io.grustreams.model.GruModel;
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
 * state. One state store get and one put per good event, of a state of about a KiB; every B
 * events one ring block put and one delete ({@link StoreRingBlocks}); bad input goes, unchanged,
 * to the dead-letter child, and so does an event older than its key's last one or that event again
 * ({@link io.grustreams.model.EventOrder}), and an event on which the model's step is not finite
 * ({@link BadInput#NON_FINITE_FORECAST}), each leaving the key's stored state as it was.
 *
 * <p>A model swap costs nothing at swap time: each key is re-warmed on its own next event, by
 * replaying its ring (the last W inputs, read back from the ring store) from h = 0 under the new model. The same replay
 * gives the new model's residuals on those W inputs, from which the key's residual statistics are
 * re-estimated (see {@code KeyProcessor#rewarm}), so a swap does not flag the new model's different bias and
 * spread as anomalies.
 *
 * <p>The per-key work (re-warm, score, step) is {@link KeyProcessor}'s, shared with the backtest.
 * Owns all scratch: the parser's result, one {@link KeyProcessor}, the decoded states of recent
 * keys ({@link DecodedStates}), one JSON writer. Not thread-safe;
 * Kafka Streams makes one per task.
 */
final class GruProcessor implements Processor<byte[], byte[], byte[], byte[]> {

    private static final Logger LOG = LoggerFactory.getLogger(GruProcessor.class);
    private final StreamSettings settings;
    private final ModelRegistry registry;

    private ProcessorContext<byte[], byte[]> context;
    private KeyValueStore<Bytes, byte[]> store;
    private StoreRingBlocks ring;
    private StreamMetrics metrics;
    private EventParser parser;
    private ParsedEvent event;
    private KeyProcessor keys;
    private KeyProcessor.Outcome outcome;
    private DecodedStates decoded;
    private DecodedStates.Slot slot;
    /** The array {@link #load} read the key's state from and decoded cleanly, or null (a new key, an unreadable state). */
    private byte[] loaded;
    private KeyStateCodec codec;
    private RecordWriter writer;
    /** Version of the model that processed this task's previous event; NO_MODEL before any. */
    private long lastServedVersion = KeyState.NO_MODEL;

    GruProcessor(StreamSettings settings, ModelRegistry registry) {
        this.settings = settings;
        this.registry = registry;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        this.store = context.getStateStore(settings.stateStore());
        this.metrics = new StreamMetrics(context.metrics());
        int d = settings.features().size();
        this.parser = new EventParser(settings.features(), settings.eventMaxBytes());
        this.event = new ParsedEvent(d);
        this.ring = new StoreRingBlocks(context.getStateStore(settings.ringStore()), metrics);
        this.keys = new KeyProcessor(settings.engine(), ring);
        this.outcome = new KeyProcessor.Outcome(d, settings.horizon());
        this.decoded = new DecodedStates(d, settings.ringSize(), settings.decodedKeys(), settings.decodedMaxBytes());
        this.codec = new KeyStateCodec(settings.engine());
        this.writer = new RecordWriter(settings.features());
        if (registry.newest() == null) {
            metrics.servedModel(KeyState.NO_MODEL);
        }
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        if (!parser.parse(record.key(), record.value(), event)) {
            deadLetter(record, event.reason(), event.detail());
            return;
        }
        long ts = event.hasTimestamp ? event.timestamp : record.timestamp();
        GruModel model = registry.select(ts);
        Bytes key = Bytes.wrap(record.key());
        load(key);
        ring.bind(record.key());

        keys.process(model, ts, event.values, outcome);
        if (!outcome.accepted()) {
            // Older than the key's last event, or that event again: the key is unchanged, the record kept aside.
            deadLetter(record, BadInput.of(outcome.order()), EventOrder.detail(outcome.order(), ts,
                    outcome.lastTimestamp()));
            // Nothing to put: the state is still the one the store holds.
            unchanged();
            return;
        }
        if (outcome.modelless()) {
            // No model yet: the input is kept so the first model can warm this key from it.
            metrics.eventWithoutModel();
            save(key);
            return;
        }
        if (outcome.nonFinite()) {
            // Not saved: the store keeps the key's state from before this event, and its next event
            // decodes that (load() left the kept decoded state unmatched).
            deadLetter(record, BadInput.NON_FINITE_FORECAST, "model " + model.name() + " v" + model.version()
                    + " gave a non-finite hidden state or forecast on this event; the key's state is unchanged");
            return;
        }
        noteServed(model.version());
        if (outcome.rewarmNanos() >= 0) {
            metrics.rewarm(outcome.rewarmNanos());
        }

        // An event the detector did not score (no forecast, residual statistics warming up, a residual
        // out of range) has no score: NaN, which the writer turns into null.
        AnomalyVerdict verdict = outcome.verdict();
        boolean hadForecast = outcome.hadForecast();
        double[] expected = outcome.expected();
        boolean scored = verdict.scored();
        context.forward(new Record<>(record.key(), writer.forecast(event.key, ts, model.name(), model.version(),
                keys.forecast(), settings.horizon() > 1 ? outcome.forecasts() : null, event.values,
                hadForecast ? expected : null,
                scored ? verdict.rawScore() : Double.NaN, scored ? verdict.likelihood() : Double.NaN,
                verdict.anomalyScore(), verdict.alertOpen()), ts), GruTopology.FORECASTS_SINK);
        metrics.forecast();
        if (hadForecast) {
            metrics.forecastError(meanAbsError(event.values, expected));
        }
        if (verdict.transition() != AnomalyVerdict.Transition.NONE) {
            boolean open = verdict.transition() == AnomalyVerdict.Transition.OPEN;
            context.forward(new Record<>(record.key(), writer.alert(event.key, ts, verdict.transition().name(),
                    verdict.rawScore(), verdict.likelihood(), event.values, expected, model.name(), model.version(),
                    verdict.reason()), ts), GruTopology.ALERTS_SINK);
            metrics.alert(open);
        }
        save(key);
    }

    /**
     * Makes the key's state the one {@link #keys} works on: the decoded state
     * kept from the key's last event if the store still holds the array it was saved as, else the
     * stored state decoded; a new key, or an unreadable state, starts empty.
     */
    private void load(Bytes key) {
        slot = decoded.slot(key);
        KeyState state = slot.state;
        keys.use(state);
        byte[] stored = store.get(key);
        boolean kept = slot.matches(stored);
        // From here the state changes: until save() it matches no stored array, even if processing fails.
        slot.bytes = null;
        loaded = stored;
        if (kept) {
            return;
        }
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
            loaded = null;
        }
    }

    @Override
    public void close() {
        decoded.clear();
    }

    /**
     * The key's state was not changed by this event: it is still what {@link #load} read, so the kept
     * decoded state matches the stored array again and nothing is put (a put is a RocksDB write and a
     * changelog record). A state that was not in the store, or unreadable, stays unmatched.
     */
    private void unchanged() {
        if (loaded != null) {
            decoded.saved(slot, loaded);
        }
    }

    /** Puts the key's state and remembers the array, which the key's next event may find unchanged. */
    private void save(Bytes key) {
        byte[] bytes = codec.encode(slot.state);
        store.put(key, bytes);
        metrics.stateBytes(key.get().length + bytes.length);
        decoded.saved(slot, bytes);
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

    private void deadLetter(Record<byte[], byte[]> record, BadInput reason, String detail) {
        RecordMetadata meta = context.recordMetadata().orElse(null);
        context.forward(record.withHeaders(DeadLetters.headers(record.headers(), reason, detail,
                meta == null ? null : meta.topic(), meta == null ? -1 : meta.partition(),
                meta == null ? -1L : meta.offset())), GruTopology.DEAD_LETTERS_SINK);
        metrics.deadLetter(reason);
    }

    /** (1/D) sum_i |x_i - y_i|: the forecast error the metrics report for one event. */
    private static double meanAbsError(double[] actual, double[] expected) {
        double sum = 0.0;
        for (int i = 0; i < actual.length; i++) {
            sum += Math.abs(actual[i] - expected[i]);
        }
        return sum / actual.length;
    }
}
