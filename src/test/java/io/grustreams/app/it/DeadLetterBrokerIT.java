package io.grustreams.app.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.grustreams.model.codec.ModelCodec;
import io.grustreams.stream.BadInput;
import io.grustreams.stream.BadInputs;
import io.grustreams.stream.BadInputs.Bad;
import io.grustreams.stream.DeadLetters;
import io.grustreams.stream.StreamSettings;
import io.grustreams.testkit.KafkaCluster;
import io.grustreams.testkit.KafkaExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of bad input, the 1 MiB record included, crosses a real broker to the dead-letter
 * topic: key, value and timestamp unchanged, its own headers kept in order, and exactly the five
 * added headers, each checked: the reason expected for it, the detail the TopologyTestDriver gives,
 * and the topic, partition and offset it was written to. Its good neighbours are processed as if it
 * had not been there.
 */
@ExtendWith(KafkaExtension.class)
class DeadLetterBrokerIT {

    private static final List<String> FEATURES = List.of("temp", "load");
    private static final int MIB = 1 << 20;

    @TempDir
    Path dir;

    private final KafkaCluster kafka;

    DeadLetterBrokerIT(KafkaCluster kafka) {
        this.kafka = kafka;
    }

    @Test
    void shouldCarryEveryBadInputUnchangedWithItsOwnAndTheAddedHeadersThroughTheBroker() throws Exception {
        List<Bad> bads = BadInputs.ofEveryKind(MIB);
        // This model forecasts every input, and each event comes after the last: the overflow and the
        // event-order kinds come in the next test.
        assertEquals(EnumSet.complementOf(EnumSet.of(BadInput.NON_FINITE_FORECAST,
                BadInput.OUT_OF_ORDER, BadInput.DUPLICATE)),
                bads.stream().map(Bad::reason)
                        .collect(Collectors.toCollection(() -> EnumSet.noneOf(BadInput.class))),
                "every kind of bad input a two-feature stream has");
        crossTheBroker(FEATURES, ModelCodec.toJson(Workload.model(23, FEATURES)), bads);
    }

    @Test
    void shouldCarryConflictingValuesOddOrdersAndAnEventTheModelOverflowsOnThroughTheBroker() throws Exception {
        byte[] k = utf8("k");
        long before = Workload.T0 - 1000;
        crossTheBroker(List.of("value"), ModelCodec.toJson(BadInputs.overflowsFarFromTheMean("it", Instant.EPOCH)), List.of(
                new Bad("value and values", k, utf8("{\"value\": 1, \"values\": {\"value\": 1}}"),
                        BadInput.CONFLICTING_VALUE),
                new Bad("a value the model overflows on", k, utf8("{\"value\": 100}"), BadInput.NON_FINITE_FORECAST),
                new Bad("an event older than the key's last", k, utf8("{\"ts\": " + before + ", \"value\": 10}"),
                        BadInput.OUT_OF_ORDER),
                // Its value is the event before it, sent again (see crossTheBroker).
                new Bad("the key's last event again", k, null, BadInput.DUPLICATE)));
    }


