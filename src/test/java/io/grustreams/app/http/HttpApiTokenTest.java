package io.grustreams.app.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grustreams.stream.GruTopology;
import io.grustreams.stream.ModelRegistry;
import io.grustreams.stream.StreamSettings;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The bearer token, through a real HTTP client against a started API (its streams are built but
 * not started: no broker is needed to tell an authorized request from another). Forwarding with the
 * token between two running instances is {@code HttpApiIT}'s.
 */
// One API for all tests: they only read it, and closing one waits a second for exchanges in flight.
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpApiTokenTest {

    private static final String SECRET = "0123456789abcdef-token";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private KafkaStreams streams;
    private HttpApi api;

    @BeforeAll
    void start() throws IOException {
        Path tokenFile = Files.createDirectories(Path.of("target", "test-state")).resolve("HttpApiTokenTest.token");
        // A token file as an operator writes it, with a trailing newline.
        Files.writeString(tokenFile, SECRET + "\n");
        Properties gru = new Properties();
        gru.setProperty(HttpEndpoint.HOST, "127.0.0.1");
        gru.setProperty(HttpEndpoint.TOKEN_FILE, tokenFile.toString());
        HttpEndpoint endpoint = HttpEndpoint.from(gru);
        StreamSettings settings = StreamSettings.fromProperties(gru);
        Properties kafka = StreamSettings.kafkaProperties(gru);
        kafka.setProperty(StreamsConfig.APPLICATION_ID_CONFIG, "http-token-test");
        // Never connected to: the streams are not started.
        kafka.setProperty(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
        kafka.setProperty(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory(
                Path.of("target", "test-state"), "HttpApiTokenTest-").toString());
        ModelRegistry registry = ModelRegistry.forSettings(settings);
        streams = new KafkaStreams(GruTopology.build(settings, registry), kafka);
        api = new HttpApi(streams, settings, registry, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                new InetSocketAddress("127.0.0.1", 0), new HostInfo("127.0.0.1", 1), endpoint.token());
        api.start();
    }

    @AfterAll
    void stop() {
        api.close();
        streams.close(Duration.ofSeconds(5));
    }

    private HttpResponse<String> get(String path, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                .timeout(Duration.ofSeconds(10)).GET();
        if (authorization != null) {
            req.header("Authorization", authorization);
        }
        return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldRefuseDataEndpointsWithoutTheTokenAndSayWhichScheme() throws Exception {
        for (String path : new String[] {"/models", "/keys/sensor-1"}) {
            HttpResponse<String> none = get(path, null);
            assertEquals(401, none.statusCode(), path);
            assertEquals("Bearer realm=\"gru-streams\"", none.headers().firstValue("WWW-Authenticate").orElse(""), path);
            assertTrue(none.body().contains("requires Authorization: Bearer"), none.body());

            HttpResponse<String> wrong = get(path, "Bearer " + SECRET.replace('0', '1'));
            assertEquals(401, wrong.statusCode(), path);
            assertEquals("Bearer realm=\"gru-streams\", error=\"invalid_token\"",
                    wrong.headers().firstValue("WWW-Authenticate").orElse(""), path);
            // The token as a prefix of a longer one, or under another scheme, is not the token.
            assertEquals(401, get(path, "Bearer " + SECRET + "x").statusCode(), path);
            assertEquals(401, get(path, "Basic " + SECRET).statusCode(), path);
            assertEquals(401, get(path, SECRET).statusCode(), path);
        }
    }

    @Test
    void shouldServeDataEndpointsToTheToken() throws Exception {
        HttpResponse<String> models = get("/models", "Bearer " + SECRET);
        assertEquals(200, models.statusCode(), models.body());
        assertTrue(models.body().contains("\"newest\":null"), models.body());
        // Past the token check: the streams are not started, so the key's owner is not known yet.
        HttpResponse<String> key = get("/keys/sensor-1", "bearer " + SECRET);
        assertEquals(503, key.statusCode(), key.body());
        assertTrue(key.body().contains("not started"), key.body());
    }

    @Test
    void shouldKeepProbesAndMetricsOpen() throws Exception {
        assertEquals(200, get("/health", null).statusCode());
        assertEquals(503, get("/ready", null).statusCode(), "not started: not ready, but not 401 either");
        HttpResponse<String> metrics = get("/metrics", null);
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        assertEquals(404, get("/nothing", null).statusCode());
    }
}
