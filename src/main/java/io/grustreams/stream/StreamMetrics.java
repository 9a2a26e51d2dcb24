package io.grustreams.stream;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.MeasurableStat;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Avg;
import org.apache.kafka.common.metrics.stats.CumulativeCount;
import org.apache.kafka.common.metrics.stats.CumulativeSum;
import org.apache.kafka.common.metrics.stats.Max;
import org.apache.kafka.common.metrics.stats.Value;
import org.apache.kafka.streams.StreamsMetrics;

/**
 * The product's metrics, registered as Kafka Streams sensors through {@code context.metrics()}, so
 * they appear in {@code KafkaStreams.metrics()} (and JMX) next to Kafka's own, in group
 * {@value #GROUP}. The app can bridge them to another registry by these names.
 *
 * <p>Counters are cumulative totals since the instance started. Every task of an instance records
 * into the same sensors (sensors are shared by name), so a total is per instance.
 */
public final class StreamMetrics {

    public static final String GROUP = "gru-streams";
    /** Counter, tag {@code reason} = {@link BadInput#code()}: records sent to the dead-letter topic. */
    public static final String DEAD_LETTERS = "dead-letters-total";
    /** Counter, tag {@code reason} = {@link ModelRejection#code()}: model records rejected. */
    public static final String MODELS_REJECTED = "models-rejected-total";
    /** Counter: model records accepted into the registry. */
    public static final String MODELS_ACCEPTED = "models-accepted-total";
    /** Gauge: 1 while no model can be served (events only fill ring buffers), else 0. */
    public static final String WAITING_FOR_MODEL = "waiting-for-model";
    /** Gauge: version of the model that processed the instance's latest event, -1 before any. */
    public static final String MODEL_VERSION = "model-version";
    /** Gauge: highest version in the model registry, whether yet effective or not; -1 for none. */
    public static final String MODEL_NEWEST_VERSION = "model-newest-version";
    /** Gauge: models the registry keeps ({@code gru.model.keep} at most). */
    public static final String MODELS_KEPT = "models-kept";
    /**
     * Counter: times a stream task processed an event with another model than its previous event
     * (each task of an instance counts a roll-out once).
     */
    public static final String MODEL_SWAPS = "model-swaps-total";
    /** Average and maximum (of a 30 s sample window) nanoseconds one key's re-warm took. */
    public static final String REWARM_TIME_AVG = "rewarm-time-ns-avg";
    public static final String REWARM_TIME_MAX = "rewarm-time-ns-max";
    /** Counter: good events that arrived while no model could be served. */
    public static final String EVENTS_WITHOUT_MODEL = "events-without-model-total";
    /** Counter: forecast records emitted. */
    public static final String FORECASTS = "forecasts-total";
    /** Counter, tag {@code transition} = OPEN or RESOLVED: alert records emitted. */
    public static final String ALERTS = "alerts-total";
    /** Counter: keys whose hidden state was rebuilt from their ring buffer under another model. */
    public static final String REWARMS = "rewarms-total";
    /** Counter: per-key states that could not be read and were started afresh. */
    public static final String STATE_RESETS = "state-resets-total";
    /**
     * Mean absolute forecast error |x_t - y_{t-1}| over the features of a forecast event, original units:
     * {@value #FORECAST_ERROR}-avg and -max over Kafka's metric window (30 s samples by default).
     */
    public static final String FORECAST_ERROR = "forecast-error";
    /**
     * Counter, tag {@code store} = {@code state} or {@code ring}: bytes of keys and values the
     * processor put into the store, a delete counting its key. What reaches RocksDB and the changelog
     * is at most this: the state store's record cache can fold a key's puts within a commit into one.
     */
    public static final String STORE_BYTES = "store-bytes-written-total";

    private final StreamsMetrics metrics;
    private final Map<BadInput, Sensor> deadLetters = new EnumMap<>(BadInput.class);
    private Sensor eventsWithoutModel;
    private Sensor forecasts;
    private Sensor alertsOpen;
    private Sensor alertsResolved;
    private Sensor rewarms;
    private Sensor rewarmTime;
    private Sensor swaps;
    private Sensor newestVersion;
    private Sensor kept;
    private Sensor stateResets;
    private Sensor modelsAccepted;
    private final Map<ModelRejection, Sensor> modelsRejected = new EnumMap<>(ModelRejection.class);
    private Sensor modelVersion;
    private Sensor waiting;
    private Sensor forecastError;
    private Sensor stateBytes;
    private Sensor ringBytes;

