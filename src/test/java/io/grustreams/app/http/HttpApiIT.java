package io.grustreams.app.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grustreams.model.GruLayout;
import io.grustreams.model.GruModel;
import io.grustreams.model.Normalization;
import io.grustreams.model.Parameters;
import io.grustreams.model.Variant;
import io.grustreams.model.codec.ModelCodec;
import io.grustreams.stream.GruTopology;
import io.grustreams.stream.ModelRegistry;
import io.grustreams.stream.StreamSettings;
import io.grustreams.stream.TopicSpec;
import io.grustreams.testkit.KafkaCluster;
import io.grustreams.testkit.KafkaExtension;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The HTTP API against two running instances of one application on a real broker, through a real
 * HTTP client: key queries answered locally or forwarded to the owner, models, health, readiness
 * and Prometheus metrics.
 */
@ExtendWith(KafkaExtension.class)
class HttpApiIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final long T0 = 1714564800000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaCluster kafka;
    private final Properties gru = new Properties();
    private final String applicationId;
    private final HttpClient http = HttpClient.newHttpClient();

    HttpApiIT(KafkaCluster kafka) {
        this.kafka = kafka;
        for (String role : TopicSpec.ROLES) {
            gru.setProperty(StreamSettings.TOPIC_PREFIX + role, kafka.uniqueTopic(role));
        }
        this.applicationId = kafka.uniqueTopic("gru-http");
        StreamSettings s = StreamSettings.fromProperties(gru);
        kafka.createTopics(4, s.eventsTopic(), s.forecastsTopic(), s.alertsTopic(), s.deadLettersTopic());
        kafka.createTopics(1, s.modelsTopic());
    }

    /** One app instance: its streams and its HTTP API, closed together. */
    private record Instance(KafkaStreams streams, HttpApi api, HostInfo host) implements AutoCloseable {
        @Override
        public void close() {
            api.close();
            streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofSeconds(30)));
        }

        URI uri(String path) {
            return URI.create("http://" + host.host() + ":" + host.port() + path);
        }
    }

    private Instance create(String name) throws IOException {
        return create(name, Optional.empty());
    }

    private Instance create(String name, Optional<BearerToken> token) throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        HostInfo host = new HostInfo("127.0.0.1", port);
        StreamSettings settings = StreamSettings.fromProperties(gru);
        Properties p = StreamSettings.kafkaProperties(gru);
        p.setProperty(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.setProperty(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.setProperty(StreamsConfig.APPLICATION_SERVER_CONFIG, host.host() + ":" + host.port());
        p.setProperty(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
        Path stateDir = Files.createDirectories(Path.of("target", "test-state"));
        p.setProperty(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory(stateDir, "HttpApiIT-" + name).toString());
        ModelRegistry registry = ModelRegistry.forSettings(settings);
        KafkaStreams streams = new KafkaStreams(GruTopology.build(settings, registry), p);
        HttpApi api = new HttpApi(streams, settings, registry, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                new InetSocketAddress("127.0.0.1", port), host, token);
        api.start();
        return new Instance(streams, api, host);
    }

    private static void awaitRunning(Instance... instances) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        for (Instance i : instances) {
            while (i.streams().state() != KafkaStreams.State.RUNNING) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("streams did not reach RUNNING: " + i.streams().state());
                }
                sleep(50);
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private HttpResponse<String> get(URI uri) {
        return get(uri, null);
    }

    /** GET with {@code Authorization: authorization} unless it is null. */
    private HttpResponse<String> get(URI uri, String authorization) {
        HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET();
        if (authorization != null) {
            req.header("Authorization", authorization);
        }
        try {
            return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("GET " + uri + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** GET, retried while the answer is 503 (a rebalance in progress), until anything else. */
    private HttpResponse<String> getSettled(URI uri) {
        return getSettled(uri, null);
    }

    private HttpResponse<String> getSettled(URI uri, String authorization) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        HttpResponse<String> r = get(uri, authorization);
        while (r.statusCode() == 503 && System.nanoTime() < deadline) {
            sleep(100);
            r = get(uri, authorization);
        }
        return r;
    }

    /** A one-feature persistence model, y_t ≈ x_t (z = σ(20), h_t = tanh(0.1·x̂_t), readout 1/0.1). */
    private static GruModel persistence(long version) {
        GruLayout layout = GruLayout.of(Variant.CHO, 1, 1, 1);
        Parameters p = Parameters.zeros(layout);
        p.set("b_z_l0", 0, 0, 20.0);
        p.set("W_h_l0", 0, 1, 0.1);
        p.set("W_y", 0, 0, 10.0);
        return new GruModel("boiler", version, Instant.parse("2024-05-01T00:00:00Z"), List.of("value"),
                new Normalization(new double[] {10.0}, new double[] {2.0}), p, Map.of("kind", "persistence"));
    }

    @Test
    void shouldAnswerKeyQueriesOnEveryInstanceForwardingToTheOwner() throws IOException {
        StreamSettings settings = StreamSettings.fromProperties(gru);
        kafka.produce(settings.modelsTopic(), new StringSerializer(), new ByteArraySerializer(),
                List.of(KeyValue.pair(ModelRegistry.recordKey(persistence(3)), ModelCodec.toJson(persistence(3)))));
        List<String> keys = new ArrayList<>();
        for (int k = 0; k < 12; k++) {
            keys.add("sensor-" + k);
        }
        int steps = 5;
        try (Instance a = create("a"); Instance b = create("b")) {
            // Not started yet: alive, not ready.
            assertEquals(200, get(a.uri("/health")).statusCode());
            assertEquals(503, get(a.uri("/ready")).statusCode());
            assertEquals(503, get(a.uri("/keys/sensor-0")).statusCode());

            a.streams().start();
            b.streams().start();
            awaitRunning(a, b);

            List<KeyValue<String, String>> events = new ArrayList<>();
            for (int t = 0; t < steps; t++) {
                for (int k = 0; k < keys.size(); k++) {
                    events.add(KeyValue.pair(keys.get(k), "{\"ts\":" + (T0 + 1000L * t) + ",\"value\":"
                            + (10.0 + k + 0.1 * t) + "}"));
                }
            }
            kafka.produce(settings.eventsTopic(), events);
            kafka.readAtLeast(settings.forecastsTopic(), keys.size() * steps, new StringDeserializer(),
                    new ByteArrayDeserializer(), WAIT);
            awaitRunning(a, b);

            Set<String> owners = new HashSet<>();
            for (int k = 0; k < keys.size(); k++) {
                String key = keys.get(k);
                HttpResponse<String> fromA = getSettled(a.uri("/keys/" + key));
                HttpResponse<String> fromB = getSettled(b.uri("/keys/" + key));
                assertEquals(200, fromA.statusCode(), fromA.body());
                assertEquals(200, fromB.statusCode(), fromB.body());
                JsonNode ja = JSON.readTree(fromA.body());
                JsonNode jb = JSON.readTree(fromB.body());
                // Both instances answer with the owner's view of the one stored state.
                assertEquals(ja, jb, key);
                owners.add(ja.get("host").asText());
                assertEquals(key, ja.get("key").asText());
                assertEquals(steps, ja.get("events").asLong());
                assertEquals(3, ja.get("model").get("version").asLong());
                assertTrue(ja.get("model").get("current").asBoolean());
                assertEquals(1, ja.get("hidden").get("size").asInt());
                assertEquals(Instant.ofEpochMilli(T0 + 1000L * (steps - 1)).toString(),
                        ja.get("lastEventTime").asText());
                // y = mean + std·tanh(0.1·x̂)/0.1 with x̂ = (x - mean)/std for the last x (z ≈ 1 drops h_{t-1}).
                double last = 10.0 + k + 0.1 * (steps - 1);
                double expected = 10.0 + 2.0 * Math.tanh(0.1 * (last - 10.0) / 2.0) / 0.1;
                assertEquals(expected, ja.get("forecast").get("value").asDouble(), 1e-6, key);
                long residuals = ja.get("residuals").get("count").asLong();
                assertTrue(residuals >= 1 && residuals <= steps - 1, key + " residuals " + residuals);
                assertFalse(ja.get("alert").get("open").asBoolean());
            }
            // Keys spread over both instances' partitions, so some answers above were forwarded.
            assertEquals(Set.of("127.0.0.1:" + a.host().port(), "127.0.0.1:" + b.host().port()), owners);

            HttpResponse<String> unknown = getSettled(a.uri("/keys/never-seen"));
            assertEquals(404, unknown.statusCode(), unknown.body());

            JsonNode models = JSON.readTree(get(b.uri("/models")).body());
            assertEquals(3, models.get("newest").get("version").asLong());
            assertEquals(3, models.get("effectiveNow").get("version").asLong());
            assertEquals("boiler", models.get("models").get(0).get("name").asText());

            assertEquals(200, get(a.uri("/ready")).statusCode());
            assertEquals(404, get(a.uri("/nothing")).statusCode());

            String metricsA = get(a.uri("/metrics")).body();
            String metricsB = get(b.uri("/metrics")).body();
            // Each instance counts its own events; together they are all of them.
            assertEquals(keys.size() * steps, counter(metricsA, "gru_forecasts_total")
                    + counter(metricsB, "gru_forecasts_total"), 0.0);
            assertEquals(keys.size() * steps, counter(metricsA, "gru_events_total")
                    + counter(metricsB, "gru_events_total"), 0.0);
            assertEquals(3.0, counter(metricsA, "gru_model_version"), 0.0);
            assertTrue(metricsA.contains("gru_dead_letters_total{reason="), "dead letters by reason");
            assertTrue(metricsA.contains("gru_forecast_error_max"), "forecast error");
            assertTrue(metricsA.contains("kafka_stream_thread_process_latency_avg"), "Kafka Streams' own metrics");
        }
    }

    @Test
    void shouldCarryTheTokenWhenForwardingAKeyQueryToItsOwner() throws IOException {
        String secret = "it-token-0123456789abcdef";
        Optional<BearerToken> token = Optional.of(BearerToken.of(secret, "test"));
        StreamSettings settings = StreamSettings.fromProperties(gru);
        kafka.produce(settings.modelsTopic(), new StringSerializer(), new ByteArraySerializer(),
                List.of(KeyValue.pair(ModelRegistry.recordKey(persistence(1)), ModelCodec.toJson(persistence(1))),
                        KeyValue.pair("boiler@2", "{\"format\": [[[\"not a model\"]]]}".getBytes(StandardCharsets.UTF_8))));
        List<String> keys = new ArrayList<>();
        List<KeyValue<String, String>> events = new ArrayList<>();
        for (int k = 0; k < 12; k++) {
            keys.add("valve-" + k);
            events.add(KeyValue.pair("valve-" + k, "{\"ts\":" + T0 + ",\"value\":" + (10.0 + k) + "}"));
        }
        try (Instance a = create("token-a", token); Instance b = create("token-b", token)) {
            a.streams().start();
            b.streams().start();
            awaitRunning(a, b);
            kafka.produce(settings.eventsTopic(), events);
            kafka.readAtLeast(settings.forecastsTopic(), keys.size(), new StringDeserializer(),
                    new ByteArrayDeserializer(), WAIT);
            awaitRunning(a, b);

            Set<String> owners = new HashSet<>();
            for (String key : keys) {
                // Asked of a alone: b's keys are forwarded, and b answers only because the token came along.
                HttpResponse<String> r = getSettled(a.uri("/keys/" + key), "Bearer " + secret);
                assertEquals(200, r.statusCode(), key + ": " + r.body());
                owners.add(JSON.readTree(r.body()).get("host").asText());
                assertEquals(401, get(a.uri("/keys/" + key)).statusCode(), key);
            }
            assertEquals(Set.of("127.0.0.1:" + a.host().port(), "127.0.0.1:" + b.host().port()), owners,
                    "some answers were forwarded");
            assertEquals(401, get(b.uri("/models")).statusCode());
            HttpResponse<String> models = get(b.uri("/models"), "Bearer " + secret);
            assertEquals(200, models.statusCode());
            // The refused record is shown with why, next to the model still in use.
            JsonNode m = JSON.readTree(models.body());
            assertEquals(1, m.get("newest").get("version").asLong());
            assertEquals("boiler@2", m.get("rejected").get(0).get("key").asText());
            assertEquals("format: must be a string, found an array", m.get("rejected").get(0).get("reason").asText());
            assertEquals(200, get(a.uri("/ready")).statusCode(), "probes need no token");
            assertEquals(200, get(a.uri("/metrics")).statusCode(), "scrapers need no token");
        }
    }

    /** The value of an untagged sample {@code name} in a Prometheus text page. */
    private static double counter(String page, String name) {
        for (String line : page.split("\n")) {
            if (line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(name.length() + 1).trim());
            }
        }
        throw new AssertionError("no sample " + name + " in\n" + page);
    }
}
