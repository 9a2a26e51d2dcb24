package io.grustreams.app.cli;

import io.grustreams.app.AppConfig;
import io.grustreams.app.ConfigOptions;
import io.grustreams.app.ConfigurationError;
import io.grustreams.app.http.HttpApi;
import io.grustreams.app.http.HttpEndpoint;
import io.grustreams.app.topics.NewTopics;
import io.grustreams.stream.GruTopology;
import io.grustreams.stream.ModelRegistry;
import io.grustreams.stream.StreamSettings;
import io.grustreams.stream.TopicSpec;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gru-streams run}: the stream processor. Merges the configuration ({@link AppConfig}),
 * creates the missing topics from the topic files, runs the topology until SIGTERM / Ctrl-C
 * (then closes Kafka Streams within {@code --shutdown-timeout}) or until Kafka Streams fails.
 *
 * <p>A stream thread that dies of an unexpected error is replaced (Kafka Streams'
 * {@code REPLACE_THREAD}): under exactly_once_v2 its open transaction is aborted and its tasks
 * resume from the last commit, so a broker that goes away and comes back costs a restart of the
 * thread, not of the process.
 */
@Command(name = "run",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:stopped (interrupted in-process)", "1:Kafka Streams failed", "2:bad configuration",
                "143:stopped by SIGTERM (the JVM's status for that signal; Kafka Streams was closed first)"},
        description = {"Runs the stream processor until SIGTERM or Ctrl-C.",
                "Configuration: a properties file (--config), then GRUSTREAMS_<KEY> environment variables",
                "(key upper-cased, dots and dashes as underscores), then --set KEY=VALUE; later wins."})