    /**
     * Registers every sensor, so each counter reads 0 before its first event and the hot path only
     * records into sensors it holds.
     *
     * @param metrics {@code context.metrics()} of a processor
     */
    StreamMetrics(StreamsMetrics metrics) {
        this.metrics = metrics;
        for (BadInput b : BadInput.values()) {
            deadLetters.put(b, counter(DEAD_LETTERS, "Records sent to the dead-letter topic, by reason",
                    "reason", b.code()));
        }
        eventsWithoutModel = counter(EVENTS_WITHOUT_MODEL, "Good events that arrived while no model could be served");
        forecasts = counter(FORECASTS, "Forecast records emitted");
        alertsOpen = counter(ALERTS, "Alert records emitted, by transition", "transition", "OPEN");
        alertsResolved = counter(ALERTS, "Alert records emitted, by transition", "transition", "RESOLVED");
        rewarms = counter(REWARMS, "Hidden states rebuilt from the ring buffer under another model");
        swaps = counter(MODEL_SWAPS, "Times a task processed an event with another model than its previous event");
        newestVersion = gauge(MODEL_NEWEST_VERSION, "Highest model version in the registry, -1 for none");
        kept = gauge(MODELS_KEPT, "Models the registry keeps");
        rewarmTime = metrics.addSensor(GROUP + ".rewarm-time", Sensor.RecordingLevel.INFO);
        rewarmTime.add(new MetricName(REWARM_TIME_AVG, GROUP, "Average nanoseconds of one key's re-warm", Map.of()),
                new Avg());
        rewarmTime.add(new MetricName(REWARM_TIME_MAX, GROUP, "Maximum nanoseconds of one key's re-warm", Map.of()),
                new Max());
        stateResets = counter(STATE_RESETS, "Per-key states that could not be read and were started afresh");
        modelsAccepted = counter(MODELS_ACCEPTED, "Model records accepted into the registry");
        for (ModelRejection r : ModelRejection.values()) {
            modelsRejected.put(r, counter(MODELS_REJECTED, "Model records rejected, by reason", "reason", r.code()));
        }
        modelVersion = gauge(MODEL_VERSION, "Version of the newest servable model, -1 for none");
        waiting = gauge(WAITING_FOR_MODEL, "1 while no model can be served, else 0");
        stateBytes = sum(STORE_BYTES, "Bytes of keys and values put into a store, by store", "store", "state");
        ringBytes = sum(STORE_BYTES, "Bytes of keys and values put into a store, by store", "store", "ring");
        forecastError = metrics.addSensor(GROUP + '.' + FORECAST_ERROR, Sensor.RecordingLevel.INFO);
        forecastError.add(new MetricName(FORECAST_ERROR + "-avg", GROUP,
                "Mean absolute forecast error of an event, averaged over the metric window", Map.of()), new Avg());
        forecastError.add(new MetricName(FORECAST_ERROR + "-max", GROUP,
                "Largest mean absolute forecast error of an event in the metric window", Map.of()), new Max());
    }

    void deadLetter(BadInput reason) {
        deadLetters.get(reason).record();
    }

    void eventWithoutModel() {
        eventsWithoutModel.record();
    }

    void forecast() {
        forecasts.record();
    }

    /** @param open true for an OPEN transition, false for RESOLVED */
    void alert(boolean open) {
        (open ? alertsOpen : alertsResolved).record();
    }

    /** @param meanAbsError mean over features of |actual - expected| of one event */
    void forecastError(double meanAbsError) {
        forecastError.record(meanAbsError);
    }

    /** @param nanos how long the re-warm took */
    void rewarm(long nanos) {
        rewarms.record();
        rewarmTime.record(nanos);
    }

    /** @param bytes key and value bytes put into the per-key state store */
    void stateBytes(int bytes) {
        stateBytes.record(bytes);
    }

    /** @param bytes key and value bytes put into (or, a key's, deleted from) the ring store */
    void ringBytes(int bytes) {
        ringBytes.record(bytes);
    }

    void swap() {
        swaps.record();
    }

    void stateReset() {
        stateResets.record();
    }

    void modelAccepted() {
        modelsAccepted.record();
    }

    void modelRejected(ModelRejection why) {
        modelsRejected.get(why).record();
    }

    /** The model that processed the latest event, -1 for none. */
    void servedModel(long version) {
        modelVersion.record(version);
    }

    /** The registry's state: its newest version (-1 for none) and how many models it keeps. */
    void registry(long newest, int models) {
        newestVersion.record(newest);
        kept.record(models);
        waiting.record(models == 0 ? 1.0 : 0.0);
    }

    private Sensor counter(String name, String description, String... tags) {
        return sensor(name, description, tags, new CumulativeCount());
    }

    private Sensor sum(String name, String description, String... tags) {
        return sensor(name, description, tags, new CumulativeSum());
    }

    private Sensor gauge(String name, String description) {
        return sensor(name, description, new String[0], new Value());
    }

    // Sensors are shared by name: Metrics.sensor() returns the existing one and Sensor.add() is a no-op
    // for a metric it already has, so every processor instance may register the same names.
    private Sensor sensor(String name, String description, String[] tags, MeasurableStat stat) {
        StringBuilder sensorName = new StringBuilder(GROUP).append('.').append(name);
        Map<String, String> tagMap = new LinkedHashMap<>();
        for (int i = 0; i + 1 < tags.length; i += 2) {
            sensorName.append('.').append(tags[i]).append('=').append(tags[i + 1]);
            tagMap.put(tags[i], tags[i + 1]);
        }
        Sensor s = metrics.addSensor(sensorName.toString(), Sensor.RecordingLevel.INFO);
        s.add(new MetricName(name, GROUP, description, tagMap), stat);
        return s;
    }
}
