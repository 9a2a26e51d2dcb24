package io.grustreams.app.cli;

import io.grustreams.app.AppConfig;
import io.grustreams.app.ConfigOptions;
import io.grustreams.app.topics.TopicApplier;
import io.grustreams.stream.StreamSettings;
import io.grustreams.stream.TopicSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gru-streams topics apply}: creates or updates the product's topics from the
 * {@code topics/} files, idempotently (see {@link TopicApplier}).
 */
@Command(name = "topics",
        mixinStandardHelpOptions = true,
        description = "Manages the product's Kafka topics.",
        subcommands = TopicsCommand.Apply.class)
public final class TopicsCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The {@code apply} subcommand. */
    @Command(name = "apply",
            mixinStandardHelpOptions = true,
            description = {
                "Creates the topics declared in the topics directory, or updates existing ones:",
                "configs that differ are set, missing partitions added. Never deletes or shrinks.",
                "Prints one line per topic: created, updated (what changed) or unchanged."})
    public static final class Apply implements Callable<Integer> {

        @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
                description = "Kafka brokers; overrides bootstrap.servers of --config (default: localhost:9092).")
        String bootstrapServers;

        /** The app's configuration: its gru.topic.<role> keys rename topics, its admin-client keys are used. */
        @Mixin
        ConfigOptions configuration = new ConfigOptions();

        @Option(names = "--dir", paramLabel = "DIR", defaultValue = "topics",
                description = "Directory of topic files (default: ${DEFAULT-VALUE}).")
        Path dir;

        @Option(names = "--timeout-ms", paramLabel = "MS", defaultValue = "30000",
                description = "Longest wait for each broker request (default: ${DEFAULT-VALUE}).")
        long timeoutMs;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException("no topics directory " + dir + "; pass --dir DIR");
            }
            AppConfig config = configuration.load();
            StreamSettings settings = config.settings();
            Properties props = config.properties();
            List<TopicSpec> specs = new ArrayList<>();
            for (TopicSpec s : TopicSpec.loadDirectory(dir)) {
                // A topic file's own name stands unless the configuration renames its role.
                boolean renamed = config.values().containsKey(StreamSettings.TOPIC_PREFIX + s.role());
                specs.add(renamed ? s.withName(settings.topic(s.role())) : s);
            }
            if (specs.isEmpty()) {
                throw new IllegalArgumentException("no *.properties topic files in " + dir);
            }
            Properties adminProps = new Properties();
            for (String key : props.stringPropertyNames()) {
                if (AdminClientConfig.configNames().contains(key)) {
                    adminProps.setProperty(key, props.getProperty(key));
                }
            }
            if (bootstrapServers != null) {
                adminProps.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            }
            adminProps.putIfAbsent(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
            // Kafka refuses an admin client whose default.api.timeout.ms is below its request.timeout.ms
            // (30 s by default), so a shorter --timeout-ms shortens each request too.
            int kafkaRequestTimeoutMs = (Integer) AdminClientConfig.configDef().defaultValues()
                    .get(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG);
            adminProps.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                    String.valueOf(Math.min(timeoutMs, kafkaRequestTimeoutMs)));
            long requestTimeoutMs = Long.parseLong(adminProps.getProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG));
            adminProps.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                    String.valueOf(Math.max(timeoutMs, requestTimeoutMs)));
            PrintWriter out = spec.commandLine().getOut();
            try (Admin admin = Admin.create(adminProps)) {
                for (TopicApplier.Outcome o : new TopicApplier(admin, timeoutMs).apply(specs)) {
                    out.println(o);
                }
            }
            out.flush();
            return 0;
        }
    }
}