public final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);
    private static final Duration ADMIN_WAIT = Duration.ofSeconds(60);

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Mixin
    ConfigOptions configuration;

    @Option(names = "--create-topics", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Create the topics that do not exist yet from the topic files (default: on).")
    boolean createTopics;

    @Option(names = "--topics", paramLabel = "DIR", defaultValue = "topics",
            description = "The topic files, one per role (default: ${DEFAULT-VALUE}).")
    Path topicsDir;

    @Option(names = "--shutdown-timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "How long closing Kafka Streams may take on SIGTERM (default: ${DEFAULT-VALUE}).")
    long shutdownSeconds;

    @Override
    public Integer call() throws Exception {
        AppConfig cfg = configuration.load();
        StreamSettings settings = cfg.settings();
        Properties kafka = cfg.kafkaProperties();
        String bootstrap = kafka.getProperty(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG);
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new ConfigurationError("bootstrap.servers is not set (in --config,"
                    + " as " + AppConfig.envName(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG) + " or with --set)");
        }
        if (createTopics) {
            createMissingTopics(kafka, topicSpecs(settings));
        }
        LOG.info("gru-streams run: bootstrap.servers={} application.id={} topics events={} forecasts={} alerts={}"
                + " models={} dead-letters={} state.dir={} processing.guarantee={}", bootstrap,
                kafka.getProperty(StreamsConfig.APPLICATION_ID_CONFIG), settings.eventsTopic(),
                settings.forecastsTopic(), settings.alertsTopic(), settings.modelsTopic(), settings.deadLettersTopic(),
                kafka.getProperty(StreamsConfig.STATE_DIR_CONFIG, "(default)"),
                kafka.getProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));

        // The HTTP API: other instances forward key queries to this one's application.server.
        HttpEndpoint http;
        try {
            http = HttpEndpoint.from(cfg.properties());
        } catch (IllegalArgumentException e) {
            throw new ConfigurationError(e.getMessage(), e);
        }
        http.exposureWarning().ifPresent(w -> LOG.warn("gru-streams run: {}", w));
        kafka.setProperty(StreamsConfig.APPLICATION_SERVER_CONFIG, http.applicationServer());
        ModelRegistry registry = ModelRegistry.forSettings(settings);
        KafkaStreams streams = new KafkaStreams(GruTopology.build(settings, registry), kafka);
        HttpApi api = new HttpApi(streams, settings, registry, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                http.bind(), http.advertised(), http.token());
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicReference<String> settingsFailure = new AtomicReference<>();
        streams.setUncaughtExceptionHandler(e -> {
            StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse response = onThreadFailure(e, settingsFailure);
            if (response == StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD) {
                LOG.warn("a stream thread failed, replacing it: {}", e.toString());
            }
            return response;
        });
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
                stopped.countDown();
            }
        });
        Duration timeout = Duration.ofSeconds(shutdownSeconds);
        Thread hook = new Thread(() -> {
            // SIGTERM: close within the timeout, so the open transaction is aborted or committed and
            // the instance leaves its group instead of waiting out the session timeout.
            if (streams.close(timeout)) {
                LOG.info("gru-streams run: stopped, Kafka Streams closed");
            } else {
                LOG.warn("gru-streams run: Kafka Streams did not close within {}", timeout);
            }
            stopped.countDown();
        }, "gru-streams-run-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            api.start();
            LOG.info("gru-streams run: HTTP on {} (application.server {}){}", http.bind(), http.applicationServer(),
                    http.token().isPresent() ? ", /keys and /models need the bearer token" : "");
            streams.start();
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
                streams.close(timeout);
            } catch (IllegalStateException shuttingDown) {
                // The JVM is shutting down: the hook closes Kafka Streams.
            }
            api.close();
        }
        if (settingsFailure.get() != null) {
            spec.commandLine().getErr().println("error: " + settingsFailure.get());
            spec.commandLine().getErr().flush();
            return 1;
        }
        if (streams.state() == KafkaStreams.State.ERROR) {
            spec.commandLine().getErr().println("error: Kafka Streams stopped in state ERROR (see the log)");
            spec.commandLine().getErr().flush();
            return 1;
        }
        return 0;
    }

    /**
     * What to do when a stream thread fails: replace it, unless the failure is one of credentials or
     * certificates ({@link KafkaFailures}), which a new thread would meet again forever; then the
     * client stops and {@code settingsFailure} keeps the line to end the command with.
     *
     * @param settingsFailure modified: set to the first such line
     */
    static StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse onThreadFailure(Throwable e,
            AtomicReference<String> settingsFailure) {
        Optional<String> failure = KafkaFailures.describe(e);
        if (failure.isPresent()) {
            settingsFailure.compareAndSet(null, failure.get());
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
    }

    /** The topic files, renamed to the configured topic of each role; roles without a file are an error. */
    private List<TopicSpec> topicSpecs(StreamSettings settings) throws IOException {
        if (!Files.isDirectory(topicsDir)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--topics " + topicsDir
                    + " is not a directory (use --no-create-topics to skip topic creation)");
        }
        List<TopicSpec> specs = new ArrayList<>();
        Set<String> missing = new TreeSet<>(TopicSpec.ROLES);
        for (TopicSpec s : TopicSpec.loadDirectory(topicsDir)) {
            specs.add(s.withName(settings.topic(s.role())));
            missing.remove(s.role());
        }
        if (!missing.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), topicsDir + " has no topic file for "
                    + missing);
        }
        return specs;
    }

    /** Creates the topics the cluster does not have; a topic created meanwhile by another instance is fine. */
    static void createMissingTopics(Properties kafka, List<TopicSpec> specs) throws InterruptedException {
        Map<String, Object> admin = new HashMap<>();
        for (String key : kafka.stringPropertyNames()) {
            if (AdminClientConfig.configNames().contains(key)) {
                admin.put(key, kafka.getProperty(key));
            } else if (key.startsWith(StreamsConfig.ADMIN_CLIENT_PREFIX)) {
                admin.put(key.substring(StreamsConfig.ADMIN_CLIENT_PREFIX.length()), kafka.getProperty(key));
            }
        }
        try (Admin a = Admin.create(admin)) {
            Set<String> existing = a.listTopics().names().get(ADMIN_WAIT.toSeconds(), TimeUnit.SECONDS);
            List<NewTopic> create = new ArrayList<>();
            for (TopicSpec s : specs) {
                if (!existing.contains(s.name())) {
                    create.add(s.toNewTopic());
                }
            }
            if (create.isEmpty()) {
                return;
            }
            List<String> names = new ArrayList<>();
            for (Map.Entry<String, KafkaFuture<Void>> e : a.createTopics(create).values()
                    .entrySet()) {
                names.add(e.getKey());
                try {
                    e.getValue().get(ADMIN_WAIT.toSeconds(), TimeUnit.SECONDS);
                    LOG.info("created topic {}", e.getKey());
                } catch (ExecutionException ex) {
                    if (!(ex.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + e.getKey() + ": "
                                + ex.getCause().getMessage(), ex.getCause());
                    }
                }
            }
            // The stream's global thread stops if the models topic has no partitions yet when it starts.
            NewTopics.awaitVisible(a, names, ADMIN_WAIT);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot list the topics at " + kafka.getProperty(
                    StreamsConfig.BOOTSTRAP_SERVERS_CONFIG) + ": " + e, e);
        }
    }
}
