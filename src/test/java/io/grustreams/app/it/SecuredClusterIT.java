package io.grustreams.app.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grustreams.app.CommandRun;
import io.grustreams.app.Main;
import io.grustreams.app.broker.InProcessKafkaBroker;
import io.grustreams.model.codec.ModelCodec;
import io.grustreams.testkit.TestCertificates;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands against a secured cluster: a broker of its own with a SASL_SSL listener (TLS from a
 * CA made at test time, SCRAM-SHA-512 users), reached with ordinary client settings in the
 * configuration file. Right settings: every command works. A wrong password or a trust store without
 * the broker's CA: every command ends with one line saying which, and a non-zero exit.
 */
class SecuredClusterIT {

    private static final String USER = "gru-app";
    private static final String PASSWORD = "gru-app-secret";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path shared;

    private static TestCertificates certs;
    private static InProcessKafkaBroker broker;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() throws IOException {
        certs = TestCertificates.create(Files.createDirectories(shared.resolve("tls")));
        broker = InProcessKafkaBroker.builder().dir(shared.resolve("kafka"))
                .saslSsl(new InProcessKafkaBroker.SaslSsl(certs.brokerKeyStore(), certs.password(),
                        Map.of(USER, PASSWORD)))
                .build();
        broker.start();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    /** The configuration a user writes for a SASL_SSL cluster: nothing but Kafka's own client settings. */
    private Path config(String name, String password, Path trustStore) throws IOException {
        Properties gru = new Properties();
        gru.setProperty("gru.ring.size", "16");
        return Runs.config(dir.resolve(name + ".properties"), broker.saslSslBootstrapServers(), "secured-" + name,
                dir.resolve("state-" + name), gru, Map.of(
                        "security.protocol", "SASL_SSL",
                        "sasl.mechanism", "SCRAM-SHA-512",
                        "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
                                + " username=\"" + USER + "\" password=\"" + password + "\";",
                        "ssl.truststore.type", "PKCS12",
                        "ssl.truststore.location", trustStore.toString(),
                        "ssl.truststore.password", certs.password()));
    }

    /** Three keys, one event a second up to now: what train reads and run forecasts. */
    private Path eventsCsv() throws IOException {
        List<String> lines = new ArrayList<>(List.of("key,timestamp,value"));
        long start = System.currentTimeMillis() - 400_000L;
        for (int t = 0; t < 400; t++) {
            for (int k = 0; k < 3; k++) {
                lines.add(String.format(Locale.ROOT, "dev-%d,%d,%.4f", k, start + 1000L * t,
                        20 + k + 3 * Math.sin(2 * Math.PI * t / (15 + 5 * k))));
            }
        }
        return Files.write(dir.resolve("events.csv"), lines);
    }

    private static CommandRun command(String... args) {
        return CommandRun.execute(Main.commandLine(), args);
    }

    /** Every command the task names, with this configuration; {@code model} the file to publish. */
    private List<String[]> commands(Path config, Path events, Path model) {
        String c = config.toString();
        return List.of(
                new String[] {"topics", "apply", "--config", c, "--dir", Path.of("topics").toAbsolutePath().toString()},
                new String[] {"produce", "--config", c, "--topic", "events", "--input", events.toString()},
                new String[] {"train", "--config", c, "--once", "--window", "PT2H", "--out",
                    dir.resolve("runs").toString(), "--hidden", "4", "--sequence-length", "16", "--epochs", "1",
                    "--dry-run"},
                new String[] {"model", "publish", "--config", c, model.toString()},
                new String[] {"model", "list", "--config", c},
                Runs.runArgs(config),
                // Without its topic check, run meets the failure in Kafka Streams' own clients.
                Stream.concat(Stream.of(Runs.runArgs(config)), Stream.of("--no-create-topics")).toArray(String[]::new));
    }

    @Test
    void shouldRunEveryCommandWithTheClientSettingsOfTheConfigurationFile() throws Exception {
        Path config = config("good", PASSWORD, certs.trustStore());
        Path events = eventsCsv();
        List<String[]> commands = commands(config, events, dir.resolve("not-yet-trained.model.json"));

        CommandRun topics = command(commands.get(0));
        assertEquals(0, topics.exit(), topics.out() + topics.err());
        assertTrue(topics.out().contains("events: created"), topics.out());
        CommandRun produce = command(commands.get(1));
        assertEquals(0, produce.exit(), produce.out() + produce.err());
        CommandRun train = command(commands.get(2));
        assertEquals(0, train.exit(), train.out() + train.err());
        assertTrue(train.out().contains("read 1,200 records"), train.out());
        Path model = modelFile(dir.resolve("runs"));
        CommandRun publish = command("model", "publish", "--config", config.toString(), model.toString());
        assertEquals(0, publish.exit(), publish.out() + publish.err());
        CommandRun list = command(commands.get(4));
        assertEquals(0, list.exit(), list.out() + list.err());
        assertTrue(list.out().contains("gru@1"), list.out());

        // run: the stream serves the published model to the events over SASL_SSL.
        Runs.InProcess run = new Runs.InProcess(config);
        try {
            assertTrue(readForecasts(config, 1_200).size() >= 1_200);
        } finally {
            run.close();
        }
    }

    @Test
    void shouldEndEveryCommandWithOneLineSayingTheCredentialsWereRefused() throws Exception {
        assertEveryCommandFailsWith(config("wrong-password", "not-the-password", certs.trustStore()),
                "authentication failed");
    }

    @Test
    void shouldEndEveryCommandWithOneLineSayingTheCertificateIsNotTrusted() throws Exception {
        assertEveryCommandFailsWith(config("other-ca", PASSWORD, certs.otherTrustStore()),
                "certificate is not trusted");
    }

    private void assertEveryCommandFailsWith(Path config, String cause) throws IOException, InterruptedException {
        // A valid model file, so that publish fails at the broker and not at the file.
        for (String[] args : commands(config, eventsCsv(), validModel())) {
            CommandRun r = runWithin(args);
            String name = String.join(" ", args);
            assertNotEquals(0, r.exit(), name + ": " + r.out() + r.err());
            assertEquals(1, r.err().lines().count(), name + ": " + r.err());
            assertTrue(r.err().contains(cause), name + ": " + r.err());
        }
    }

    /** A command that must end by itself: a hang fails the test instead of the build. */
    private static CommandRun runWithin(String[] args) throws InterruptedException {
        AtomicReference<CommandRun> result = new AtomicReference<>();
        Thread t = new Thread(() -> result.set(command(args)), "secured-it-" + args[0]);
        t.start();
        t.join(WAIT.toMillis());
        if (t.isAlive()) {
            t.interrupt();
            t.join(WAIT.toMillis());
            throw new AssertionError(String.join(" ", args) + " did not end within " + WAIT);
        }
        return result.get();
    }

    /** A model file the stream can serve, written without a broker. */
    private Path validModel() throws IOException {
        Path file = dir.resolve("it.model.json");
        ModelCodec.write(Workload.model(7), file);
        return file;
    }

    private static Path modelFile(Path runs) throws IOException {
        try (Stream<Path> files = Files.walk(runs)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".model.json")).findFirst()
                    .orElseThrow(() -> new AssertionError("no model file under " + runs));
        }
    }

    /** Reads the forecasts topic with the same client settings, until {@code n} records or the wait is over. */
    private static List<ConsumerRecord<String, String>> readForecasts(Path config, int n) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(config)) {
            p.load(r);
        }
        Properties c = new Properties();
        for (String key : p.stringPropertyNames()) {
            if (ConsumerConfig.configNames().contains(key) && !key.equals(ConsumerConfig.GROUP_ID_CONFIG)) {
                c.setProperty(key, p.getProperty(key));
            }
        }
        c.setProperty(ConsumerConfig.GROUP_ID_CONFIG, "secured-it-reader");
        c.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of("forecasts"));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (out.size() < n && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
