package io.grustreams.app.cli;

import io.grustreams.app.AppConfig;
import io.grustreams.app.ConfigOptions;
import io.grustreams.app.train.KafkaClients;
import io.grustreams.app.train.ModelsTopic;
import io.grustreams.stream.StreamSettings;
import java.io.IOException;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Where the models topic is: the stream's configuration, loaded as {@code gru-streams run} loads it
 * (the file, then {@code GRUSTREAMS_*} variables, then {@code --set}), and/or {@code --bootstrap-servers}.
 * The {@code gru.*} keys name the topic ({@code gru.topic.models}) and say which models the stream can
 * serve ({@code gru.features}, {@code gru.model.name}, {@code gru.model.keep}).
 */
final class ModelsTopicOptions {

    @Mixin
    ConfigOptions configuration = new ConfigOptions();

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT,...",
            description = "Kafka bootstrap servers (over bootstrap.servers of the configuration).")
    String bootstrapServers;

    private AppConfig loaded;

    private AppConfig config() throws IOException {
        if (loaded == null) {
            loaded = configuration.load();
        }
        return loaded;
    }

    /** The merged properties, then --bootstrap-servers. */
    Properties properties() throws IOException {
        Properties p = config().properties();
        if (bootstrapServers != null) {
            p.setProperty(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        }
        if (p.getProperty(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG) == null) {
            throw new IllegalArgumentException("where is Kafka? give --bootstrap-servers, or bootstrap.servers in "
                    + "--config, as " + AppConfig.envName(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG) + " or with --set");
        }
        return p;
    }

    /**
     * Whether the stream's settings were given: a file, or a {@code gru.*} key from the environment or
     * {@code --set} (else gru.* defaults, and servability is not checked).
     */
    boolean hasStreamSettings() throws IOException {
        return configuration.file() != null
                || config().values().keySet().stream().anyMatch(k -> k.startsWith(StreamSettings.PREFIX));
    }

    StreamSettings settings() throws IOException {
        return config().settings();
    }

    ModelsTopic client() throws IOException {
        return new ModelsTopic(new KafkaClients(properties()), settings().modelsTopic());
    }
}
