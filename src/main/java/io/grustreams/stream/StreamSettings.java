package io.grustreams.stream;

import io.grustreams.anomaly.AnomalyConfig;
import io.grustreams.anomaly.FeatureRange;
import io.grustreams.engine.EngineConfig;
import io.grustreams.model.InputSpec;
import io.grustreams.model.TimeInput;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The product's own settings for the topology: topic names, store names, the features an event
 * carries, the ring-buffer length and input limits. Parsed from {@code gru.*} keys of a
 * {@link Properties}; every other key belongs to Kafka Streams ({@link #kafkaProperties}).
 * Immutable.
 *
 * <p>Keys (all optional):
 * <table>
 *   <caption>gru.* keys</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code gru.topic.events}</td><td>{@code events}</td><td>input events</td></tr>
 *   <tr><td>{@code gru.topic.forecasts}</td><td>{@code forecasts}</td><td>one forecast per good event</td></tr>
 *   <tr><td>{@code gru.topic.alerts}</td><td>{@code alerts}</td><td>OPEN / RESOLVED alerts</td></tr>
 *   <tr><td>{@code gru.topic.models}</td><td>{@code models}</td><td>published models (compacted)</td></tr>
 *   <tr><td>{@code gru.topic.dead-letters}</td><td>{@code dead-letters}</td><td>bad input, unchanged</td></tr>
 *   <tr><td>{@code gru.store.state}</td><td>{@code gru-state}</td><td>per-key state store</td></tr>
 *   <tr><td>{@code gru.store.ring}</td><td>{@code gru-ring}</td><td>per-key ring blocks (the events a re-warm
 *       replays), by key and block</td></tr>
 *   <tr><td>{@code gru.store.models}</td><td>{@code gru-models}</td><td>global model store</td></tr>
 *   <tr><td>{@code gru.features}</td><td>{@code value}</td><td>comma-separated feature names an event
 *       carries; a served model must read exactly these</td></tr>
 *   <tr><td>{@code gru.ring.size}</td><td>32</td><td>W, the last events kept per key to re-warm it under a
 *       new model</td></tr>
 *   <tr><td>{@code gru.event.max.bytes}</td><td>65536</td><td>larger event values are dead letters</td></tr>
 *   <tr><td>{@code gru.model.max.bytes}</td><td>16777216</td><td>larger model records are rejected
 *       unread (the models topic's {@code max.message.bytes} as shipped)</td></tr>
 *   <tr><td>{@code gru.model.name}</td><td>(any)</td><td>serve only models of this name</td></tr>
 *   <tr><td>{@code gru.model.keep}</td><td>4</td><td>model versions the registry keeps, newest first, for
 *       events older than the newest one's {@code effectiveFrom}</td></tr>
 *   <tr><td>{@code gru.http.host}, {@code gru.http.port}, {@code gru.http.token-file}</td><td>127.0.0.1,
 *       8080, none</td><td>the app's HTTP API and the file of the bearer token it requires; not read here
 *       (see {@link #HTTP_HOST})</td></tr>
 *   <tr><td>{@code gru.inputs.scaling}</td><td>{@code per-key}</td><td>{@code per-key}: each key's values
 *       are scaled by its own typical change; {@code global}: by the model's normalization</td></tr>
 *   <tr><td>{@code gru.inputs.scale-half-life}</td><td>288</td><td>half-life of a key's scale, in events</td></tr>
 *   <tr><td>{@code gru.inputs.time}</td><td>{@code time-of-day,day-of-week}</td><td>time inputs (also
 *       {@code gap}); empty or {@code none} for none</td></tr>
 *   <tr><td>{@code gru.inputs.time-zone}</td><td>{@code UTC}</td><td>the wall clock of the time inputs</td></tr>
 *   <tr><td>{@code gru.forecast.horizon}</td><td>1</td><td>N: each forecast record carries the next N
 *       events' forecasts</td></tr>
 *   <tr><td>{@code gru.anomaly.*}</td><td>see {@link AnomalyConfig}</td><td>one key per knob, in kebab case:
 *       {@code residual-half-life, residual-warmup, min-residual-std, short-window, long-window,
 *       learning-period, min-likelihood-variance, open-threshold, open-after, resolve-threshold,
 *       resolve-after, cooldown, range-resolution}</td></tr>
 *   <tr><td>{@code gru.feature.<name>.min}, {@code gru.feature.<name>.max}</td><td>(none)</td><td>the
 *       declared range of feature {@code <name>}: both or neither, finite, min below max; the detector
 *       judges the feature against it from a key's first event</td></tr>
 * </table>
 * Unknown {@code gru.*} keys are rejected, so a typo cannot silently fall back to a default.
 */
public final class StreamSettings {

    /** Topic roles, as in {@code topics/*.properties} and the {@code gru.topic.<role>} keys. */
    public static final String ROLE_EVENTS = "events";
    public static final String ROLE_FORECASTS = "forecasts";
    public static final String ROLE_ALERTS = "alerts";
    public static final String ROLE_MODELS = "models";
    public static final String ROLE_DEAD_LETTERS = "dead-letters";

    public static final String PREFIX = "gru.";
    public static final String TOPIC_PREFIX = "gru.topic.";
    public static final String STATE_STORE = "gru.store.state";
    public static final String MODEL_STORE = "gru.store.models";
    public static final String RING_STORE = "gru.store.ring";
    /**
     * Default W: the events a re-warm replays. 32 forecasts as well as 256 on the forecast suite
     * ({@code bench forecast}, docs/forecasting.md), and a key's ring store holds about W events.
     */
    public static final int DEFAULT_RING_SIZE = 32;
    public static final String FEATURES = "gru.features";
    public static final String RING_SIZE = "gru.ring.size";
    /** Decoded per-key states a processor keeps in memory (per task), so that a key seen again is not decoded. */
    public static final String DECODED_KEYS = "gru.state.decoded-keys";
    /** Budget of those kept states per task, in bytes (about twice each kept key's encoded state). */
    public static final String DECODED_MAX_BYTES = "gru.state.decoded-max-bytes";
    /** Default of {@value #DECODED_MAX_BYTES}: 1024 keys of one feature (≈ 11 KiB each) fit; 8 features (≈ 40 KiB) about 800. */
    public static final int DEFAULT_DECODED_MAX_BYTES = 32 * 1024 * 1024;
    public static final String EVENT_MAX_BYTES = "gru.event.max.bytes";
    /**
     * Largest model record in bytes; larger ones are rejected before they are parsed, so a record that
     * the models topic was (re)configured to accept cannot make every instance build its JSON tree.
     */
    public static final String MODEL_MAX_BYTES = "gru.model.max.bytes";
    /** Default of {@value #MODEL_MAX_BYTES}: the models topic's {@code max.message.bytes} in {@code topics/models.properties}. */
    public static final int DEFAULT_MODEL_MAX_BYTES = 16 * 1024 * 1024;
    public static final String MODEL_NAME = "gru.model.name";
    public static final String MODEL_KEEP = "gru.model.keep";
    /**
     * The app's HTTP API address and port (read by {@code app.http.HttpEndpoint}, not by the
     * topology): accepted here so that one file configures {@code run}, {@code train} and
     * {@code topics apply}, and a typo in them is still an unknown key.
     */
    public static final String HTTP_HOST = "gru.http.host";
    public static final String HTTP_PORT = "gru.http.port";
    /** A file holding the bearer token the HTTP API's {@code /keys} and {@code /models} require; unset for none. */
    public static final String HTTP_TOKEN_FILE = "gru.http.token-file";
    public static final String ANOMALY_PREFIX = "gru.anomaly.";
    /** {@code gru.feature.<name>.min} and {@code .max}: a feature's declared range. */
    public static final String FEATURE_PREFIX = "gru.feature.";
    /** {@code per-key} (each key scaled by its own typical change) or {@code global} (the model's normalization). */
    public static final String INPUTS_SCALING = "gru.inputs.scaling";
    /** Half-life of each key's scale, in events. */
    public static final String INPUTS_SCALE_HALF_LIFE = "gru.inputs.scale-half-life";
    /** Time inputs, comma-separated: {@code time-of-day}, {@code day-of-week}, {@code gap}; empty for none. */
    public static final String INPUTS_TIME = "gru.inputs.time";
    /** The time zone whose wall clock the time of day and day of week follow. */
    public static final String INPUTS_TIME_ZONE = "gru.inputs.time-zone";
    /** N: every forecast record carries the forecasts of the next 1..N events. */
    public static final String FORECAST_HORIZON = "gru.forecast.horizon";
    /** Default of {@value #INPUTS_SCALE_HALF_LIFE}. */
    public static final double DEFAULT_SCALE_HALF_LIFE = 288;
    /** Default of {@value #INPUTS_TIME}. */
    public static final String DEFAULT_TIME_INPUTS = "time-of-day,day-of-week";

    /** The gru.anomaly.* keys and the AnomalyConfig knob each sets. */
    private static final Map<String, BiConsumer<AnomalyConfig.Builder, String>> ANOMALY_KEYS = anomalyKeys();

    /** Default Kafka Streams application id when none is given. */
    public static final String DEFAULT_APPLICATION_ID = "gru-streams";
    /**
     * Producer request limit set by {@link #kafkaProperties}: a dead letter is the bad input unchanged
     * plus headers, so it must fit an input of the broker's default 1 MiB message limit.
     */
    public static final int DEFAULT_MAX_REQUEST_BYTES = 2 * 1024 * 1024;
    /**
     * Commit interval set by {@link #kafkaProperties}, in ms, instead of Kafka Streams' 100 ms under
     * exactly-once. Every commit flushes the record cache, so each key touched since the last commit
     * writes its whole state (0.6–2 KiB) to RocksDB and the changelog,
     * and the stream thread then waits for the producer to flush it all. At 100 ms a key seen once per
     * interval is rewritten once per event; at 1 s its events within the second cost one write. The
     * price: outputs become visible to read_committed consumers up to about 1 s later.
     */
    public static final int DEFAULT_COMMIT_INTERVAL_MS = 1000;
    /**
     * Producer batch size set by {@link #kafkaProperties}, instead of the producer's 16 KiB. A produce
     * request carries at most one batch per partition, so with 16 KiB batches a commit that flushes a
     * few MiB of changelog (a state is several KiB) needs hundreds of round trips, during which the
     * stream thread waits in {@code KafkaProducer.flush}.
     */
    public static final int DEFAULT_BATCH_BYTES = 1024 * 1024;
    /**
     * Producer buffer set by {@link #kafkaProperties}: room for 64 partitions' batches of
     * {@link #DEFAULT_BATCH_BYTES} each, so the larger batches do not make {@code send} block.
     */
    public static final long DEFAULT_BUFFER_BYTES = 64L * 1024 * 1024;
    /**
     * Record cache set by {@link #kafkaProperties}, per instance, instead of Kafka Streams' 10 MiB.
     * An entry costs a key's state (about 0.6–0.8 KiB at D = 1, H = 32; 1.8 KiB at D = 8, H = 64)
     * plus about 100 bytes of cache bookkeeping. Keys that report periodically visit the cache
     * cyclically, the access pattern where an LRU cache that cannot hold all of them hits almost
     * never: every event then reads its state from RocksDB (measured: 15 µs per get against 3 µs
     * from the cache, with 100,000 keys in 64 MiB). 256 MiB holds about 350,000 keys at D = 1,
     * H = 32 and 130,000 at D = 8, H = 64; it is an upper bound, filled only as keys arrive.
     */
    public static final long DEFAULT_CACHE_BYTES = 256L * 1024 * 1024;

    private static final int MAX_RING = 1 << 16;
    private static final String GLOBAL_PROCESSING_HANDLER = "processing.exception.handler.global.enabled";

    private final Map<String, String> topics;
    private final String stateStore;
    private final String modelStore;
    private final String ringStore;
    private final List<String> features;
    private final int ringSize;
    private final int decodedKeys;
    private final int decodedMaxBytes;
    private final int eventMaxBytes;
    private final int modelMaxBytes;
    private final Optional<String> modelName;
    private final int modelKeep;
    private final AnomalyConfig anomaly;
    private final InputSpec inputs;
    private final Map<String, FeatureRange> ranges;

    private StreamSettings(Map<String, String> topics, String stateStore, String modelStore, String ringStore,
            List<String> features, int ringSize, int decodedKeys, int decodedMaxBytes, int eventMaxBytes, int modelMaxBytes,
            Optional<String> modelName, int modelKeep, AnomalyConfig anomaly, InputSpec inputs, Map<String, FeatureRange> ranges) {
        this.topics = Map.copyOf(topics);
        this.stateStore = stateStore;
        this.modelStore = modelStore;
        this.ringStore = ringStore;
        this.features = List.copyOf(features);
        this.ringSize = ringSize;
        this.decodedKeys = decodedKeys;
        this.decodedMaxBytes = decodedMaxBytes;
        this.eventMaxBytes = eventMaxBytes;
        this.modelMaxBytes = modelMaxBytes;
        this.modelName = modelName;
        this.modelKeep = modelKeep;
        this.anomaly = anomaly;
        this.inputs = inputs;
        this.ranges = Map.copyOf(ranges);
    }

    private static Map<String, BiConsumer<AnomalyConfig.Builder, String>> anomalyKeys() {
        Map<String, BiConsumer<AnomalyConfig.Builder, String>> m = new LinkedHashMap<>();
        m.put("residual-half-life", (b, v) -> b.residualHalfLife(Double.parseDouble(v)));
        m.put("residual-warmup", (b, v) -> b.residualWarmup(Integer.parseInt(v)));
        m.put("min-residual-std", (b, v) -> b.minResidualStd(Double.parseDouble(v)));
        m.put("short-window", (b, v) -> b.shortWindow(Integer.parseInt(v)));
        m.put("long-window", (b, v) -> b.longWindow(Integer.parseInt(v)));
        m.put("learning-period", (b, v) -> b.learningPeriod(Integer.parseInt(v)));
        m.put("min-likelihood-variance", (b, v) -> b.minLikelihoodVariance(Double.parseDouble(v)));
        m.put("open-threshold", (b, v) -> b.openThreshold(Double.parseDouble(v)));
        m.put("open-after", (b, v) -> b.openAfter(Integer.parseInt(v)));
        m.put("resolve-threshold", (b, v) -> b.resolveThreshold(Double.parseDouble(v)));
        m.put("resolve-after", (b, v) -> b.resolveAfter(Integer.parseInt(v)));
        m.put("cooldown", (b, v) -> b.cooldown(Integer.parseInt(v)));
        m.put("range-resolution", (b, v) -> b.rangeResolution(Double.parseDouble(v)));
        return Map.copyOf(m);
    }

    private static AnomalyConfig anomalyConfig(Properties props) {
        AnomalyConfig.Builder b = AnomalyConfig.builder();
        for (String key : new TreeSet<>(props.stringPropertyNames())) {
            if (key.startsWith(ANOMALY_PREFIX)) {
                String value = props.getProperty(key).trim();
                try {
                    ANOMALY_KEYS.get(key.substring(ANOMALY_PREFIX.length())).accept(b, value);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(key + " is not a number: '" + value + "'", e);
                }
            }
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(ANOMALY_PREFIX + "*: " + e.getMessage(), e);
        }
    }

    /** All defaults. */
    public static StreamSettings defaults() {
        return fromProperties(new Properties());
    }

    /**
     * Every {@code gru.*} key {@link #fromProperties} accepts, sorted; for tools that map other
     * spellings (such as environment variable names) back to keys.
     */
    public static Set<String> keys() {
        Set<String> known = new TreeSet<>(List.of(STATE_STORE, MODEL_STORE, RING_STORE, FEATURES, RING_SIZE, DECODED_KEYS, DECODED_MAX_BYTES,
                EVENT_MAX_BYTES, MODEL_MAX_BYTES, MODEL_NAME, MODEL_KEEP, HTTP_HOST, HTTP_PORT, HTTP_TOKEN_FILE, INPUTS_SCALING, INPUTS_SCALE_HALF_LIFE,
                INPUTS_TIME, INPUTS_TIME_ZONE, FORECAST_HORIZON));
        for (String knob : ANOMALY_KEYS.keySet()) {
            known.add(ANOMALY_PREFIX + knob);
        }
        for (String role : TopicSpec.ROLES) {
            known.add(TOPIC_PREFIX + role);
        }
        return Collections.unmodifiableSet(known);
    }

    /**
     * Reads the {@code gru.*} keys; other keys are ignored.
     *
     * @throws IllegalArgumentException naming the key whose value is invalid, or an unknown {@code gru.*} key
     */
    public static StreamSettings fromProperties(Properties props) {
        // One list of keys for both, so that what keys() reports is exactly what is accepted.
        Set<String> known = new HashSet<>(keys());
        Map<String, String> topics = new LinkedHashMap<>();
        for (String role : List.of(ROLE_EVENTS, ROLE_FORECASTS, ROLE_ALERTS, ROLE_MODELS, ROLE_DEAD_LETTERS)) {
            String key = TOPIC_PREFIX + role;
            known.add(key);
            topics.put(role, TopicSpec.validTopicName(key, props.getProperty(key, role).trim()));
        }
        Set<String> distinct = new HashSet<>(topics.values());
        if (distinct.size() != topics.size()) {
            throw new IllegalArgumentException("gru.topic.* names must differ: " + topics);
        }
        for (String key : props.stringPropertyNames()) {
            if (key.startsWith(PREFIX) && !known.contains(key) && !isRangeKey(key)) {
                throw new IllegalArgumentException("unknown setting '" + key + "' (known: " + new TreeSet<>(known) + ")");
            }
        }
        String stateStore = TopicSpec.validTopicName(STATE_STORE, props.getProperty(STATE_STORE, "gru-state").trim());
        String modelStore = TopicSpec.validTopicName(MODEL_STORE, props.getProperty(MODEL_STORE, "gru-models").trim());
        String ringStore = TopicSpec.validTopicName(RING_STORE, props.getProperty(RING_STORE, "gru-ring").trim());
        if (new HashSet<>(List.of(stateStore, modelStore, ringStore)).size() < 3) {
            throw new IllegalArgumentException(STATE_STORE + ", " + MODEL_STORE + " and " + RING_STORE + " must differ: "
                    + stateStore + ", " + modelStore + ", " + ringStore);
        }
        List<String> features = new ArrayList<>();
        for (String f : props.getProperty(FEATURES, "value").split(",", -1)) {
            String name = f.trim();
            if (name.isEmpty()) {
                throw new IllegalArgumentException(FEATURES + " has an empty feature name: '"
                        + props.getProperty(FEATURES) + "'");
            }
            if (features.contains(name)) {
                throw new IllegalArgumentException(FEATURES + " names '" + name + "' twice");
            }
            features.add(name);
        }
        int ring = intSetting(props, RING_SIZE, DEFAULT_RING_SIZE, 1, MAX_RING);
        int decoded = intSetting(props, DECODED_KEYS, 1024, 0, 1 << 20);
        int decodedBytes = intSetting(props, DECODED_MAX_BYTES, DEFAULT_DECODED_MAX_BYTES, 0, Integer.MAX_VALUE);
        int maxBytes = intSetting(props, EVENT_MAX_BYTES, 65536, 64, DEFAULT_MAX_REQUEST_BYTES / 2);
        int modelMaxBytes = intSetting(props, MODEL_MAX_BYTES, DEFAULT_MODEL_MAX_BYTES, 1024, 1 << 30);
        String name = props.getProperty(MODEL_NAME);
        Optional<String> modelName = name == null || name.isBlank() ? Optional.empty() : Optional.of(name.trim());
        int keep = intSetting(props, MODEL_KEEP, 4, 1, 1000);
        return new StreamSettings(topics, stateStore, modelStore, ringStore, features, ring, decoded, decodedBytes, maxBytes,
                modelMaxBytes, modelName, keep, anomalyConfig(props), inputs(props), ranges(props, features));
    }

    private static boolean isRangeKey(String key) {
        return key.startsWith(FEATURE_PREFIX) && (key.endsWith(".min") || key.endsWith(".max"))
                && key.length() > FEATURE_PREFIX.length() + ".min".length();
    }

    /** The {@code gru.feature.<name>.min/.max} pairs: both bounds, finite, min below max, of a known feature. */
    private static Map<String, FeatureRange> ranges(Properties props, List<String> features) {
        Map<String, FeatureRange> ranges = new TreeMap<>();
        for (String key : new TreeSet<>(props.stringPropertyNames())) {
            if (!isRangeKey(key)) {
                continue;
            }
            String name = key.substring(FEATURE_PREFIX.length(), key.length() - ".min".length());
            if (!features.contains(name)) {
                throw new IllegalArgumentException(key + " declares a range for '" + name + "', which is not in "
                        + FEATURES + " " + features);
            }
            if (ranges.containsKey(name)) {
                continue;
            }
            String minKey = FEATURE_PREFIX + name + ".min";
            String maxKey = FEATURE_PREFIX + name + ".max";
            double min = bound(props, minKey, maxKey);
            double max = bound(props, maxKey, minKey);
            if (!(min < max)) {
                throw new IllegalArgumentException(minKey + " (" + min + ") must be below " + maxKey + " (" + max + ")");
            }
            ranges.put(name, new FeatureRange(min, max));
        }
        return ranges;
    }

    private static double bound(Properties props, String key, String other) {
        String v = props.getProperty(key);
        if (v == null) {
            throw new IllegalArgumentException(other + " is set but " + key + " is not: a range needs both bounds");
        }
        double d;
        try {
            d = Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " is not a number: '" + v + "'", e);
        }
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException(key + " must be finite: '" + v + "'");
        }
        return d;
    }

    private static InputSpec inputs(Properties props) {
        InputSpec.Scaling scaling;
        String scalingValue = props.getProperty(INPUTS_SCALING, "per-key").trim();
        try {
            scaling = InputSpec.Scaling.fromId(scalingValue);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(INPUTS_SCALING + ": " + e.getMessage(), e);
        }
        String hl = props.getProperty(INPUTS_SCALE_HALF_LIFE);
        double halfLife = DEFAULT_SCALE_HALF_LIFE;
        if (hl != null) {
            try {
                halfLife = Double.parseDouble(hl.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(INPUTS_SCALE_HALF_LIFE + " is not a number: '" + hl + "'", e);
            }
            if (!(halfLife >= 1 && halfLife <= 1e9)) {
                throw new IllegalArgumentException(INPUTS_SCALE_HALF_LIFE + " must be in [1, 1e9] events: " + hl);
            }
        }
        List<TimeInput> time = new ArrayList<>();
        for (String t : props.getProperty(INPUTS_TIME, DEFAULT_TIME_INPUTS).split(",", -1)) {
            String id = t.trim();
            if (id.isEmpty() || id.equals("none")) {
                continue;
            }
            try {
                TimeInput ti = TimeInput.fromId(id);
                if (time.contains(ti)) {
                    throw new IllegalArgumentException(INPUTS_TIME + " names '" + id + "' twice");
                }
                time.add(ti);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(INPUTS_TIME + ": " + e.getMessage(), e);
            }
        }
        String zoneValue = props.getProperty(INPUTS_TIME_ZONE, "UTC").trim();
        ZoneId zone;
        try {
            zone = ZoneId.of(zoneValue);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(INPUTS_TIME_ZONE + " is not a time zone: '" + zoneValue + "'", e);
        }
        int horizon = intSetting(props, FORECAST_HORIZON, 1, 1, InputSpec.MAX_HORIZON);
        return new InputSpec(scaling, halfLife, time, zone, horizon, InputSpec.Readout.DIRECT);
    }

    private static int intSetting(Properties props, String key, int dflt, int min, int max) {
        String v = props.getProperty(key);
        if (v == null) {
            return dflt;
        }
        int n;
        try {
            n = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " is not an integer: '" + v + "'", e);
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(key + " must be in [" + min + ", " + max + "]: " + n);
        }
        return n;
    }

    /**
     * The Kafka Streams configuration: every non-{@code gru.*} key of {@code props}, plus defaults
     * for what the product needs and the caller did not set: {@code processing.guarantee=exactly_once_v2}
     * (state, forecasts and alerts commit together, so a crash never applies an event twice to a
     * hidden state), {@code application.id=gru-streams}, byte-array default serdes, and a producer
     * request limit of {@value #DEFAULT_MAX_REQUEST_BYTES} bytes so a 1 MiB bad input still reaches the
     * dead-letter topic, and the processing exception handler enabled for the global thread. For
     * throughput: {@code commit.interval.ms} {@value #DEFAULT_COMMIT_INTERVAL_MS},
     * {@code statestore.cache.max.bytes} {@value #DEFAULT_CACHE_BYTES}, producer
     * {@code batch.size} {@value #DEFAULT_BATCH_BYTES} and {@code buffer.memory}
     * {@value #DEFAULT_BUFFER_BYTES} (see those constants for why).
     *
     * @param props not modified
     * @return a new Properties
     */
    public static Properties kafkaProperties(Properties props) {
        Properties out = new Properties();
        for (String key : props.stringPropertyNames()) {
            if (!key.startsWith(PREFIX)) {
                out.setProperty(key, props.getProperty(key));
            }
        }
        out.putIfAbsent(StreamsConfig.APPLICATION_ID_CONFIG, DEFAULT_APPLICATION_ID);
        out.putIfAbsent(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        out.putIfAbsent(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
        out.putIfAbsent(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
        out.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
                String.valueOf(DEFAULT_MAX_REQUEST_BYTES));
        out.putIfAbsent(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, String.valueOf(DEFAULT_COMMIT_INTERVAL_MS));
        out.putIfAbsent(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, String.valueOf(DEFAULT_CACHE_BYTES));
        out.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG),
                String.valueOf(DEFAULT_BATCH_BYTES));
        out.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.BUFFER_MEMORY_CONFIG),
                String.valueOf(DEFAULT_BUFFER_BYTES));
        // The model processor handles its own bad records; this opts in now to Kafka 5.0's default for
        // unexpected errors in the global thread, so behaviour does not change on upgrade. Spelled out:
        // the constant is deprecated because the key goes away once this is the only behaviour.
        out.putIfAbsent(GLOBAL_PROCESSING_HANDLER, "true");
        // Kafka 4.3's partition assignor builds a second StreamsConfig from the main consumer's
        // settings alone, which lack the key, and logs "not enabled for the GlobalThread" at every
        // start although it is enabled: handing the consumer the same value silences that.
        out.putIfAbsent(StreamsConfig.MAIN_CONSUMER_PREFIX + GLOBAL_PROCESSING_HANDLER,
                out.getProperty(GLOBAL_PROCESSING_HANDLER));
        return out;
    }

    /**
     * The topic name for a role.
     *
     * @throws IllegalArgumentException for an unknown role
     */
    public String topic(String role) {
        String name = topics.get(role);
        if (name == null) {
            throw new IllegalArgumentException("unknown topic role '" + role + "' (known: "
                    + new TreeSet<>(topics.keySet()) + ")");
        }
        return name;
    }

    public String eventsTopic() {
        return topics.get(ROLE_EVENTS);
    }

    public String forecastsTopic() {
        return topics.get(ROLE_FORECASTS);
    }

    public String alertsTopic() {
        return topics.get(ROLE_ALERTS);
    }

    public String modelsTopic() {
        return topics.get(ROLE_MODELS);
    }

    public String deadLettersTopic() {
        return topics.get(ROLE_DEAD_LETTERS);
    }

    /** Name of the persistent, changelogged per-key state store. */
    public String stateStore() {
        return stateStore;
    }

    /** Name of the global model store. */
    public String modelStore() {
        return modelStore;
    }

    /** Name of the per-key ring block store. */
    public String ringStore() {
        return ringStore;
    }

    /** The feature names an event carries, in the order the ring buffer stores them. */
    public List<String> features() {
        return features;
    }

    /** W: raw inputs kept per key. */
    public int ringSize() {
        return ringSize;
    }

    /**
     * Decoded per-key states each stream task keeps ({@value #DECODED_KEYS}, default 1024, 0 for none).
     * A state is reused only while the store still holds the very array it was encoded to, so the
     * cache never serves a stale state; it saves decoding and validating every event's state.
     */
    public int decodedKeys() {
        return decodedKeys;
    }

    /**
     * Budget of the decoded states each stream task keeps ({@value #DECODED_MAX_BYTES}, default
     * {@value #DEFAULT_DECODED_MAX_BYTES}, 0 for none): least recently used keys are dropped while
     * the kept ones cost more, each counted as twice its encoded state.
     */
    public int decodedMaxBytes() {
        return decodedMaxBytes;
    }

    /** Largest event value in bytes; larger ones are dead letters. */
    public int eventMaxBytes() {
        return eventMaxBytes;
    }

    /** Largest model record in bytes ({@value #MODEL_MAX_BYTES}); larger ones are rejected unread. */
    public int modelMaxBytes() {
        return modelMaxBytes;
    }

    /** When present, only models of this name are served. */
    public Optional<String> modelName() {
        return modelName;
    }

    /** Model versions the registry keeps (the newest by version). */
    public int modelKeep() {
        return modelKeep;
    }

    /** The declared feature ranges ({@code gru.feature.<name>.min/.max}), by feature name; empty if none. */
    public Map<String, FeatureRange> ranges() {
        return ranges;
    }

    /** Anomaly detection knobs for every key. */
    public AnomalyConfig anomaly() {
        return anomaly;
    }

    /**
     * The inputs the stream computes for every key ({@code gru.inputs.*}) and, as the horizon, the
     * forecasts each record carries ({@value #FORECAST_HORIZON}); readout is not a stream setting.
     */
    public InputSpec inputs() {
        return inputs;
    }

    /** N: forecasts per record. */
    public int horizon() {
        return inputs.horizon();
    }

    /** What the per-key engine computes, from these settings. */
    public EngineConfig engine() {
        return new EngineConfig(features, ringSize, inputs, anomaly, ranges);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StreamSettings s && s.topics.equals(topics) && s.stateStore.equals(stateStore)
                && s.modelStore.equals(modelStore) && s.ringStore.equals(ringStore) && s.features.equals(features) && s.ringSize == ringSize
                && s.decodedKeys == decodedKeys && s.decodedMaxBytes == decodedMaxBytes
                && s.eventMaxBytes == eventMaxBytes && s.modelMaxBytes == modelMaxBytes && s.modelName.equals(modelName) && s.modelKeep == modelKeep
                && s.anomaly.equals(anomaly) && s.inputs.equals(inputs) && s.ranges.equals(ranges);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topics, stateStore, modelStore, ringStore, features, ringSize, decodedKeys, decodedMaxBytes,
                eventMaxBytes, modelMaxBytes, modelName, modelKeep, anomaly, inputs, ranges);
    }

    @Override
    public String toString() {
        return "StreamSettings[topics " + topics + ", stores " + stateStore + "/" + ringStore + "/" + modelStore + ", features "
                + features + ", W " + ringSize + ", decoded keys " + decodedKeys + " / " + decodedMaxBytes
                + " bytes, eventMaxBytes " + eventMaxBytes + ", modelMaxBytes " + modelMaxBytes + ", model "
                + modelName.orElse("(any)") + ", keep " + modelKeep + ", " + anomaly + ", " + inputs + ", ranges " + ranges + "]";
    }
}
