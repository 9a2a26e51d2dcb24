package io.grustreams.stream;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
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
 *   <tr><td>{@code gru.store.models}</td><td>{@code gru-models}</td><td>global model store</td></tr>
 *   <tr><td>{@code gru.features}</td><td>{@code value}</td><td>comma-separated feature names an event
 *       carries; a served model must read exactly these</td></tr>
 *   <tr><td>{@code gru.ring.size}</td><td>256</td><td>W, raw inputs kept per key to re-warm under a new
 *       model</td></tr>
 *   <tr><td>{@code gru.event.max.bytes}</td><td>65536</td><td>larger event values are dead letters</td></tr>
 *   <tr><td>{@code gru.model.name}</td><td>(any)</td><td>serve only models of this name</td></tr>
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
    public static final String FEATURES = "gru.features";
    public static final String RING_SIZE = "gru.ring.size";
    public static final String EVENT_MAX_BYTES = "gru.event.max.bytes";
    public static final String MODEL_NAME = "gru.model.name";

    /** Default Kafka Streams application id when none is given. */
    public static final String DEFAULT_APPLICATION_ID = "gru-streams";
    /**
     * Producer request limit set by {@link #kafkaProperties}: a dead letter is the bad input unchanged
     * plus headers, so it must fit an input of the broker's default 1 MiB message limit.
     */
    public static final int DEFAULT_MAX_REQUEST_BYTES = 2 * 1024 * 1024;

    private static final int MAX_RING = 1 << 16;

    private final Map<String, String> topics;
    private final String stateStore;
    private final String modelStore;
    private final List<String> features;
    private final int ringSize;
    private final int eventMaxBytes;
    private final Optional<String> modelName;

    private StreamSettings(Map<String, String> topics, String stateStore, String modelStore, List<String> features,
            int ringSize, int eventMaxBytes, Optional<String> modelName) {
        this.topics = Map.copyOf(topics);
        this.stateStore = stateStore;
        this.modelStore = modelStore;
        this.features = List.copyOf(features);
        this.ringSize = ringSize;
        this.eventMaxBytes = eventMaxBytes;
        this.modelName = modelName;
    }

    /** All defaults. */
    public static StreamSettings defaults() {
        return fromProperties(new Properties());
    }

    /**
     * Reads the {@code gru.*} keys; other keys are ignored.
     *
     * @throws IllegalArgumentException naming the key whose value is invalid, or an unknown {@code gru.*} key
     */
    public static StreamSettings fromProperties(Properties props) {
        Set<String> known = new HashSet<>(List.of(STATE_STORE, MODEL_STORE, FEATURES, RING_SIZE, EVENT_MAX_BYTES,
                MODEL_NAME));
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
            if (key.startsWith(PREFIX) && !known.contains(key)) {
                throw new IllegalArgumentException("unknown setting '" + key + "' (known: " + new TreeSet<>(known) + ")");
            }
        }
        String stateStore = TopicSpec.validTopicName(STATE_STORE, props.getProperty(STATE_STORE, "gru-state").trim());
        String modelStore = TopicSpec.validTopicName(MODEL_STORE, props.getProperty(MODEL_STORE, "gru-models").trim());
        if (stateStore.equals(modelStore)) {
            throw new IllegalArgumentException(STATE_STORE + " and " + MODEL_STORE + " must differ: " + stateStore);
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
        int ring = intSetting(props, RING_SIZE, 256, 1, MAX_RING);
        int maxBytes = intSetting(props, EVENT_MAX_BYTES, 65536, 64, DEFAULT_MAX_REQUEST_BYTES / 2);
        String name = props.getProperty(MODEL_NAME);
        Optional<String> modelName = name == null || name.isBlank() ? Optional.empty() : Optional.of(name.trim());
        return new StreamSettings(topics, stateStore, modelStore, features, ring, maxBytes, modelName);
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
     * dead-letter topic, and the processing exception handler enabled for the global thread.
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
        // The model processor handles its own bad records; this only opts in to Kafka 5.0's default
        // for unexpected errors in the global thread now, so behaviour does not change on upgrade.
        out.putIfAbsent(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "true");
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

    /** The feature names an event carries, in the order the ring buffer stores them. */
    public List<String> features() {
        return features;
    }

    /** W: raw inputs kept per key. */
    public int ringSize() {
        return ringSize;
    }

    /** Largest event value in bytes; larger ones are dead letters. */
    public int eventMaxBytes() {
        return eventMaxBytes;
    }

    /** When present, only models of this name are served. */
    public Optional<String> modelName() {
        return modelName;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StreamSettings s && s.topics.equals(topics) && s.stateStore.equals(stateStore)
                && s.modelStore.equals(modelStore) && s.features.equals(features) && s.ringSize == ringSize
                && s.eventMaxBytes == eventMaxBytes && s.modelName.equals(modelName);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topics, stateStore, modelStore, features, ringSize, eventMaxBytes, modelName);
    }

    @Override
    public String toString() {
        return "StreamSettings[topics " + topics + ", stores " + stateStore + "/" + modelStore + ", features "
                + features + ", W " + ringSize + ", eventMaxBytes " + eventMaxBytes + ", model "
                + modelName.orElse("(any)") + "]";
    }
}
