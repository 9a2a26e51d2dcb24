package io.grustreams.app;

import io.grustreams.app.http.HttpEndpoint;
import io.grustreams.stream.SettingsDefinition;
import io.grustreams.stream.StreamSettings;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The configuration of {@code gru-streams run}: one flat set of keys, Kafka Streams settings
 * plus the product's {@code gru.*} keys ({@link StreamSettings}), merged from three sources, later
 * ones winning:
 * <ol>
 *   <li>a properties file (optional);</li>
 *   <li>the environment: {@code GRUSTREAMS_<KEY>} sets {@code key}, where {@code <KEY>} is the key
 *       upper-cased with dots and dashes as underscores ({@code GRUSTREAMS_BOOTSTRAP_SERVERS} sets
 *       {@code bootstrap.servers}, {@code GRUSTREAMS_GRU_ANOMALY_LONG_WINDOW} sets
 *       {@code gru.anomaly.long-window});</li>
 *   <li>explicit overrides ({@code --set key=value}).</li>
 * </ol>
 * The name rule loses the difference between ".", "-" and "_", so an environment name is mapped
 * back through the keys this build knows (every {@code gru.*} key, every Kafka Streams, producer,
 * consumer and admin key with and without its Kafka Streams prefix, and every key of the file).
 * A name no known key matches becomes the lower-cased name with "_" as "." (the spelling of almost
 * every Kafka key); a name two known keys match is an error naming both. Immutable.
 *
 * <p>Every command that reads settings or talks to Kafka loads them here ({@link ConfigOptions}), so
 * that {@code run}, {@code train}, {@code model}, {@code topics} and {@code produce} read the same
 * configuration. The {@code gru.*} keys are declared once, in {@link #definition()}; an invalid value
 * or unknown key is a {@link ConfigurationError} naming the key, the value and its source.
 */
public final class AppConfig {

    /** Environment variables with this prefix set configuration keys. */
    public static final String ENV_PREFIX = "GRUSTREAMS_";

    /** The Kafka Streams prefixes under which client settings may be given. */
    private static final String[] CLIENT_PREFIXES = {"", StreamsConfig.PRODUCER_PREFIX, StreamsConfig.CONSUMER_PREFIX,
        StreamsConfig.MAIN_CONSUMER_PREFIX, StreamsConfig.RESTORE_CONSUMER_PREFIX, StreamsConfig.GLOBAL_CONSUMER_PREFIX,
        StreamsConfig.ADMIN_CLIENT_PREFIX};

    /** The source of a key no source sets. */
    public static final String DEFAULT = "default";
    /** The source of a key set with {@code --set}. */
    public static final String SET = "--set";
    /** What {@link #describe} shows instead of a secret's value. */
    public static final String MASK = "********";

    /** Name parts that mark a key's value as a secret, which {@link #describe} does not show. */
    private static final List<String> SECRET_WORDS = List.of("password", "secret", "token", "credentials", "jaas");

    private final Map<String, String> values;
    private final Map<String, String> origins;

    private AppConfig(Map<String, String> values, Map<String, String> origins) {
        this.values = Collections.unmodifiableMap(new TreeMap<>(values));
        this.origins = Collections.unmodifiableMap(new TreeMap<>(origins));
    }

    /**
     * Merges the three sources.
     *
     * @param file a properties file (UTF-8), or null for none
     * @param env the environment, such as {@link System#getenv()}; only {@value #ENV_PREFIX}* names are read
     * @param overrides key to value, winning over both
     * @throws IOException if the file cannot be read
     * @throws ConfigurationError for a missing file, an environment name two keys match, or an empty key
     */
    public static AppConfig load(Path file, Map<String, String> env, Map<String, String> overrides) throws IOException {
        Map<String, String> values = new HashMap<>();
        Map<String, String> origins = new HashMap<>();
        if (file != null) {
            if (!Files.exists(file)) {
                throw new ConfigurationError("configuration file " + file + " does not exist");
            }
            if (!Files.isRegularFile(file)) {
                throw new ConfigurationError("configuration file " + file + " is not a file");
            }
            Properties p = new Properties();
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(in);
            }
            for (String key : p.stringPropertyNames()) {
                values.put(key, p.getProperty(key).trim());
                origins.put(key, "file " + file);
            }
        }
        Map<String, String> byEnvName = envNames(values.keySet());
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            String name = e.getKey();
            if (!name.startsWith(ENV_PREFIX) || name.length() == ENV_PREFIX.length()) {
                continue;
            }
            String key = byEnvName.get(name);
            if (key == null) {
                key = name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
            } else if (key.isEmpty()) {
                throw new ConfigurationError("environment variable " + name + " is ambiguous: it matches "
                        + ambiguous(name, values.keySet()));
            }
            values.put(key, e.getValue().trim());
            origins.put(key, "environment " + name);
        }
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            if (e.getKey().isBlank()) {
                throw new ConfigurationError("--set needs KEY=VALUE with a non-empty key");
            }
            values.put(e.getKey().trim(), e.getValue().trim());
            origins.put(e.getKey().trim(), SET);
        }
        return new AppConfig(values, origins);
    }

    /** The environment variable that sets {@code key}. */
    public static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** Every key this build knows and those of the file, by environment name; "" marks a name two keys share. */
    private static Map<String, String> envNames(Set<String> fileKeys) {
        Map<String, String> out = new HashMap<>();
        for (String key : knownKeys(fileKeys)) {
            out.merge(envName(key), key, (a, b) -> a.equals(b) ? a : "");
        }
        return out;
    }

    private static Set<String> knownKeys(Set<String> fileKeys) {
        Set<String> keys = new TreeSet<>(definition().names());
        keys.addAll(StreamsConfig.configDef().names());
        for (String prefix : CLIENT_PREFIXES) {
            for (Set<String> names : List.of(ProducerConfig.configNames(), ConsumerConfig.configNames(),
                    AdminClientConfig.configNames())) {
                for (String n : names) {
                    keys.add(prefix + n);
                }
            }
        }
        keys.addAll(fileKeys);
        return keys;
    }

    private static Set<String> ambiguous(String envName, Set<String> fileKeys) {
        Set<String> out = new TreeSet<>();
        for (String key : knownKeys(fileKeys)) {
            if (envName(key).equals(envName)) {
                out.add(key);
            }
        }
        return out;
    }

    /** Every key and its value, sorted by key. */
    public Map<String, String> values() {
        return values;
    }

    /** Where each key's value came from: {@code file PATH}, {@code environment NAME} or {@code --set}. */
    public Map<String, String> origins() {
        return origins;
    }

    /** The merged keys as a new Properties. */
    public Properties properties() {
        Properties p = new Properties();
        values.forEach(p::setProperty);
        return p;
    }

    /**
     * The declaration of every {@code gru.*} key: the stream's ({@link StreamSettings#configDef()})
     * and the app's ({@link HttpEndpoint#define}). A new copy.
     */
    public static ConfigDef definition() {
        return HttpEndpoint.define(StreamSettings.configDef());
    }

    /**
     * The product settings, after checking every {@code gru.*} key against {@link #definition()}.
     *
     * @throws ConfigurationError naming the key that is unknown or invalid, its value and where it came from
     */
    public StreamSettings settings() {
        ConfigDef def = definition();
        for (String key : values.keySet()) {
            if (StreamSettings.isUnknown(key, def.names()) || (key.startsWith(StreamSettings.APP_PREFIX)
                    && !def.names().contains(key))) {
                throw new ConfigurationError("unknown setting '" + key + "' (from " + origins.get(key) + "; known: "
                        + new TreeSet<>(def.names()) + ")");
            }
        }
        try {
            SettingsDefinition.parse(def, properties());
            return StreamSettings.fromProperties(properties());
        } catch (IllegalArgumentException e) {
            throw new ConfigurationError(withOrigin(e.getMessage()), e);
        }
    }

    /** The Kafka Streams configuration with the product's defaults ({@link StreamSettings#kafkaProperties}). */
    public Properties kafkaProperties() {
        return StreamSettings.kafkaProperties(properties());
    }

    /** One key of the effective configuration: its value (masked if a secret) and where it came from. */
    public record Entry(String key, String value, String source) {
    }

    /**
     * The effective configuration, sorted by key: every declared {@code gru.*} key (its value or its
     * default), every other key a source set, and the Kafka Streams defaults the product adds
     * ({@link StreamSettings#kafkaProperties}) with source {@value #DEFAULT}. Secrets ({@link #isSecret})
     * show as {@value #MASK}.
     */
    public List<Entry> describe() {
        Map<String, Entry> out = new TreeMap<>();
        ConfigDef def = definition();
        for (ConfigDef.ConfigKey k : def.configKeys().values()) {
            String dflt = k.defaultValue == ConfigDef.NO_DEFAULT_VALUE ? "" : SettingsDefinition.format(k.defaultValue);
            out.put(k.name, entry(k.name, dflt, DEFAULT));
        }
        kafkaProperties().forEach((k, v) -> out.put((String) k, entry((String) k, (String) v, DEFAULT)));
        values.forEach((k, v) -> out.put(k, entry(k, v, origins.get(k))));
        return List.copyOf(out.values());
    }

    private static Entry entry(String key, String value, String source) {
        return new Entry(key, isSecret(key) && !value.isEmpty() ? MASK : value, source);
    }

    /**
     * Whether a key's value is a secret: its name has a part containing password, secret, token,
     * credentials or jaas ({@code ssl.key.password}, {@code sasl.jaas.config}), or ends in a part
     * {@code key} ({@code ssl.keystore.key}, {@code api.key}; not {@code default.key.serde}).
     */
    public static boolean isSecret(String key) {
        String[] parts = key.toLowerCase(Locale.ROOT).split("[._-]");
        for (String part : parts) {
            for (String word : SECRET_WORDS) {
                if (part.contains(word)) {
                    return true;
                }
            }
        }
        return parts.length > 0 && parts[parts.length - 1].equals("key");
    }

    /** Appends the source of the first key the message names, so a user knows which file or variable to fix. */
    private String withOrigin(String message) {
        for (Map.Entry<String, String> e : origins.entrySet()) {
            String key = e.getKey();
            if (message.startsWith(key + " ") || message.startsWith(key + ":") || message.contains("'" + key + "'")
                    || message.contains(" " + key + " ")) {
                return message + " (from " + e.getValue() + ")";
            }
        }
        return message;
    }
}
