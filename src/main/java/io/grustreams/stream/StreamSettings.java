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
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The product's own settings for the topology: topic names, store names, the features an event
 * carries, the ring-buffer length and input limits. Parsed from {@code gru.*} keys of a
 * {@link Properties}; every other key belongs to Kafka Streams ({@link #kafkaProperties}).
 * Immutable.
 *
 * <p>Every {@code gru.*} key is declared once, in {@link #configDef()} (name, type, default,
 * validator, importance, documentation); {@code gru-streams config --markdown} prints that
 * declaration as the README's table. Besides them, {@code gru.feature.<name>.min} and
 * {@code .max} declare a feature's range (both or neither, finite, min below max, of a feature
 * of {@code gru.features}), and keys under {@value #APP_PREFIX} belong to the app, which declares
 * and checks them itself.
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
     * Keys under this prefix ({@code gru.http.*}) are the app's: declared and validated by it, not by
     * this class, which only lets them pass, so that one file configures {@code run}, {@code train}
     * and {@code topics apply}.
     */
    public static final String APP_PREFIX = "gru.http.";
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

    /** The gru.anomaly.* knobs: their type and default (AnomalyConfig's), and the builder method each sets. */
    private static final List<AnomalyKnob> ANOMALY_KNOBS = anomalyKnobs();

    /** The declaration of every key this class reads. */
    private static final ConfigDef DEFINITION = define();

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
            Optional<String> modelName,
            int modelKeep, AnomalyConfig anomaly, InputSpec inputs, Map<String, FeatureRange> ranges) {
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

    /** One gru.anomaly.* knob: its name in kebab case, its type, its default and the builder method it sets. */
    private record AnomalyKnob(String name, ConfigDef.Type type, Object dflt, ConfigDef.Validator valid, String doc,
            BiConsumer<AnomalyConfig.Builder, Object> set) {

        /** The AnomalyConfig field this knob sets, as its messages name it: {@code short-window} is {@code shortWindow}. */
        String field() {
            StringBuilder b = new StringBuilder();
            boolean upper = false;
            for (char c : name.toCharArray()) {
                if (c == '-') {
                    upper = true;
                } else {
                    b.append(upper ? Character.toUpperCase(c) : c);
                    upper = false;
                }
            }
            return b.toString();
        }
    }

    private static List<AnomalyKnob> anomalyKnobs() {
        AnomalyConfig d = AnomalyConfig.defaults();
        ConfigDef.Type dbl = ConfigDef.Type.DOUBLE;
        ConfigDef.Type i = ConfigDef.Type.INT;
        ConfigDef.Validator positive = SettingsDefinition.finiteIn(0, false, Double.POSITIVE_INFINITY, false);
        ConfigDef.Validator atLeastOne = SettingsDefinition.finiteIn(1, true, Double.POSITIVE_INFINITY, false);
        return List.of(
                new AnomalyKnob("residual-half-life", dbl, d.residualHalfLife(), atLeastOne,
                        "events after which a residual's weight in the running mean and variance has halved",
                        (b, v) -> b.residualHalfLife((Double) v)),
                new AnomalyKnob("residual-warmup", i, d.residualWarmup(), SettingsDefinition.intAtLeast(2),
                        "residuals folded into the statistics before any is scored",
                        (b, v) -> b.residualWarmup((Integer) v)),
                new AnomalyKnob("min-residual-std", dbl, d.minResidualStd(), positive,
                        "floor on each feature's residual std, in the feature's units",
                        (b, v) -> b.minResidualStd((Double) v)),
                new AnomalyKnob("short-window", i, d.shortWindow(), SettingsDefinition.intIn(1, AnomalyConfig.MAX_WINDOW),
                        "raw scores in the short moving average (at most the learning period)",
                        (b, v) -> b.shortWindow((Integer) v)),
                new AnomalyKnob("long-window", i, d.longWindow(), SettingsDefinition.intIn(2, AnomalyConfig.MAX_WINDOW),
                        "span of the reference distribution of short averages, in averages",
                        (b, v) -> b.longWindow((Integer) v)),
                new AnomalyKnob("learning-period", i, d.learningPeriod(), SettingsDefinition.intIn(2, AnomalyConfig.MAX_WINDOW),
                        "short averages in the reference before the likelihood is computed (0.5 until then)",
                        (b, v) -> b.learningPeriod((Integer) v)),
                new AnomalyKnob("min-likelihood-variance", dbl, d.minLikelihoodVariance(), positive,
                        "floor on the variance of the reference",
                        (b, v) -> b.minLikelihoodVariance((Double) v)),
                new AnomalyKnob("open-threshold", dbl, d.openThreshold(), SettingsDefinition.finiteIn(0, false, 1, false),
                        "likelihood at or above which an event counts toward opening an alert",
                        (b, v) -> b.openThreshold((Double) v)),
                new AnomalyKnob("open-after", i, d.openAfter(), SettingsDefinition.intAtLeast(1),
                        "consecutive events at or above the open threshold that open an alert",
                        (b, v) -> b.openAfter((Integer) v)),
                new AnomalyKnob("resolve-threshold", dbl, d.resolveThreshold(), SettingsDefinition.finiteIn(0, false, 1, false),
                        "likelihood below which an event counts toward resolving an open alert; at most the open threshold",
                        (b, v) -> b.resolveThreshold((Double) v)),
                new AnomalyKnob("resolve-after", i, d.resolveAfter(), SettingsDefinition.intAtLeast(1),
                        "consecutive events below the resolve threshold that resolve an open alert",
                        (b, v) -> b.resolveAfter((Integer) v)),
                new AnomalyKnob("cooldown", i, d.cooldown(), SettingsDefinition.intAtLeast(0),
                        "scored events after a RESOLVED during which no new alert opens",
                        (b, v) -> b.cooldown((Integer) v)),
                new AnomalyKnob("range-resolution", dbl, d.rangeResolution(), SettingsDefinition.finiteIn(0, true, 1, false),
                        "for a feature with a declared range, the smallest residual std the anomaly score divides by, as a fraction of the range's width; 0 turns it off",
                        (b, v) -> b.rangeResolution((Double) v)));
    }

    private static AnomalyConfig anomalyConfig(Map<String, Object> values) {
        AnomalyConfig.Builder b = AnomalyConfig.builder();
        for (AnomalyKnob k : ANOMALY_KNOBS) {
            k.set().accept(b, values.get(ANOMALY_PREFIX + k.name()));
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            // Each value passed its own validator: this is a bound between two keys (short-window at most
            // learning-period, ...). Name the keys as the user wrote them, not AnomalyConfig's fields.
            String m = e.getMessage();
            for (AnomalyKnob k : ANOMALY_KNOBS) {
                m = m.replaceAll("\\b" + k.field() + "\\b", ANOMALY_PREFIX + k.name());
            }
            throw new IllegalArgumentException(m, e);
        }
    }

    /**
     * The declaration of every {@code gru.*} key this class reads: name, type, default, validator,
     * importance and documentation, in the order of the README's table. A new copy, to which the
     * app adds its own keys.
     */
    public static ConfigDef configDef() {
        return new ConfigDef(DEFINITION);
    }

    private static ConfigDef define() {
        ConfigDef def = new ConfigDef();
        ConfigDef.Validator topicName = SettingsDefinition.checkedBy("a legal topic name",
                (k, v) -> TopicSpec.validTopicName(k, (String) v));
        Map<String, String> topicDocs = new LinkedHashMap<>();
        topicDocs.put(ROLE_EVENTS, "input events");
        topicDocs.put(ROLE_FORECASTS, "one forecast record per good event");
        topicDocs.put(ROLE_ALERTS, "OPEN / RESOLVED alerts");
        topicDocs.put(ROLE_MODELS, "published models (compacted)");
        topicDocs.put(ROLE_DEAD_LETTERS, "bad input, unchanged, with the reason in headers");
        topicDocs.forEach((role, doc) -> def.define(TOPIC_PREFIX + role, ConfigDef.Type.STRING, role, topicName,
                ConfigDef.Importance.HIGH, "topic of " + doc));
        def.define(FEATURES, ConfigDef.Type.LIST, "value", SettingsDefinition.checkedBy("distinct, non-empty names",
                        (k, v) -> featureNames(v)), ConfigDef.Importance.HIGH,
                "comma-separated names of the features an event carries; a served model must read exactly these");
        def.define(MODEL_NAME, ConfigDef.Type.STRING, null, ConfigDef.Importance.MEDIUM,
                "serve only models of this name (default: any)");
        def.define(MODEL_KEEP, ConfigDef.Type.INT, 4, SettingsDefinition.intIn(1, 1000), ConfigDef.Importance.LOW,
                "model versions the registry keeps, newest first, for events older than the newest one's effectiveFrom");
        def.define(RING_SIZE, ConfigDef.Type.INT, DEFAULT_RING_SIZE, SettingsDefinition.intIn(1, MAX_RING),
                ConfigDef.Importance.MEDIUM, "W: the last events kept per key, replayed to re-warm it under a new model");
        def.define(EVENT_MAX_BYTES, ConfigDef.Type.INT, 65536, SettingsDefinition.intIn(64, DEFAULT_MAX_REQUEST_BYTES / 2),
                ConfigDef.Importance.LOW, "larger event values, in bytes, are dead letters");
        def.define(MODEL_MAX_BYTES, ConfigDef.Type.INT, DEFAULT_MODEL_MAX_BYTES, SettingsDefinition.intIn(1024, 1 << 30),
                ConfigDef.Importance.LOW, "larger model records, in bytes, are rejected unread; raise it with the models"
                        + " topic's max.message.bytes");
        def.define(INPUTS_SCALING, ConfigDef.Type.STRING, "per-key", SettingsDefinition.checkedBy("per-key or global",
                        (k, v) -> InputSpec.Scaling.fromId((String) v)), ConfigDef.Importance.MEDIUM,
                "per-key: each key's values are scaled by its own typical change; global: by the model's normalization");
        def.define(INPUTS_SCALE_HALF_LIFE, ConfigDef.Type.DOUBLE, DEFAULT_SCALE_HALF_LIFE,
                SettingsDefinition.doubleIn(1, 1e9), ConfigDef.Importance.LOW, "half-life of a key's scale, in events");
        def.define(INPUTS_TIME, ConfigDef.Type.LIST, DEFAULT_TIME_INPUTS, SettingsDefinition.checkedBy(
                        "time-of-day, day-of-week, gap; none for none", (k, v) -> timeInputs(v)), ConfigDef.Importance.MEDIUM,
                "time inputs: time-of-day, day-of-week, gap (the time since the key's previous event); empty or none for none");
        def.define(INPUTS_TIME_ZONE, ConfigDef.Type.STRING, "UTC", SettingsDefinition.checkedBy("a time zone id",
                        (k, v) -> zone((String) v)), ConfigDef.Importance.LOW,
                "the wall clock of the time inputs (daylight saving follows it)");
        def.define(FORECAST_HORIZON, ConfigDef.Type.INT, 1, SettingsDefinition.intIn(1, InputSpec.MAX_HORIZON),
                ConfigDef.Importance.MEDIUM, "N: each forecast record carries the next N events' forecasts");
        for (AnomalyKnob k : ANOMALY_KNOBS) {
            def.define(ANOMALY_PREFIX + k.name(), k.type(), k.dflt(), k.valid(), ConfigDef.Importance.LOW,
                    "anomaly detector: " + k.doc());
        }
        def.define(STATE_STORE, ConfigDef.Type.STRING, "gru-state", topicName, ConfigDef.Importance.LOW,
                "the per-key state store (changelogged)");
        def.define(RING_STORE, ConfigDef.Type.STRING, "gru-ring", topicName, ConfigDef.Importance.LOW,
                "the per-key ring block store (the events a re-warm replays)");
        def.define(MODEL_STORE, ConfigDef.Type.STRING, "gru-models", topicName, ConfigDef.Importance.LOW,
                "the global model store");
        def.define(DECODED_KEYS, ConfigDef.Type.INT, 1024, SettingsDefinition.intIn(0, 1 << 20), ConfigDef.Importance.LOW,
                "decoded per-key states a stream task keeps in memory, so a key seen again is not decoded; 0 for none");
        def.define(DECODED_MAX_BYTES, ConfigDef.Type.INT, DEFAULT_DECODED_MAX_BYTES,
                SettingsDefinition.intIn(0, Integer.MAX_VALUE), ConfigDef.Importance.LOW,
                "budget of those kept states per task, in bytes (each counted as twice its encoded state); 0 for none");
        return def;
    }

    /** The names of gru.features: none empty, none twice. */
    private static List<String> featureNames(Object value) {
        List<String> features = new ArrayList<>();
        for (Object f : (List<?>) value) {
            String name = ((String) f).trim();
            if (name.isEmpty()) {
                throw new IllegalArgumentException(FEATURES + " has an empty feature name: '"
                        + String.join(",", ((List<?>) value).stream().map(String::valueOf).toList()) + "'");
            }
            if (features.contains(name)) {
                throw new IllegalArgumentException(FEATURES + " names '" + name + "' twice");
            }
            features.add(name);
        }
        if (features.isEmpty()) {
            throw new IllegalArgumentException(FEATURES + " has an empty feature name: ''");
        }
        return features;
    }

    /** The time inputs of gru.inputs.time: known ids, none twice; "none" and empty entries are skipped. */
    private static List<TimeInput> timeInputs(Object value) {
        List<TimeInput> time = new ArrayList<>();
        for (Object t : (List<?>) value) {
            String id = ((String) t).trim();
            if (id.isEmpty() || id.equals("none")) {
                continue;
            }
            TimeInput ti;
            try {
                ti = TimeInput.fromId(id);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(INPUTS_TIME + ": " + e.getMessage(), e);
            }
            if (time.contains(ti)) {
                throw new IllegalArgumentException(INPUTS_TIME + " names '" + id + "' twice");
            }
            time.add(ti);
        }
        return time;
    }

    private static ZoneId zone(String value) {
        try {
            return ZoneId.of(value.trim());
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(INPUTS_TIME_ZONE + " is not a time zone: '" + value + "'", e);
        }
    }

    /** All defaults. */
    public static StreamSettings defaults() {
        return fromProperties(new Properties());
    }

    /**
     * Every {@code gru.*} key of {@link #configDef()}, sorted; for tools that map other spellings
     * (such as environment variable names) back to keys.
     */
    public static Set<String> keys() {
        return Collections.unmodifiableSet(new TreeSet<>(DEFINITION.names()));
    }

    /**
     * Reads the {@code gru.*} keys; other keys, and those under {@value #APP_PREFIX}, are ignored.
     *
     * @throws IllegalArgumentException naming the key whose value is invalid, or an unknown {@code gru.*} key
     */
    public static StreamSettings fromProperties(Properties props) {
        Set<String> known = DEFINITION.names();
        for (String key : props.stringPropertyNames()) {
            if (isUnknown(key, known)) {
                throw new IllegalArgumentException("unknown setting '" + key + "' (known: " + new TreeSet<>(known) + ")");
            }
        }
        Map<String, Object> v = SettingsDefinition.parse(DEFINITION, props);
        Map<String, String> topics = new LinkedHashMap<>();
        for (String role : List.of(ROLE_EVENTS, ROLE_FORECASTS, ROLE_ALERTS, ROLE_MODELS, ROLE_DEAD_LETTERS)) {
            topics.put(role, ((String) v.get(TOPIC_PREFIX + role)).trim());
        }
        Set<String> distinct = new HashSet<>(topics.values());
        if (distinct.size() != topics.size()) {
            throw new IllegalArgumentException("gru.topic.* names must differ: " + topics);
        }
        String stateStore = ((String) v.get(STATE_STORE)).trim();
        String modelStore = ((String) v.get(MODEL_STORE)).trim();
        String ringStore = ((String) v.get(RING_STORE)).trim();
        if (new HashSet<>(List.of(stateStore, modelStore, ringStore)).size() < 3) {
            throw new IllegalArgumentException(STATE_STORE + ", " + MODEL_STORE + " and " + RING_STORE + " must differ: "
                    + stateStore + ", " + modelStore + ", " + ringStore);
        }
        List<String> features = featureNames(v.get(FEATURES));
        String name = (String) v.get(MODEL_NAME);
        Optional<String> modelName = name == null || name.isBlank() ? Optional.empty() : Optional.of(name.trim());
        InputSpec inputs = new InputSpec(InputSpec.Scaling.fromId(((String) v.get(INPUTS_SCALING)).trim()),
                (Double) v.get(INPUTS_SCALE_HALF_LIFE), timeInputs(v.get(INPUTS_TIME)),
                zone((String) v.get(INPUTS_TIME_ZONE)), (Integer) v.get(FORECAST_HORIZON), InputSpec.Readout.DIRECT);
        return new StreamSettings(topics, stateStore, modelStore, ringStore, features, (Integer) v.get(RING_SIZE),
                (Integer) v.get(DECODED_KEYS), (Integer) v.get(DECODED_MAX_BYTES), (Integer) v.get(EVENT_MAX_BYTES), (Integer) v.get(MODEL_MAX_BYTES),
                modelName, (Integer) v.get(MODEL_KEEP), anomalyConfig(v), inputs, ranges(props, features));
    }

    /**
     * Whether {@code key} is a {@code gru.*} key that no declaration covers: not a key of {@code known},
     * not a feature range, not the app's.
     */
    public static boolean isUnknown(String key, Set<String> known) {
        return key.startsWith(PREFIX) && !known.contains(key) && !isRangeKey(key) && !key.startsWith(APP_PREFIX);
    }

    /** Whether {@code key} is a {@code gru.feature.<name>.min} or {@code .max} key. */
    public static boolean isRangeKey(String key) {
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
