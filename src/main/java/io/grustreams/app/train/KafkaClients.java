package io.grustreams.app.train;

import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.IsolationLevel;

/**
 * Client configurations for the plain Kafka clients of the trainer and the {@code model} commands,
 * taken from the same configuration as {@code run}: of its non-{@code gru.*} keys, each client gets those it knows (so {@code
 * bootstrap.servers} and security settings reach every client, while Kafka Streams keys such as
 * {@code application.id} reach none), plus what the trainer needs.
 */
public final class KafkaClients {

    /** Longest wait for metadata, offsets and acknowledgements. */
    public static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Properties file;

    /**
     * @param file the configuration file's properties; not modified
     * @throws IllegalArgumentException if {@code bootstrap.servers} is not set
     */
    public KafkaClients(Properties file) {
        String bootstrap = file.getProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new IllegalArgumentException("bootstrap.servers is not set (in --config, as GRUSTREAMS_BOOTSTRAP_SERVERS or with --set)");
        }
        this.file = file;
    }

    private Map<String, Object> known(Set<String> names) {
        Map<String, Object> c = new HashMap<>();
        for (String key : file.stringPropertyNames()) {
            if (!key.startsWith("gru.") && names.contains(key)) {
                c.put(key, file.getProperty(key));
            }
        }
        return c;
    }

    /** A group-less reader: assigned partitions, no commits, read_committed (no aborted records), no topic creation. */
    Map<String, Object> consumer(String clientId) {
        Map<String, Object> c = known(ConsumerConfig.configNames());
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString().toLowerCase(Locale.ROOT));
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // Reading a misspelt topic must fail, not create it on a broker that auto-creates topics.
        c.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        return c;
    }

    /** An idempotent producer, acks=all, whose request limit fits a record of {@code recordBytes}. */
    Map<String, Object> producer(String clientId, int recordBytes) {
        Map<String, Object> c = known(ProducerConfig.configNames());
        c.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        int request = Math.max(recordBytes + 4096, 1024 * 1024);
        c.merge(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, request,
                (given, ours) -> Math.max(Integer.parseInt(given.toString().trim()), (Integer) ours));
        c.merge(ProducerConfig.BUFFER_MEMORY_CONFIG, Math.max(32L * 1024 * 1024, 2L * request),
                (given, ours) -> Math.max(Long.parseLong(given.toString().trim()), (Long) ours));
        return c;
    }

    Map<String, Object> admin(String clientId) {
        Map<String, Object> c = known(AdminClientConfig.configNames());
        c.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        return c;
    }
}
