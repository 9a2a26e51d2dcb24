package io.grustreams.app.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.grustreams.app.Main;
import io.grustreams.stream.DeadLetters;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;

/** Shared by the run-command ITs: config files, the app in-process or as a process, outputs, comparisons. */
final class Runs {

    static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

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
            // "Finished restoring changelog ... with a total number of N records": how a task's state came back.
            cmd.add("-Dorg.slf4j.simpleLogger.log.org.apache.kafka.streams.processor.internals.StoreChangelogReader=info");
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(Main.class.getName());
            cmd.addAll(List.of(runArgs(config)));
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        }

        /**
         * SIGKILL: no shutdown hook, no close, an open transaction left behind.
         *
         * @return the exit status: 137 (128 + SIGKILL) when the signal ended the process
         */
        int kill() {
            process.destroyForcibly();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    throw new AssertionError("the run did not end within 30 s of SIGKILL");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for the killed run", e);
            }
            return process.exitValue();
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

    static void awaitTopics(KafkaCluster kafka, BooleanSupplier running, String... topics) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        try (Admin admin = kafka.admin()) {
            while (!admin.listTopics().names().get(30, TimeUnit.SECONDS).containsAll(List.of(topics))) {
                if (!running.getAsBoolean() || System.nanoTime() > deadline) {
                    throw new AssertionError("run did not create " + List.of(topics));
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
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

    /**
     * Produces the events in order (keys, values, timestamps and headers as given) and fails, naming
     * the error, if the broker did not take every one.
     *
     * @return where each event landed, in the order of {@code events}
     */
    static List<RecordMetadata> produce(KafkaCluster kafka, String topic, List<Workload.Event> events) {
        try (KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (Workload.Event e : events) {
                sent.add(send(producer, topic, e));
            }
            producer.flush();
            return acks(topic, sent);
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(KafkaCluster kafka) {
        Map<String, Object> c = kafka.clientConfig();
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // A broker stopped for a fault test comes back within this; the idempotent producer then
        // retries what it had not yet had acknowledged, without duplicates.
        c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 120_000);
        // Room for a 1 MiB bad input and its headers (the default request limit is 1 MiB in all).
        c.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 << 20);
        return new KafkaProducer<>(c, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static Future<RecordMetadata> send(KafkaProducer<byte[], byte[]> producer, String topic,
            Workload.Event e) {
        RecordHeaders headers = new RecordHeaders();
        e.headers().forEach(h -> headers.add(h.getKey(), Workload.utf8(h.getValue())));
        return producer.send(new ProducerRecord<>(topic, null, e.ts(), e.key(), e.value(), headers));
    }

    private static List<RecordMetadata> acks(String topic, List<Future<RecordMetadata>> sent) {
        List<RecordMetadata> out = new ArrayList<>();
        try {
            for (Future<RecordMetadata> f : sent) {
                out.add(f.get());
            }
        } catch (ExecutionException e) {
            throw new AssertionError("producing to " + topic + " failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        return out;
    }

    /**
     * Produces events on a thread of its own, one step of the workload ({@code perStep} records)
     * every {@code pause}, so that the stream is still busy when a test injects a fault. The
     * producer waits out a stopped broker (see {@link #producer}).
     */
    static final class Feeder implements AutoCloseable {
        private final Thread thread;
        private final AtomicInteger sent = new AtomicInteger();
        private volatile Throwable failure;

        Feeder(KafkaCluster kafka, String topic, List<Workload.Event> events, int perStep, Duration pause) {
            thread = new Thread(() -> {
                try (KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
                    List<Future<RecordMetadata>> acks = new ArrayList<>();
                    for (int i = 0; i < events.size(); i++) {
                        acks.add(send(producer, topic, events.get(i)));
                        sent.incrementAndGet();
                        if ((i + 1) % perStep == 0) {
                            producer.flush();
                            Thread.sleep(pause.toMillis());
                        }
                    }
                    producer.flush();
                    acks(topic, acks);
                } catch (Throwable e) {
                    failure = e;
                }
            }, "feeder");
            thread.setDaemon(true);
            thread.start();
        }

        /** How many events have been handed to the producer so far. */
        int sent() {
            return sent.get();
        }

        boolean isDone() {
            return !thread.isAlive();
        }

        /** Waits until every event has been acknowledged; fails with the producer's error if any. */
        void await() throws InterruptedException {
            thread.join(TimeUnit.MINUTES.toMillis(3));
            if (thread.isAlive()) {
                throw new AssertionError("the feeder did not finish within 3 minutes");
            }
            if (failure != null) {
                throw new AssertionError("feeding the events failed: " + failure, failure);
            }
        }

        @Override
        public void close() throws InterruptedException {
            thread.interrupt();
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
    }

    /**
     * Per partition of {@code topic}, how many records a {@code read_uncommitted} reader sees beyond
     * what a {@code read_committed} one does: the high watermark minus the last stable offset, the
     * records of transactions still open (none once every transaction is decided).
     */
    static Map<Integer, Long> openTransactionRecords(KafkaCluster kafka, String topic) {
        try (Admin admin = kafka.admin()) {
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(topic).partitions().size();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            var high = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all()
                    .get(30, TimeUnit.SECONDS);
            var stable = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                    .get(30, TimeUnit.SECONDS);
            Map<Integer, Long> out = new TreeMap<>();
            for (TopicPartition tp : latest.keySet()) {
                out.put(tp.partition(), high.get(tp).offset() - stable.get(tp).offset());
            }
            return out;
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("cannot list the offsets of " + topic + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** How many records of the topic a reader with {@code isolation} sees now (open transactions not waited on). */
    static int count(KafkaCluster kafka, String topic, IsolationLevel isolation) {
        return kafka.readAll(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer(), isolation,
                Duration.ofMillis(300)).size();
    }

    /** The values of {@code field} of a topic's committed JSON records, last per key. */
    static Map<String, String> lastCommittedField(KafkaCluster kafka, String topic, String field) {
        Map<String, String> out = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : kafka.readAll(topic, new ByteArrayDeserializer(),
                new ByteArrayDeserializer(), IsolationLevel.READ_COMMITTED, Duration.ofMillis(300))) {
            try {
                out.put(new String(r.key(), StandardCharsets.UTF_8), JSON.readTree(r.value()).path(field).asText());
            } catch (IOException e) {
                throw new AssertionError("not JSON on " + topic + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /**
     * Which partitions of {@code topic} each member of the application's consumer group holds, by
     * the member's {@code client.id} up to its first '-' (so a run configured with {@code client.id=a}
     * shows as "a").
     */
    static Map<String, Set<Integer>> assignment(KafkaCluster kafka, String applicationId, String topic) {
        try (Admin admin = kafka.admin()) {
            Map<String, Set<Integer>> out = new TreeMap<>();
            var group = admin.describeConsumerGroups(List.of(applicationId)).all().get(30, TimeUnit.SECONDS)
                    .get(applicationId);
            for (var member : group.members()) {
                String name = member.clientId().split("-", 2)[0];
                Set<Integer> partitions = out.computeIfAbsent(name, k -> new TreeSet<>());
                for (TopicPartition tp : member.assignment().topicPartitions()) {
                    if (tp.topic().equals(topic)) {
                        partitions.add(tp.partition());
                    }
                }
            }
            return out;
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("cannot describe group " + applicationId + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** A run's log has no sign of a stream thread that died (the run replaces a failed one and says so). */
    static void assertNoThreadDied(Path log) throws IOException {
        String text = Files.readString(log);
        assertFalse(text.contains("a stream thread failed"), "a stream thread died: see " + log);
        assertFalse(text.contains("stopped in state ERROR"), "Kafka Streams stopped in ERROR: see " + log);
    }

    /** Committed records of a topic, once at least {@code count} have come and it has gone quiet. */
    static List<KeyValue<byte[], byte[]>> readCommitted(KafkaCluster kafka, String topic, int count) {
        kafka.readAtLeast(topic, count, new ByteArrayDeserializer(), new ByteArrayDeserializer(), WAIT);
        List<KeyValue<byte[], byte[]>> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : kafka.readAll(topic, new ByteArrayDeserializer(),
                new ByteArrayDeserializer(), IsolationLevel.READ_COMMITTED, Duration.ofSeconds(1))) {
            out.add(KeyValue.pair(r.key(), r.value()));
        }
        return out;
    }

    /**
     * The committed outputs equal the uninterrupted run's, with nothing missing and nothing twice:
     * every key's forecasts, alerts and dead letters, value for value and in order (dead letters
     * with a null key, which the producer spreads over partitions, as a multiset), each dead letter's
     * source coordinates naming the very input record it copies, and every key's final state on the
     * changelog, hidden state first.
     */
    static void assertSameAsReference(KafkaCluster kafka, StreamSettings settings, String applicationId,
            ReferenceRun reference) {
        int forecastCount = total(reference.forecasts);
        List<KeyValue<byte[], byte[]>> forecasts = readCommitted(kafka, settings.forecastsTopic(), forecastCount);
        assertEquals(forecastCount, forecasts.size(), "forecasts on the topic");
        assertEquals(reference.forecasts, ReferenceRun.byKey(forecasts));
        int alertCount = total(reference.alerts);
        List<KeyValue<byte[], byte[]>> alerts = readCommitted(kafka, settings.alertsTopic(), alertCount);
        assertEquals(alertCount, alerts.size(), "alerts on the topic");
        assertEquals(reference.alerts, ReferenceRun.byKey(alerts));
        assertDeadLettersSame(kafka, settings, reference);

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

    private static void assertDeadLettersSame(KafkaCluster kafka, StreamSettings settings, ReferenceRun reference) {
        int count = total(reference.deadLetters);
        kafka.readAtLeast(settings.deadLettersTopic(), count, new ByteArrayDeserializer(), new ByteArrayDeserializer(),
                WAIT);
        List<ConsumerRecord<byte[], byte[]>> letters = kafka.readAll(settings.deadLettersTopic(),
                new ByteArrayDeserializer(), new ByteArrayDeserializer(), IsolationLevel.READ_COMMITTED,
                Duration.ofSeconds(1));
        assertEquals(count, letters.size(), "dead letters on the topic");
        Map<String, List<String>> actual = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : letters) {
            actual.computeIfAbsent(ReferenceRun.show(r.key()), k -> new ArrayList<>())
                    .add(ReferenceRun.deadLetter(r.value(), r.timestamp(), r.headers()));
        }
        assertEquals(sortNullKey(reference.deadLetters), sortNullKey(actual), "dead letters");
        assertSourcesNamed(kafka, settings.eventsTopic(), letters);
    }

    /** Each dead letter's source partition and offset hold the input record it copies, each a different one. */
    static void assertSourcesNamed(KafkaCluster kafka, String eventsTopic, List<ConsumerRecord<byte[], byte[]>> letters) {
        Map<String, ConsumerRecord<byte[], byte[]>> inputs = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : kafka.readAll(eventsTopic, new ByteArrayDeserializer(),
                new ByteArrayDeserializer(), IsolationLevel.READ_COMMITTED, Duration.ofMillis(300))) {
            inputs.put(r.partition() + "@" + r.offset(), r);
        }
        Set<String> seen = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> letter : letters) {
            String source = header(letter, DeadLetters.SOURCE_PARTITION) + "@" + header(letter, DeadLetters.SOURCE_OFFSET);
            ConsumerRecord<byte[], byte[]> input = inputs.get(source);
            String what = "dead letter " + ReferenceRun.show(letter.value()) + " from " + source;
            assertNotNull(input, what + ": no such input record");
            assertEquals(eventsTopic, header(letter, DeadLetters.SOURCE_TOPIC), what);
            assertArrayEquals(input.key(), letter.key(), what + ": key");
            assertArrayEquals(input.value(), letter.value(), what + ": value");
            assertEquals(input.timestamp(), letter.timestamp(), what + ": timestamp");
            assertTrue(seen.add(source), what + ": a second dead letter for the same input");
        }
    }

    static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        assertNotNull(h, "header " + name);
        return new String(h.value(), StandardCharsets.UTF_8);
    }

    /** Null-key records are spread over partitions by the producer: their order is not the input's. */
    private static Map<String, List<String>> sortNullKey(Map<String, List<String>> byKey) {
        Map<String, List<String>> out = new TreeMap<>(byKey);
        out.computeIfPresent(ReferenceRun.show(null), (k, v) -> v.stream().sorted().toList());
        return out;
    }

    static int total(Map<String, List<String>> byKey) {
        return byKey.values().stream().mapToInt(List::size).sum();
    }
}
