package io.grustreams.app.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grustreams.engine.KeyState;
import io.grustreams.engine.KeyStateCodec;
import io.grustreams.engine.KeyStateView;
import io.grustreams.stream.GruTopology;
import io.grustreams.stream.StateProbe;
import io.grustreams.stream.StreamSettings;
import io.grustreams.testkit.KafkaCluster;
import io.grustreams.testkit.KafkaExtension;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An in-place upgrade: the broker holds what the previous release (f10c9d0, key-state format 1)
 * left when it was stopped after the first {@value #FIRST} events of each key (its state store's
 * changelog, its consumer group's offsets, the model), and this build starts on it with the same
 * application id. It must restore the version-1 states, rewrite each in the current format on the key's next
 * event with the ring sealed into the ring store, and continue every key as the previous release
 * continued it, uninterrupted. Golden data: {@code src/test/resources/upgrade/}, made by the
 * previous release itself ({@code src/test/upgrade/generate.sh}).
 */
@ExtendWith(KafkaExtension.class)
class StateUpgradeIT {

    /** The workload of src/test/upgrade/UpgradeGolden.java. */
    private static final int KEYS = 3;
    private static final int STEPS = 125;
    /** Events per key the previous release processed before it was stopped. */
    private static final int FIRST = 77;
    private static final int RING = 32;
    /** Partitions of the previous release's topic files: the changelog's records are in the events' partitions. */
    private static final int PARTITIONS = 6;
    private static final long T0 = 1767225600000L;

    /**
     * The anomaly likelihood is the one number not compared bit for bit. Format 2 keeps its
     * reference distribution as an exponentially weighted mean and variance (West's update) where
     * format 1 kept a window of short means and their running sum and sum of squares. A key's
     * reference gets at most 116 short means in this run (119 scored events, 3 of lag); with the
     * long window N = 240 none ever left the old window (N + 3 entries) and the new weight
     * max(2/(N+1), 1/n) is 1/n throughout, as n &lt; (N+1)/2: both are the plain mean and
     * population variance of the same means, computed in another order (and the short mean is summed afresh instead of
     * kept as a running sum), so they differ by rounding only. Measured on this workload: 46 of the
     * 162 likelihoods after the upgrade equal bit for bit, the largest difference 8.9e-16. Once the
     * reference holds more than (N+1)/2 means the two estimators differ by design, which no
     * upgrade can undo.
     */
    private static final double LIKELIHOOD_TOLERANCE = 1e-14;

    /** A likelihood's digits: the field of forecasts and alerts, and the number an alert's reason quotes. */
    private static final Pattern LIKELIHOOD = Pattern.compile(
            "(?<=\"likelihood\":|\"reason\":\"likelihood )-?[0-9][0-9.]*(?:[eE][-+]?[0-9]+)?");

    @TempDir
    Path dir;

    private final KafkaCluster kafka;

    StateUpgradeIT(KafkaCluster kafka) {
        this.kafka = kafka;
    }

    @Test
    void shouldContinueEveryKeyExactlyAfterUpgradingFromV1State() throws Exception {
        Properties gru = settings(kafka);
        StreamSettings settings = StreamSettings.fromProperties(gru);
        String app = kafka.uniqueTopic("upgrade-it");
        StateProbe probe = new StateProbe(settings);
        String stateChangelog = probe.changelogTopic(app);
        String ringChangelog = app + "-" + settings.ringStore() + "-changelog";
        List<String[]> events = csv("events.csv");
        List<ChangelogRecord> v1 = changelog("changelog-v1.txt");

        // Step 1: the broker as the previous release left it at its SIGTERM. Outputs and events
        // are kept forever: they are dated 2026-01-01, older than the topic files' retention.
        createTopics(PARTITIONS, Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1"), settings.eventsTopic(),
                settings.forecastsTopic(), settings.alertsTopic());
        createTopics(1, Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1"), settings.deadLettersTopic());
        createTopics(1, Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT),
                settings.modelsTopic());
        createTopics(PARTITIONS, Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT),
                stateChangelog);
        Runs.publishModel(kafka, settings.modelsTopic(), List.of(modelRecord("model-record.txt")));
        produceChangelog(stateChangelog, v1);
        produceEvents(settings.eventsTopic(), events, 0, FIRST);
        commitEndOffsets(app, settings.eventsTopic());

        try (Instance upgraded = start(app, gru)) {
            // Step 2: each key's next event. Its state is rewritten in the current format and the old ring,
            // its last 32 events inline, is sealed into the ring store as blocks 0 and 1.
            produceEvents(settings.eventsTopic(), events, FIRST, FIRST + 1);
            Runs.readCommitted(kafka, settings.forecastsTopic(), KEYS);
            Map<String, byte[]> states = ReferenceRun.lastValues(
                    Runs.readCommitted(kafka, stateChangelog, v1.size() + KEYS));
            Map<String, Map<Long, byte[]>> blocks = ringBlocks(Runs.readCommitted(kafka, ringChangelog, 2 * KEYS));
            assertEquals(keys(), states.keySet(), "keys on the state changelog");
            assertEquals(keys(), blocks.keySet(), "keys on the ring changelog");
            for (int k = 0; k < KEYS; k++) {
                String key = "key-" + k;
                assertEquals(KeyStateCodec.FORMAT_VERSION, states.get(key)[0], key + " state version");
                assertEquals(FIRST + 1, probe.eventCount(states.get(key)), key + " events in its state");
                assertOldRingSealed(key, events, blocks.get(key));
            }

            // Step 3: the rest of the events.
            produceEvents(settings.eventsTopic(), events, FIRST + 1, STEPS);
            Map<String, List<String>> expectedForecasts = afterStop(gzipLines("forecasts.jsonl.gz"));
            Map<String, List<String>> expectedAlerts = afterStop(lines("alerts.jsonl"));
            int alertCount = expectedAlerts.values().stream().mapToInt(List::size).sum();
            Map<String, List<String>> forecasts = ReferenceRun.byKey(
                    Runs.readCommitted(kafka, settings.forecastsTopic(), KEYS * (STEPS - FIRST)));
            Map<String, List<String>> alerts = ReferenceRun.byKey(
                    Runs.readCommitted(kafka, settings.alertsTopic(), alertCount));

            // The golden run resolves an alert that was open at the stop, and opens and resolves one after.
            assertTrue(expectedAlerts.values().stream().anyMatch(a -> a.get(0).contains("\"state\":\"RESOLVED\"")),
                    "an alert open across the upgrade");
            assertTrue(expectedAlerts.values().stream().flatMap(List::stream)
                    .anyMatch(a -> a.contains("\"state\":\"OPEN\"")), "an alert opened after the upgrade");
            assertEquals(KEYS * (STEPS - FIRST), expectedForecasts.values().stream().mapToInt(List::size).sum(),
                    "golden forecasts after the stop");
            assertContinued("forecast", expectedForecasts, forecasts);
            assertContinued("alert", expectedAlerts, alerts);
            assertEquals(KafkaStreams.State.RUNNING, upgraded.streams().state(), "no stream thread failed");

            // Step 4: every key's final state is the uninterrupted run's, hidden state bit for bit: a
            // forecast is one number per event rounded from H, and a hidden state off in its last
            // bits can still give the same forecasts.
            Map<String, byte[]> end = ReferenceRun.lastValues(Runs.readCommitted(kafka, stateChangelog,
                    v1.size() + KEYS));
            Map<String, byte[]> expectedEnd = new TreeMap<>();
            for (ChangelogRecord r : changelog("states-end-v1.txt")) {
                expectedEnd.put(new String(r.key, StandardCharsets.UTF_8), r.value);
            }
            assertEquals(expectedEnd.keySet(), end.keySet(), "keys at the end");
            for (String key : expectedEnd.keySet()) {
                assertEquals(KeyStateCodec.FORMAT_VERSION, end.get(key)[0], key + " state version at the end");
                assertSameState(key, KeyStateView.decode(settings.engine(), expectedEnd.get(key)),
                        KeyStateView.decode(settings.engine(), end.get(key)));
            }
        }
    }

    /** The gru.* settings of the golden run (generate.sh), with this test's own topics. */
    private static Properties settings(KafkaCluster kafka) {
        Properties p = Runs.gru(kafka);
        p.setProperty("gru.features", "value");
        p.setProperty("gru.ring.size", Integer.toString(RING));
        // (N+1)/2 above the short means a key's reference gets in this run: see LIKELIHOOD_TOLERANCE.
        p.setProperty("gru.anomaly.long-window", "240");
        return p;
    }

    private static Set<String> keys() {
        Set<String> out = new TreeSet<>();
        for (int k = 0; k < KEYS; k++) {
            out.add("key-" + k);
        }
        return out;
    }

    /**
     * Blocks 0 and 1 of the key hold, oldest first, the events t = FIRST-32 .. FIRST-1 that its
     * version-1 ring held: the raw values bit for bit, each at the last event's time (format 1 kept
     * no times). The block layout is RingBlockCodec's.
     */
    private static void assertOldRingSealed(String key, List<String[]> events, Map<Long, byte[]> blocks) {
        int b = KeyState.blockCapacity(1);
        assertEquals(List.of(0L, 1L), new ArrayList<>(new TreeMap<>(blocks).keySet()), key + " ring blocks");
        long lastTime = T0 + 1000L * (FIRST - 1);
        for (long block = 0; block < RING / b; block++) {
            ByteBuffer in = ByteBuffer.wrap(blocks.get(block));
            assertEquals(1, in.get(), key + " block " + block + " version");
            assertEquals(1, in.getInt(), key + " block " + block + " features");
            in.position(in.position() + 8 + 16);
            assertEquals(b, in.getInt(), key + " block " + block + " events");
            for (int i = 0; i < b; i++) {
                int t = FIRST - RING + (int) block * b + i;
                assertEquals(lastTime, in.getLong(), key + " block " + block + " time " + i);
                assertEquals(Double.doubleToRawLongBits(value(events, key, t)), Double.doubleToRawLongBits(
                        in.getDouble()), key + " block " + block + " value of t = " + t);
            }
            assertEquals(0, in.remaining(), key + " block " + block + " length");
        }
    }

    private static void assertSameState(String key, KeyStateView expected, KeyStateView actual) {
        assertArrayEquals(expected.hidden(), actual.hidden(), key + " hidden state");
        assertEquals(expected.forecast(), actual.forecast(), key + " pending forecast");
        assertEquals(expected.eventCount(), actual.eventCount(), key + " event count");
        assertEquals(expected.lastTimestamp(), actual.lastTimestamp(), key + " last event time");
        assertEquals(expected.modelVersion(), actual.modelVersion(), key + " model version");
        assertEquals(expected.ringSize(), actual.ringSize(), key + " events in the ring");
        assertEquals(expected.residualCount(), actual.residualCount(), key + " residual count");
        assertEquals(expected.residualMean(), actual.residualMean(), key + " residual mean");
        assertEquals(expected.residualStd(), actual.residualStd(), key + " residual std");
        assertEquals(expected.alertOpen(), actual.alertOpen(), key + " alert open");
        assertEquals(expected.cooldownRemaining(), actual.cooldownRemaining(), key + " cooldown");
    }

    /**
     * Every output equals the golden one character for character, so every number bit for bit,
     * except the likelihood's digits, which must agree within {@link #LIKELIHOOD_TOLERANCE}.
     */
    private static void assertContinued(String what, Map<String, List<String>> expected,
            Map<String, List<String>> actual) {
        assertEquals(expected.keySet(), actual.keySet(), what + " keys");
        for (Map.Entry<String, List<String>> e : expected.entrySet()) {
            List<String> mine = actual.get(e.getKey());
            assertEquals(e.getValue().size(), mine.size(), e.getKey() + " " + what + "s after the upgrade");
            for (int i = 0; i < mine.size(); i++) {
                String where = e.getKey() + " " + what + " " + i + " after the upgrade";
                String golden = e.getValue().get(i);
                assertEquals(LIKELIHOOD.matcher(golden).replaceAll("L"),
                        LIKELIHOOD.matcher(mine.get(i)).replaceAll("L"), where);
                List<Double> g = likelihoods(golden);
                List<Double> m = likelihoods(mine.get(i));
                for (int j = 0; j < g.size(); j++) {
                    assertEquals(g.get(j), m.get(j), LIKELIHOOD_TOLERANCE, where + ", likelihood");
                }
            }
        }
    }

    private static List<Double> likelihoods(String record) {
        List<Double> out = new ArrayList<>();
        Matcher m = LIKELIHOOD.matcher(record);
        while (m.find()) {
            out.add(Double.parseDouble(m.group()));
        }
        return out;
    }

    /** Golden output lines of the events after the stop (t &gt;= FIRST), by key in order. */
    private static Map<String, List<String>> afterStop(List<String> records) {
        Pattern field = Pattern.compile("^\\{\"key\":\"([^\"]+)\",\"ts\":\"([^\"]+)\"");
        Map<String, List<String>> out = new TreeMap<>();
        for (String r : records) {
            Matcher m = field.matcher(r);
            assertTrue(m.find(), "golden output without key and ts first: " + r);
            if (Instant.parse(m.group(2)).toEpochMilli() >= T0 + 1000L * FIRST) {
                out.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(r);
            }
        }
        return out;
    }

    private static double value(List<String[]> events, String key, int t) {
        for (String[] e : events) {
            if (e[0].equals(key) && Long.parseLong(e[1]) == T0 + 1000L * t) {
                return Double.parseDouble(e[2]);
            }
        }
        throw new AssertionError("no event " + t + " of " + key);
    }

    /** Ring changelog records by record key (the store key without its 8-byte block index), then block. */
    private static Map<String, Map<Long, byte[]>> ringBlocks(List<KeyValue<byte[], byte[]>> records) {
        Map<String, Map<Long, byte[]>> out = new TreeMap<>();
        for (KeyValue<byte[], byte[]> r : records) {
            String key = new String(r.key, 0, r.key.length - Long.BYTES, StandardCharsets.UTF_8);
            long block = ByteBuffer.wrap(r.key, r.key.length - Long.BYTES, Long.BYTES).getLong();
            Map<Long, byte[]> mine = out.computeIfAbsent(key, k -> new HashMap<>());
            if (r.value == null) {
                mine.remove(block);
            } else {
                mine.put(block, r.value);
            }
        }
        return out;
    }

    // ---- the broker as the previous release left it ----

    private void createTopics(int partitions, Map<String, String> configs, String... topics)
            throws InterruptedException, ExecutionException, TimeoutException {
        List<NewTopic> list = new ArrayList<>();
        for (String t : topics) {
            list.add(new NewTopic(t, partitions, (short) 1).configs(configs));
        }
        try (Admin admin = kafka.admin()) {
            admin.createTopics(list).all().get(30, TimeUnit.SECONDS);
        }
    }

    /** Each record into the partition the previous release wrote it to, in order. */
    private void produceChangelog(String topic, List<ChangelogRecord> records) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (ChangelogRecord r : records) {
                producer.send(new ProducerRecord<>(topic, r.partition, r.key, r.value)).get();
            }
        }
    }

    /**
     * Events t in [from, to) of every key, time-major, as the previous release's {@code produce}
     * wrote them from the CSV: {@code {"ts":"ISO-8601","value":x}}, keyed by the UTF-8 key.
     */
    private void produceEvents(String topic, List<String[]> events, int from, int to) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (String[] e : events) {
                long t = (Long.parseLong(e[1]) - T0) / 1000L;
                if (t >= from && t < to) {
                    String json = "{\"ts\":\"" + Instant.ofEpochMilli(Long.parseLong(e[1])) + "\",\"value\":"
                            + Double.parseDouble(e[2]) + "}";
                    producer.send(new ProducerRecord<>(topic, e[0].getBytes(StandardCharsets.UTF_8),
                            json.getBytes(StandardCharsets.UTF_8))).get();
                }
            }
        }
    }

    private KafkaProducer<byte[], byte[]> producer() {
        Map<String, Object> c = kafka.clientConfig();
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return new KafkaProducer<>(c, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** The group's offsets as a clean stop leaves them: every event produced so far consumed. */
    private void commitEndOffsets(String group, String topic) throws Exception {
        try (Admin admin = kafka.admin()) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS)
                    .forEach((tp, info) -> offsets.put(tp, new OffsetAndMetadata(info.offset())));
            admin.alterConsumerGroupOffsets(group, offsets).all().get(30, TimeUnit.SECONDS);
        }
    }

    // ---- this build ----

    /** A running instance that leaves the group on close. */
    private record Instance(KafkaStreams streams) implements AutoCloseable {
        @Override
        public void close() {
            streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofSeconds(30)));
        }
    }

    private Instance start(String app, Properties gru) throws IOException, InterruptedException {
        Properties p = StreamSettings.kafkaProperties(gru);
        p.setProperty(StreamsConfig.APPLICATION_ID_CONFIG, app);
        p.setProperty(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.setProperty(StreamsConfig.STATE_DIR_CONFIG, Files.createDirectories(dir.resolve("state")).toString());
        KafkaStreams streams = new KafkaStreams(GruTopology.build(StreamSettings.fromProperties(gru)), p);
        streams.start();
        long deadline = System.nanoTime() + Runs.WAIT.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline || streams.state() == KafkaStreams.State.ERROR) {
                streams.close(Duration.ofSeconds(10));
                throw new AssertionError("streams did not reach RUNNING: " + streams.state());
            }
            Thread.sleep(50);
        }
        return new Instance(streams);
    }

    // ---- golden files ----

    private record ChangelogRecord(int partition, byte[] key, byte[] value) {
    }

    private static InputStream resource(String name) {
        InputStream in = StateUpgradeIT.class.getResourceAsStream("/upgrade/" + name);
        if (in == null) {
            throw new AssertionError("no golden file upgrade/" + name + " on the test class path");
        }
        return in;
    }

    private static List<String> lines(InputStream in) throws IOException {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return r.lines().toList();
        }
    }

    private static List<String> lines(String name) throws IOException {
        return lines(resource(name));
    }

    private static List<String> gzipLines(String name) throws IOException {
        return lines(new GZIPInputStream(resource(name)));
    }

    /** key,timestamp,value rows, the header dropped. */
    private static List<String[]> csv(String name) throws IOException {
        List<String> rows = lines(name);
        return rows.subList(1, rows.size()).stream().map(r -> r.split(",")).toList();
    }

    /** The models topic's one record: its key, a newline, its value bytes. */
    private static KeyValue<String, byte[]> modelRecord(String name) throws IOException {
        byte[] all;
        try (InputStream in = resource(name)) {
            all = in.readAllBytes();
        }
        int newline = 0;
        while (all[newline] != '\n') {
            newline++;
        }
        return KeyValue.pair(new String(all, 0, newline, StandardCharsets.UTF_8),
                Arrays.copyOfRange(all, newline + 1, all.length));
    }

    private static List<ChangelogRecord> changelog(String name) throws IOException {
        HexFormat hex = HexFormat.of();
        List<ChangelogRecord> out = new ArrayList<>();
        for (String line : lines(name)) {
            if (line.startsWith("#")) {
                continue;
            }
            String[] f = line.split(" ");
            out.add(new ChangelogRecord(Integer.parseInt(f[0]), hex.parseHex(f[1]),
                    f[2].equals("-") ? null : hex.parseHex(f[2])));
        }
        return out;
    }
}
