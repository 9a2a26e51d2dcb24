package io.grustreams.app.cli;

import io.grustreams.app.train.KafkaClients;
import io.grustreams.app.train.ModelsTopic;
import io.grustreams.stream.StreamSettings;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import picocli.CommandLine.Option;

/**
 * Where the models topic is: the stream's configuration file (Kafka client keys and {@code gru.*}
 * keys, as {@code gru-streams run} reads it) and/or {@code --bootstrap-servers}. The {@code gru.*}
 * keys name the topic ({@code gru.topic.models}) and say which models the stream can serve
 * ({@code gru.features}, {@code gru.model.name}, {@code gru.model.keep}).
 */
final class ModelsTopicOptions {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "The stream's properties file: Kafka client keys (bootstrap.servers, security.*) and gru.* keys.")
    Path config;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT,...",
            description = "Kafka bootstrap servers (over bootstrap.servers of --config).")
    String bootstrapServers;

    private Properties loaded;

    /** The merged properties: the file's, then --bootstrap-servers. */
    Properties properties() throws IOException {
        if (loaded == null) {
            Properties p = new Properties();
            if (config != null) {
                try (Reader in = Files.newBufferedReader(config, StandardCharsets.UTF_8)) {
                    p.load(in);
                }
            }
            if (bootstrapServers != null) {
                p.setProperty(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            }
            if (p.getProperty(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG) == null) {
                throw new IllegalArgumentException("where is Kafka? give --bootstrap-servers or a --config file "
                        + "with bootstrap.servers");
            }
            loaded = p;
        }
        return loaded;
    }

    /** Whether the stream's settings were given (else gru.* defaults, and servability is not checked). */
    boolean hasStreamSettings() {
        return config != null;
    }

    StreamSettings settings() throws IOException {
        return StreamSettings.fromProperties(properties());
    }

    ModelsTopic client() throws IOException {
        return new ModelsTopic(new KafkaClients(properties()), settings().modelsTopic());
    }
}
