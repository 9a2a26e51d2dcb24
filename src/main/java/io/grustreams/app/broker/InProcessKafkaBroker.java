package io.grustreams.app.broker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;

/**
 * A single-node Kafka broker (KRaft, broker and controller in one node) running inside this JVM.
 * For users without Docker ({@code gru-streams broker}), the demo, and the integration tests.
 *
 * <p>Contract:
 * <ul>
 *   <li>Both listeners (PLAINTEXT for clients, CONTROLLER for the quorum) bind 127.0.0.1 only;
 *       the broker is never reachable from another host. With {@link Builder#saslSsl} a third,
 *       SASL_SSL (TLS, SCRAM-SHA-512), binds 127.0.0.1 on a port of its own: clients with
 *       credentials and the CA's trust store use {@link #saslSslBootstrapServers()}.</li>
 *   <li>The broker keeps everything under one directory: {@code server.properties} (rewritten on
 *       every start) and {@code kraft-logs/} (formatted on the first start, reused afterwards).
 *       Without {@link Builder#dir(Path)} the directory is a fresh temporary one, deleted by
 *       {@link #close()}; a given directory is never deleted.</li>
 *   <li>Ports are chosen once per instance: the client port given to {@link Builder#port(int)}
 *       (0, the default, picks a free one) and a free controller port. {@link #stop()} then
 *       {@link #start()} brings the broker back on the same ports and the same directory, with
 *       its topics, records and committed offsets.</li>
 *   <li>While it runs, Kafka's {@code Exit} procedures are replaced (see {@link ExitGuard}): a
 *       fatal broker fault is recorded ({@link #fault()}, {@link #awaitStop()}) instead of
 *       ending the JVM.</li>
 * </ul>
 *
 * <p>Thread safety: {@link #start()}, {@link #stop()} and {@link #close()} are serialized on the
 * instance; the accessors may be called from any thread.
 */
public final class InProcessKafkaBroker implements AutoCloseable {

    /** Fixed single-node settings the class relies on; {@link Builder#config} cannot override them. */
    private static final Set<String> FIXED_KEYS = Set.of(
            "process.roles", "node.id", "listeners", "advertised.listeners",
            "listener.security.protocol.map", "controller.listener.names",
            "inter.broker.listener.name", "controller.quorum.voters",
            "controller.quorum.bootstrap.servers", "log.dirs", "log.dir", "metadata.log.dir");

    private static final String HOST = "127.0.0.1";
    private static final String CONFIG_FILE = "server.properties";
    private static final String LOG_DIR = "kraft-logs";
    private static final String META_PROPERTIES = "meta.properties";

    private final Path dir;
    private final boolean ownsDir;
    private final Map<String, String> overrides;
    private final SaslSsl saslSsl;

    private int port;
    private int controllerPort;
    private int securePort;
    private KafkaRaftServer server;
    private volatile CountDownLatch stopped = new CountDownLatch(0);
    private volatile String fault;
    private boolean closed;

    private InProcessKafkaBroker(Builder b) {
        try {
            this.ownsDir = b.dir == null;
            this.dir = ownsDir ? Files.createTempDirectory("gru-streams-kafka-") : b.dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary broker directory", e);
        }
        this.port = b.port;
        this.overrides = Collections.unmodifiableMap(new LinkedHashMap<>(b.config));
        this.saslSsl = b.saslSsl;
    }

    /**
     * A SASL_SSL listener: TLS with the broker's key and certificate from a PKCS12 key store, and
     * SASL/SCRAM-SHA-512 with these users (created when the log directory is formatted, i.e. on the
     * first start of a directory). Clients authenticate with a user's name and password and trust
     * the certificate through the CA that signed it.
     *
     * @param keyStore PKCS12 key store holding the broker's key and certificate chain; its
     *     certificate must name 127.0.0.1 (subject alternative name), as clients verify the host
     * @param keyStorePassword the store's and the key's password
     * @param scramUsers user name to password; names and passwords of letters, digits, {@code -_.}
     */
    public record SaslSsl(Path keyStore, String keyStorePassword, Map<String, String> scramUsers) {

        private static final java.util.regex.Pattern PLAIN = java.util.regex.Pattern.compile("[A-Za-z0-9._-]+");

        public SaslSsl {
            if (!Files.isRegularFile(keyStore)) {
                throw new IllegalArgumentException("SASL_SSL key store " + keyStore + " is not a file");
            }
            if (scramUsers.isEmpty()) {
                throw new IllegalArgumentException("SASL_SSL needs at least one SCRAM user");
            }
            scramUsers.forEach((user, password) -> {
                // The storage tool parses "[name=...,password=...]": keep separators out of both.
                if (!PLAIN.matcher(user).matches() || !PLAIN.matcher(password).matches()) {
                    throw new IllegalArgumentException("SCRAM user '" + user + "': name and password must be of"
                            + " letters, digits and -_.");
                }
            });
            scramUsers = Collections.unmodifiableMap(new LinkedHashMap<>(scramUsers));
        }
    }

