package io.grustreams.stream;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * One topic as declared in a file under {@code topics/}: its role in the product, its name,
 * partitions, replication factor and topic-level configs. The app ({@code topics apply}) and
 * {@code docker-compose.yml} create topics from these files. Immutable.
 *
 * <p>File format (Java properties, UTF-8), format version {@value #FORMAT_VERSION}:
 * <pre>
 * format.version=1
 * role=models                  # events | forecasts | alerts | models | dead-letters
 * name=models                  # default name; StreamSettings gru.topic.&lt;role&gt; overrides it
 * partitions=1                 # a positive integer, or "default" for the broker's
 * replication.factor=1         # a positive integer, or "default" for the broker's
 * config.cleanup.policy=compact   # every config.X=V becomes the topic config X=V
 * </pre>
 * Unknown keys are rejected (a typo must not silently drop a config).
 */
public final class TopicSpec {

    /** The version of the topic file format this class reads. */
    public static final int FORMAT_VERSION = 1;

    /** The roles a topic can play; {@link StreamSettings} has one name per role. */
    public static final Set<String> ROLES = Set.of(
            StreamSettings.ROLE_EVENTS, StreamSettings.ROLE_FORECASTS, StreamSettings.ROLE_ALERTS,
            StreamSettings.ROLE_MODELS, StreamSettings.ROLE_DEAD_LETTERS);

    private static final String CONFIG_PREFIX = "config.";
    private static final String DEFAULT = "default";
    private static final int MAX_TOPIC_NAME = 249;
    private static final Pattern LEGAL_TOPIC = Pattern.compile("[a-zA-Z0-9._-]+");

    private final String role;
    private final String name;
    private final OptionalInt partitions;
    private final Optional<Short> replicationFactor;
    private final Map<String, String> configs;

    /**
     * @param partitions empty for the broker default
     * @param replicationFactor empty for the broker default
     * @throws IllegalArgumentException naming the field that is invalid
     */
    public TopicSpec(String role, String name, OptionalInt partitions, Optional<Short> replicationFactor,
            Map<String, String> configs) {
        this.role = Objects.requireNonNull(role, "role");
        if (!ROLES.contains(role)) {
            throw new IllegalArgumentException("role '" + role + "' is not one of " + new TreeSet<>(ROLES));
        }
        this.name = validTopicName("name", name);
        this.partitions = Objects.requireNonNull(partitions, "partitions");
        if (partitions.isPresent() && partitions.getAsInt() <= 0) {
            throw new IllegalArgumentException("partitions must be positive: " + partitions.getAsInt());
        }
        this.replicationFactor = Objects.requireNonNull(replicationFactor, "replicationFactor");
        if (replicationFactor.isPresent() && replicationFactor.get() <= 0) {
            throw new IllegalArgumentException("replication.factor must be positive: " + replicationFactor.get());
        }
        this.configs = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(configs, "configs")));
    }

    /**
     * Reads one topic file.
     *
     * @param source names the file in error messages
     * @throws IllegalArgumentException naming the source and the field that is missing or invalid
     */
    public static TopicSpec parse(String source, Reader in) throws IOException {
        Properties p = new Properties();
        p.load(in);
        try {
            return fromProperties(p);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    /** Reads one topic file (UTF-8). */
    public static TopicSpec load(Path file) throws IOException {
        return parse(file.toString(), new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
    }

    /**
     * Reads every {@code *.properties} file of a directory, sorted by file name.
     *
     * @throws IllegalArgumentException if a file is invalid or two files declare the same role
     */
    public static List<TopicSpec> loadDirectory(Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(f -> f.getFileName().toString().endsWith(".properties")).sorted().toList();
        }
        List<TopicSpec> specs = new ArrayList<>();
        Map<String, Path> byRole = new TreeMap<>();
        for (Path f : files) {
            TopicSpec spec = load(f);
            Path previous = byRole.put(spec.role(), f);
            if (previous != null) {
                throw new IllegalArgumentException(f + ": role '" + spec.role() + "' is also declared by " + previous);
            }
            specs.add(spec);
        }
        return List.copyOf(specs);
    }

    private static TopicSpec fromProperties(Properties p) {
        String version = required(p, "format.version");
        if (!String.valueOf(FORMAT_VERSION).equals(version)) {
            throw new IllegalArgumentException("format.version " + version + " is not supported (this build reads "
                    + FORMAT_VERSION + ")");
        }
        Map<String, String> configs = new TreeMap<>();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith(CONFIG_PREFIX) && key.length() > CONFIG_PREFIX.length()) {
                configs.put(key.substring(CONFIG_PREFIX.length()), p.getProperty(key).trim());
            } else if (!Set.of("format.version", "role", "name", "partitions", "replication.factor").contains(key)) {
                throw new IllegalArgumentException("unknown key '" + key
                        + "' (known: format.version, role, name, partitions, replication.factor, config.*)");
            }
        }
        String partitions = required(p, "partitions");
        String replication = required(p, "replication.factor");
        return new TopicSpec(required(p, "role"), required(p, "name"),
                DEFAULT.equals(partitions) ? OptionalInt.empty() : OptionalInt.of(integer("partitions", partitions)),
                DEFAULT.equals(replication) ? Optional.empty()
                        : Optional.of(shortInteger("replication.factor", replication)),
                configs);
    }

    /**
     * Kafka's rule for topic names: 1 to 249 characters from {@code [a-zA-Z0-9._-]}, not "." or "..".
     *
     * @return {@code value}
     * @throws IllegalArgumentException naming {@code field}
     */
    static String validTopicName(String field, String value) {
        Objects.requireNonNull(value, field);
        if (value.length() > MAX_TOPIC_NAME || !LEGAL_TOPIC.matcher(value).matches()
                || value.equals(".") || value.equals("..")) {
            throw new IllegalArgumentException(field + " '" + value + "' is not a legal topic name (1 to "
                    + MAX_TOPIC_NAME + " characters of a-z A-Z 0-9 . _ -, not \".\" or \"..\")");
        }
        return value;
    }

    private static String required(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("missing " + key);
        }
        return v.trim();
    }

    private static int integer(String key, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " is not an integer or \"default\": " + value, e);
        }
    }

    private static short shortInteger(String key, String value) {
        int v = integer(key, value);
        if (v > Short.MAX_VALUE) {
            throw new IllegalArgumentException(key + " is too large: " + value);
        }
        return (short) v;
    }

    /** This spec under another name (a {@code gru.topic.<role>} override). */
    public TopicSpec withName(String newName) {
        return new TopicSpec(role, newName, partitions, replicationFactor, configs);
    }

    /** The admin-client request that creates this topic. */
    public NewTopic toNewTopic() {
        Optional<Integer> p = partitions.isPresent() ? Optional.of(partitions.getAsInt()) : Optional.empty();
        return new NewTopic(name, p, replicationFactor).configs(configs);
    }

    public String role() {
        return role;
    }

    public String name() {
        return name;
    }

    /** Empty means the broker's {@code num.partitions}. */
    public OptionalInt partitions() {
        return partitions;
    }

    /** Empty means the broker's {@code default.replication.factor}. */
    public Optional<Short> replicationFactor() {
        return replicationFactor;
    }

    /** Topic-level configs, sorted by key. */
    public Map<String, String> configs() {
        return configs;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TopicSpec t && t.role.equals(role) && t.name.equals(name)
                && t.partitions.equals(partitions) && t.replicationFactor.equals(replicationFactor)
                && t.configs.equals(configs);
    }

    @Override
    public int hashCode() {
        return Objects.hash(role, name, partitions, replicationFactor, configs);
    }

    @Override
    public String toString() {
        return "TopicSpec[" + role + ": " + name + ", partitions " + (partitions.isPresent() ? partitions.getAsInt()
                : DEFAULT) + ", replication " + replicationFactor.map(String::valueOf).orElse(DEFAULT)
                + ", configs " + configs + "]";
    }
}
