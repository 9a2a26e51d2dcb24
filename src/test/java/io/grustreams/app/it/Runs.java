package io.grustreams.app.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grustreams.app.Main;
import io.grustreams.stream.StateProbe;
import io.grustreams.stream.StreamSettings;
import io.grustreams.testkit.KafkaCluster;
import java.io.IOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;

/** Shared by the run-command ITs: config files, the app in-process or as a process, outputs, comparisons. */
final class Runs {

    static final Duration WAIT = Duration.ofSeconds(60);

    private Runs() {
    }

    /** gru.* settings with topics unique to one test, and the anomaly windows of {@link Workload}. */
    static Properties gru(KafkaCluster kafka) {
        Properties p = Workload.anomalySettings();
        for (String role : List.of("events", "forecasts", "alerts", "models", "dead-letters")) {
            p.setProperty(StreamSettings.TOPIC_PREFIX + role, kafka.uniqueTopic(role));
        }
        return p;
    }

    /** Writes the properties file {@code run --config} reads. */
    static Path config(Path file, String bootstrap, String applicationId, Path stateDir, Properties gru,
            Map<String, String> extra) throws IOException {
        Properties p = new Properties();
        p.putAll(gru);
        p.setProperty("bootstrap.servers", bootstrap);
        p.setProperty("application.id", applicationId);
        p.setProperty("state.dir", Files.createDirectories(stateDir).toString());
        // A dead instance's partitions move after the session timeout: keep it at the broker's minimum.
        p.setProperty("session.timeout.ms", "6000");
        p.setProperty("heartbeat.interval.ms", "1000");
        // run serves HTTP: a free port each, so instances of one JVM and other builds do not collide on 8080.
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            p.setProperty(io.grustreams.app.http.HttpEndpoint.PORT, Integer.toString(probe.getLocalPort()));
        }
        extra.forEach(p::setProperty);
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(w, "run-command IT");
        }
        return file;
    }

    /** The arguments of {@code run} for a config file, topics from the repository's topic files. */
    static String[] runArgs(Path config) {
        return new String[] {"run", "--config", config.toString(), "--topics", Path.of("topics").toAbsolutePath()
                .toString(), "--shutdown-timeout", "20"};
    }

    /** {@code gru-streams run} on a thread of this JVM; closing interrupts it, which closes Kafka Streams. */
    static final class InProcess implements AutoCloseable {
        private final Thread thread;
        private volatile int exit = -1;

        InProcess(Path config) {
            String[] args = runArgs(config);
            thread = new Thread(() -> exit = Main.commandLine().execute(args), "run-command-it");
            thread.start();
        }

        /** Returns once the run has created {@code topics} (it creates missing topics before it starts). */
        void awaitTopics(KafkaCluster kafka, String... topics) {
            Runs.awaitTopics(kafka, thread::isAlive, topics);
        }

        @Override
        public void close() {
            thread.interrupt();
            try {
                thread.join(TimeUnit.SECONDS.toMillis(60));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for run to stop", e);
            }
            if (thread.isAlive()) {
                throw new AssertionError("run did not stop within 60 s of an interrupt");
            }
            assertEquals(0, exit, "exit code of run");
        }
    }

    /** {@code gru-streams run} as a separate JVM (the Main class on this test's class path). */
    static final class Separate implements AutoCloseable {
        private final Process process;

        Separate(Path config, Path log) throws IOException {
            List<String> cmd = new ArrayList<>();
            cmd.add(ProcessHandle.current().info().command().orElse("java"));
            cmd.add("-Xmx384m");
            cmd.add("-Dorg.slf4j.simpleLogger.log.io.grustreams.app.cli.RunCommand=info");
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(Main.class.getName());
            cmd.addAll(List.of(runArgs(config)));
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        }

        /** SIGKILL: no shutdown hook, no close, an open transaction left behind. */
        void kill() {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for the killed run", e);
            }
        }

        void awaitTopics(KafkaCluster kafka, String... topics) {
            Runs.awaitTopics(kafka, process::isAlive, topics);
        }

        boolean isAlive() {
            return process.isAlive();
        }

        /** SIGTERM, then the exit code. */
        int stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("run did not exit within 60 s of SIGTERM");
            }
            return process.exitValue();
        }

        @Override
        public void close() {
            if (process.isAlive()) {
                kill();
            }
        }
    }

    static void awaitTopics(KafkaCluster kafka, java.util.function.BooleanSupplier running, String... topics) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        try (org.apache.kafka.clients.admin.Admin admin = kafka.admin()) {
            while (!admin.listTopics().names().get(30, TimeUnit.SECONDS).containsAll(List.of(topics))) {
                if (!running.getAsBoolean() || System.nanoTime() > deadline) {
                    throw new AssertionError("run did not create " + List.of(topics));
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError("cannot list topics", e);
        }
    }

    /**
     * The stream's topics as the fault tests need them, models published: the models topic with one
     * partition, events, forecasts, alerts and dead letters with {@code partitions}.
     */
    static void createTopicsAndPublish(KafkaCluster kafka, StreamSettings settings, int partitions,
            List<KeyValue<String, byte[]>> models) {
        kafka.createTopics(1, settings.modelsTopic());
        kafka.createTopics(partitions, settings.eventsTopic(), settings.forecastsTopic(), settings.alertsTopic(),
                settings.deadLettersTopic());
        publishModel(kafka, settings.modelsTopic(), models);
    }

    static void publishModel(KafkaCluster kafka, String topic, List<KeyValue<String, byte[]>> models) {
        kafka.produce(topic, new StringSerializer(), new ByteArraySerializer(), models);
    }

    /** Produces the events in order and fails, naming the error, if the broker did not take every one. */
    static void produce(KafkaCluster kafka, String topic, List<Workload.Event> events) {
        Map<String, Object> c = kafka.clientConfig();
        c.put(org.apache.kafka.clients.producer.ProducerConfig.ACKS_CONFIG, "all");
        c.put(org.apache.kafka.clients.producer.ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
        List<java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata>> sent = new ArrayList<>();
        try (org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> producer =
                new org.apache.kafka.clients.producer.KafkaProducer<>(c, new ByteArraySerializer(),
                        new ByteArraySerializer())) {
            for (Workload.Event e : events) {
                sent.add(producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic,
                        e.key().getBytes(StandardCharsets.UTF_8), e.json())));
            }
            producer.flush();
            for (java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> f : sent) {
                f.get();
            }
        } catch (java.util.concurrent.ExecutionException e) {
            throw new AssertionError("producing to " + topic + " failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Committed records of a topic, once at least {@code count} have come and it has gone quiet. */
    static List<KeyValue<byte[], byte[]>> readCommitted(KafkaCluster kafka, String topic, int count) {
        kafka.readAtLeast(topic, count, new ByteArrayDeserializer(), new ByteArrayDeserializer(), WAIT);
        List<KeyValue<byte[], byte[]>> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : kafka.readAll(topic, new ByteArrayDeserializer(),
                new ByteArrayDeserializer(), IsolationLevel.READ_COMMITTED, Duration.ofSeconds(2))) {
            out.add(KeyValue.pair(r.key(), r.value()));
        }
        return out;
    }

    /**
     * Every key's forecasts equal the reference's, value for value (so none is missing or
     * duplicated), and every key's final state on the changelog equals the reference's, hidden
     * state first.
     */
    static void assertSameAsReference(KafkaCluster kafka, StreamSettings settings, String applicationId,
            ReferenceRun reference, int expectedForecasts) {
        List<KeyValue<byte[], byte[]>> forecasts = readCommitted(kafka, settings.forecastsTopic(), expectedForecasts);
        assertEquals(expectedForecasts, forecasts.size(), "forecasts on the topic");
        assertEquals(reference.forecasts, ReferenceRun.byKey(forecasts));
        StateProbe probe = new StateProbe(settings);
        Map<String, byte[]> states = ReferenceRun.lastValues(readCommitted(kafka,
                probe.changelogTopic(applicationId), reference.states.size()));
        assertEquals(reference.states.keySet(), states.keySet(), "keys on the changelog");
        for (Map.Entry<String, byte[]> e : reference.states.entrySet()) {
            byte[] actual = states.get(e.getKey());
            assertArrayEquals(probe.hidden(e.getValue()), probe.hidden(actual), e.getKey() + " hidden state");
            assertEquals(probe.eventCount(e.getValue()), probe.eventCount(actual), e.getKey() + " event count");
            assertArrayEquals(e.getValue(), actual, e.getKey() + " whole state");
        }
    }
}