    /**
     * Runs {@code run} on a stream of {@code features} served by {@code model}, each bad record between
     * two good ones, and checks every dead letter against what was sent and where it landed.
     */
    private void crossTheBroker(List<String> features, byte[] model, List<Bad> bads) throws Exception {
        Properties gru = Runs.gru(kafka);
        gru.setProperty("gru.features", String.join(",", features));
        StreamSettings settings = StreamSettings.fromProperties(gru);
        String app = kafka.uniqueTopic("dead-letter-it");
        List<KeyValue<String, byte[]>> models = List.of(KeyValue.pair("it:1", model));
        kafka.createTopics(1, settings.modelsTopic());
        Runs.publishModel(kafka, settings.modelsTopic(), models);
        // A topic's default record limit is 1 MiB in all, headers and framing included; the events
        // topic must take a 1 MiB value. The dead-letter topic comes from its topic file (2 MiB).
        try (Admin admin = kafka.admin()) {
            admin.createTopics(List.of(new NewTopic(settings.eventsTopic(), 3, (short) 1)
                    .configs(Map.of("max.message.bytes", Integer.toString(2 * MIB))))).all().get(30, TimeUnit.SECONDS);
        }

        List<Workload.Event> events = new ArrayList<>();
        List<Integer> badAt = new ArrayList<>();
        Random rnd = new Random(4);
        for (int i = 0; i < bads.size(); i++) {
            long ts = Workload.T0 + 3000L * i;
            events.add(good(ts, rnd, features));
            badAt.add(events.size());
            byte[] value = bads.get(i).reason() == BadInput.DUPLICATE ? events.get(events.size() - 1).value()
                    : bads.get(i).value();
            events.add(new Workload.Event(bads.get(i).key(), value, ts + 1000, List.of(
                    Map.entry("trace", "t-" + i), Map.entry("trace", "again"), Map.entry("empty", ""))));
            events.add(good(ts + 2000, rnd, features));
        }
        ReferenceRun reference = new ReferenceRun(gru, dir.resolve("reference"), models, events);

        Path config = Runs.config(dir.resolve("app.properties"), kafka.bootstrapServers(), app, dir.resolve("state"),
                gru, Map.of());
        try (Runs.InProcess run = new Runs.InProcess(config)) {
            run.awaitTopics(kafka, settings.eventsTopic(), settings.forecastsTopic(), settings.deadLettersTopic());
            List<RecordMetadata> written = Runs.produce(kafka, settings.eventsTopic(), events);
            Runs.assertSameAsReference(kafka, settings, app, reference);
            assertEquals(2 * bads.size(), Runs.total(reference.forecasts), "every good neighbour forecast");

            List<ConsumerRecord<byte[], byte[]>> letters = kafka.readAll(settings.deadLettersTopic(),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer(), IsolationLevel.READ_COMMITTED,
                    Duration.ofMillis(500));
            assertEquals(bads.size(), letters.size(), "dead letters");
            for (int i = 0; i < bads.size(); i++) {
                Bad bad = bads.get(i);
                Workload.Event sent = events.get(badAt.get(i));
                RecordMetadata at = written.get(badAt.get(i));
                ConsumerRecord<byte[], byte[]> letter = letterFrom(letters, at);
                String name = bad.name();
                assertArrayEquals(sent.key(), letter.key(), name + ": key");
                assertArrayEquals(sent.value(), letter.value(), name + ": value");
                assertEquals(sent.ts(), letter.timestamp(), name + ": timestamp");
                List<Header> headers = List.of(letter.headers().toArray());
                assertEquals(sent.headers().size() + 5, headers.size(), name + ": its headers and five added");
                for (int h = 0; h < sent.headers().size(); h++) {
                    assertEquals(sent.headers().get(h).getKey(), headers.get(h).key(), name + ": header " + h);
                    assertEquals(sent.headers().get(h).getValue(), text(headers.get(h).value()), name + ": header " + h);
                }
                List<Header> added = headers.subList(sent.headers().size(), headers.size());
                assertEquals(List.of(DeadLetters.REASON, DeadLetters.DETAIL, DeadLetters.SOURCE_TOPIC,
                        DeadLetters.SOURCE_PARTITION, DeadLetters.SOURCE_OFFSET),
                        added.stream().map(Header::key).toList(), name + ": added headers");
                assertEquals(bad.reason().code(), text(added.get(0).value()), name + ": reason");
                assertFalse(text(added.get(1).value()).isBlank(), name + ": detail");
                assertEquals(settings.eventsTopic(), text(added.get(2).value()), name + ": source topic");
                assertEquals(Integer.toString(at.partition()), text(added.get(3).value()), name + ": source partition");
                assertEquals(Long.toString(at.offset()), text(added.get(4).value()), name + ": source offset");
            }
        }
    }

    private static ConsumerRecord<byte[], byte[]> letterFrom(List<ConsumerRecord<byte[], byte[]>> letters,
            RecordMetadata source) {
        String where = source.partition() + "@" + source.offset();
        return letters.stream().filter(r -> where.equals(Runs.header(r, DeadLetters.SOURCE_PARTITION) + "@"
                + Runs.header(r, DeadLetters.SOURCE_OFFSET))).findFirst()
                .orElseThrow(() -> new AssertionError("no dead letter from " + where));
    }

    /** A good event of key "k": every feature near 10. */
    private static Workload.Event good(long ts, Random rnd, List<String> features) {
        StringBuilder json = new StringBuilder("{\"ts\":").append(ts).append(",\"values\":{");
        for (int f = 0; f < features.size(); f++) {
            json.append(f == 0 ? "" : ",").append('"').append(features.get(f)).append("\":")
                    .append(10 + 3 * rnd.nextGaussian());
        }
        return new Workload.Event(utf8("k"), utf8(json.append("}}").toString()), ts, List.of());
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