    /** A builder: free port, temporary directory, no extra settings. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Formats the log directory if it is new and starts the broker; returns once the broker
     * accepts clients.
     *
     * @throws IllegalStateException if it is already running or closed, or cannot start (the
     *     message says why: port taken, directory formatted for another node, ...)
     */
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("broker is closed");
        }
        if (server != null) {
            throw new IllegalStateException("broker already running on " + bootstrapServers());
        }
        if (port == 0) {
            port = freePort();
        }
        if (controllerPort == 0) {
            controllerPort = freePort();
        }
        if (saslSsl != null && securePort == 0) {
            securePort = freePort();
        }
        // Kafka reports a taken port only after starting its controller, slowly and with stack
        // traces; checking first gives a fast error that names the port.
        requireFree(port, "client");
        requireFree(controllerPort, "controller");
        if (saslSsl != null) {
            requireFree(securePort, "SASL_SSL");
        }
        Properties props = serverProperties();
        Path configFile = dir.resolve(CONFIG_FILE);
        writeConfig(props, configFile);
        format(configFile, dir.resolve(LOG_DIR), saslSsl);

        fault = null;
        stopped = new CountDownLatch(1);
        ExitGuard.register(this);
        KafkaRaftServer candidate = null;
        try {
            candidate = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
            candidate.startup();
            server = candidate;
        } catch (RuntimeException e) {
            if (candidate != null) {
                shutdownQuietly(candidate, e);
            }
            ExitGuard.unregister(this);
            stopped.countDown();
            throw new IllegalStateException("Kafka broker failed to start on " + HOST + ":" + port
                    + " (dir " + dir + "): " + causes(e), e);
        }
    }

    /**
     * Shuts the broker down cleanly and waits for it; the directory and ports stay, so
     * {@link #start()} can bring it back. Does nothing if it is not running.
     */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        KafkaRaftServer s = server;
        server = null;
        try {
            s.shutdown();
            s.awaitShutdown();
        } finally {
            ExitGuard.unregister(this);
            stopped.countDown();
        }
    }

    /** Stops the broker and deletes its directory if the broker created it. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        try {
            stop();
        } finally {
            closed = true;
            if (ownsDir) {
                try {
                    Utils.delete(dir.toFile());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot delete broker directory " + dir, e);
                }
            }
        }
    }

    /**
     * The address clients connect to, {@code 127.0.0.1:port}.
     *
     * @throws IllegalStateException if the port is left to the broker and it has not started yet
     */
    public synchronized String bootstrapServers() {
        if (port == 0) {
            throw new IllegalStateException("no port chosen yet: start() the broker first");
        }
        return HOST + ":" + port;
    }

    /**
     * The address of the SASL_SSL listener, {@code 127.0.0.1:port}.
     *
     * @throws IllegalStateException if the broker has no such listener or has not started yet
     */
    public synchronized String saslSslBootstrapServers() {
        if (saslSsl == null) {
            throw new IllegalStateException("the broker was built without a SASL_SSL listener");
        }
        if (securePort == 0) {
            throw new IllegalStateException("no port chosen yet: start() the broker first");
        }
        return HOST + ":" + securePort;
    }

    /** The client port; 0 until the first {@link #start()} if it was left to the broker. */
    public synchronized int port() {
        return port;
    }

    /** The broker's directory (config and logs). */
    public Path dir() {
        return dir;
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    /** The fatal fault the broker reported during its current or last run, if any. */
    public Optional<String> fault() {
        return Optional.ofNullable(fault);
    }

    /**
     * Blocks until the current run ends: {@link #stop()} from another thread (returns empty) or
     * a fatal broker fault (returns its description; the broker then still needs {@link #stop()}).
     * Returns at once if the broker is not running.
     */
    public Optional<String> awaitStop() throws InterruptedException {
        stopped.await();
        return fault();
    }

    /** Called by {@link ExitGuard} when Kafka tries to end the process. */
    void onFault(String description) {
        if (fault == null) {
            fault = description;
        }
        stopped.countDown();
    }

    private Properties serverProperties() {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        String secure = saslSsl == null ? "" : ",SASL_SSL://" + HOST + ":" + securePort;
        p.setProperty("listeners",
                "PLAINTEXT://" + HOST + ":" + port + secure + ",CONTROLLER://" + HOST + ":" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port + secure);
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"
                + (saslSsl == null ? "" : ",SASL_SSL:SASL_SSL"));
        if (saslSsl != null) {
            // Per listener, so the PLAINTEXT and CONTROLLER listeners stay as they are.
            String l = "listener.name.sasl_ssl.";
            p.setProperty(l + "sasl.enabled.mechanisms", "SCRAM-SHA-512");
            p.setProperty(l + "scram-sha-512.sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;");
            p.setProperty(l + "ssl.keystore.type", "PKCS12");
            p.setProperty(l + "ssl.keystore.location", saslSsl.keyStore().toAbsolutePath().toString());
            p.setProperty(l + "ssl.keystore.password", saslSsl.keyStorePassword());
            p.setProperty(l + "ssl.key.password", saslSsl.keyStorePassword());
        }
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        // A static one-voter quorum: the controller port lives in this file only, not in the
        // formatted log, so a restart just rewrites it.
        p.setProperty("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
        p.setProperty("log.dirs", dir.resolve(LOG_DIR).toAbsolutePath().toString());
        // One node: internal topics cannot have more than one replica.
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        // Kafka's 50 partitions per internal topic only spread load over brokers; on one node
        // creating them delays the first consumer group and the first transaction by seconds.
        p.setProperty("offsets.topic.num.partitions", "1");
        p.setProperty("transaction.state.log.num.partitions", "1");
        p.setProperty("share.coordinator.state.topic.num.partitions", "1");
        // A single consumer group or Streams app should not wait 3 s for members that never come.
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.putAll(overrides);
        return p;
    }

    private static void writeConfig(Properties props, Path file) {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            props.store(w, "Written by gru-streams InProcessKafkaBroker on every start");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /**
     * Formats the log dir for a new cluster. A dir formatted before keeps its cluster id: the
     * storage tool is run with that id and {@code --ignore-formatted}, so it still checks the dir
     * belongs to this node and cluster.
     */
    private static void format(Path configFile, Path logDir, SaslSsl saslSsl) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        String clusterId = existingClusterId(logDir).orElseGet(() -> Uuid.randomUuid().toString());
        List<String> args = new ArrayList<>(List.of("format", "--config", configFile.toString(),
                "--cluster-id", clusterId, "--ignore-formatted"));
        if (saslSsl != null) {
            // SCRAM credentials are cluster metadata: written with the first metadata, so they hold
            // from the broker's first moment (no window in which a client could be refused).
            saslSsl.scramUsers().forEach((user, password) -> args.addAll(List.of("--add-scram",
                    "SCRAM-SHA-512=[name=" + user + ",password=" + password + "]")));
        }
        int status;
        try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            status = StorageTool.execute(args.toArray(new String[0]), out);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot format Kafka log dir (config " + configFile
                    + "): " + e.getMessage(), e);
        }
        if (status != 0) {
            throw new IllegalStateException("cannot format Kafka log dir (config " + configFile
                    + "), storage tool status " + status + ": "
                    + captured.toString(StandardCharsets.UTF_8).strip());
        }
    }

    private static Optional<String> existingClusterId(Path logDir) {
        Path meta = logDir.resolve(META_PROPERTIES);
        if (!Files.exists(meta)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(meta, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + meta, e);
        }
        String id = p.getProperty("cluster.id");
        if (id == null || id.isBlank()) {
            throw new IllegalStateException("field cluster.id missing in " + meta);
        }
        return Optional.of(id);
    }

    private static void requireFree(int port, String role) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
        } catch (IOException e) {
            throw new IllegalStateException(role + " port " + port + " on " + HOST
                    + " is not free: " + e.getMessage(), e);
        }
    }

    /** The messages of a cause chain, outermost first: Kafka's own is often only the last. */
    private static String causes(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (b.indexOf(m) < 0) {
                b.append(b.length() == 0 ? "" : "; caused by: ").append(m);
            }
        }
        return b.toString();
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + HOST, e);
        }
    }

    private static void shutdownQuietly(KafkaRaftServer s, RuntimeException cause) {
        try {
            s.shutdown();
            s.awaitShutdown();
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    /** Settings for an {@link InProcessKafkaBroker}. */
    public static final class Builder {
        private int port;
        private Path dir;
        private final Map<String, String> config = new LinkedHashMap<>();
        private SaslSsl saslSsl;

        private Builder() {
        }

        /** Adds a SASL_SSL listener (TLS, SCRAM-SHA-512) on a free port of 127.0.0.1; see {@link SaslSsl}. */
        public Builder saslSsl(SaslSsl listener) {
            this.saslSsl = listener;
            return this;
        }

        /** Client port on 127.0.0.1; 0 (the default) picks a free one at the first start. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be in 0..65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * The broker's directory, created if missing and kept on close. Reusing the directory of
         * an earlier broker brings back its data. Default: a temporary directory deleted on close.
         */
        public Builder dir(Path dir) {
            this.dir = dir;
            return this;
        }

        /**
         * An extra broker setting (e.g. {@code num.partitions}). Listener, quorum, role and log
         * directory settings are fixed by this class.
         *
         * @throws IllegalArgumentException naming the key if it is one of the fixed settings
         */
        public Builder config(String key, String value) {
            if (FIXED_KEYS.contains(key)) {
                throw new IllegalArgumentException("broker setting " + key
                        + " is fixed by InProcessKafkaBroker and cannot be overridden");
            }
            config.put(key, value);
            return this;
        }

        public InProcessKafkaBroker build() {
            if (dir != null) {
                try {
                    Files.createDirectories(dir);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot create broker directory " + dir, e);
                }
            }
            return new InProcessKafkaBroker(this);
        }
    }
}
