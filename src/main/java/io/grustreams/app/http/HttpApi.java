package io.grustreams.app.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.grustreams.engine.KeyStateView;
import io.grustreams.engine.StateFormatException;
import io.grustreams.model.GruModel;
import io.grustreams.stream.ModelRegistry;
import io.grustreams.stream.StreamSettings;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsNotStartedException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The HTTP API of a running instance, on the JDK's {@link HttpServer}:
 * <ul>
 *   <li>{@code GET /keys/{key}}: the key's stored state ({@link KeyStateView}) and the model that
 *       built it, read from the local per-key store by interactive query; when another instance
 *       owns the key (Kafka Streams' {@code queryMetadataForKey}), the request is forwarded once to
 *       that instance's {@code application.server} and its answer relayed. 404 for a key never seen,
 *       503 while the key's partition is being (re)assigned or restored.</li>
 *   <li>{@code GET /models}: the newest model, the one effective for events happening now, every
 *       kept one, newest first, and the last model records refused, with why.</li>
 *   <li>{@code GET /health}: 200 while the process serves HTTP (liveness).</li>
 *   <li>{@code GET /ready}: 200 when Kafka Streams is RUNNING, else 503 (readiness).</li>
 *   <li>{@code GET /metrics}: Prometheus text format: Kafka Streams' own metrics (Micrometer's
 *       {@link KafkaStreamsMetrics}) and the product's ({@link ProductMetrics}, {@code gru_*}).</li>
 * </ul>
 * Everything else is 404, other methods 405. Responses are JSON except {@code /metrics}.
 *
 * <p>With a {@link BearerToken}, {@code /keys} and {@code /models} answer 401 with
 * {@code WWW-Authenticate: Bearer} unless the request carries {@code Authorization: Bearer <token>};
 * {@code /health}, {@code /ready} and {@code /metrics} stay open for probes and scrapers (they show
 * no key's data). A forwarded key query carries the token to the owner.
 *
 * <p>Lifecycle: construct (binds the port), {@link #start()}, {@link #close()}. The caller owns
 * the {@link KafkaStreams} and starts and closes it; this class only reads it.
 */
public final class HttpApi implements AutoCloseable {

    /** Set on a forwarded request, so that an instance which is not the owner either does not forward it again. */
    static final String FORWARDED_HEADER = "X-Gru-Forwarded-From";

    private static final Duration FORWARD_TIMEOUT = Duration.ofSeconds(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaStreams streams;
    private final StreamSettings settings;
    private final ModelRegistry registry;
    private final PrometheusMeterRegistry meters;
    private final HostInfo self;
    private final HttpServer server;
    private final ExecutorService executor;
    private final HttpClient client;
    private final ProductMetrics productMetrics;
    private final KafkaStreamsMetrics kafkaMetrics;
    private final StringSerializer keySerializer = new StringSerializer();
    private final Optional<BearerToken> token;

    /**
     * Binds the port; serves nothing until {@link #start()}.
     *
     * @param streams the running app's streams (may still be starting)
     * @param settings the settings its topology was built from
     * @param registry the model registry its topology fills
     * @param meters the registry {@code /metrics} renders; Kafka Streams' metrics and the product's are bound to it
     * @param bind address to listen on; port 0 picks a free one ({@link #port()})
     * @param advertised this instance's {@code application.server}, how other instances reach it;
     *     must be the same value the streams were configured with
     * @throws IOException if the address cannot be bound
     */
    public HttpApi(KafkaStreams streams, StreamSettings settings, ModelRegistry registry,
            PrometheusMeterRegistry meters, InetSocketAddress bind, HostInfo advertised) throws IOException {
        this(streams, settings, registry, meters, bind, advertised, Optional.empty());
    }

    /**
     * Binds the port; serves nothing until {@link #start()}.
     *
     * @param streams the running app's streams (may still be starting)
     * @param settings the settings its topology was built from
     * @param registry the model registry its topology fills
     * @param meters the registry {@code /metrics} renders; Kafka Streams' metrics and the product's are bound to it
     * @param bind address to listen on; port 0 picks a free one ({@link #port()})
     * @param advertised this instance's {@code application.server}, how other instances reach it;
     *     must be the same value the streams were configured with
     * @param token what {@code /keys} and {@code /models} require, and forwarded queries carry; the
     *     same on every instance. Empty: they are open.
     * @throws IOException if the address cannot be bound
     */
    public HttpApi(KafkaStreams streams, StreamSettings settings, ModelRegistry registry,
            PrometheusMeterRegistry meters, InetSocketAddress bind, HostInfo advertised, Optional<BearerToken> token)
            throws IOException {
        this.token = Objects.requireNonNull(token, "token");
        this.streams = Objects.requireNonNull(streams, "streams");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.meters = Objects.requireNonNull(meters, "meters");
        this.self = Objects.requireNonNull(advertised, "advertised");
        this.server = HttpServer.create(bind, 0);
        this.executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "gru-http");
            t.setDaemon(true);
            return t;
        });
        // The client keeps its own (daemon) threads: sharing the server's would let forwarded requests
        // that wait on their answers take every thread the answers need.
        this.client = HttpClient.newBuilder().connectTimeout(FORWARD_TIMEOUT).build();
        this.productMetrics = new ProductMetrics(streams::metrics, meters);
        this.kafkaMetrics = new KafkaStreamsMetrics(streams);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    /** Starts serving and binds the metrics. */
    public void start() {
        kafkaMetrics.bindTo(meters);
        server.start();
    }

    /** The bound port (the chosen one when constructed with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Stops serving (waits up to a second for exchanges in flight) and unbinds Kafka's metrics. */
    @Override
    public void close() {
        server.stop(1);
        kafkaMetrics.close();
        executor.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (!"GET".equals(ex.getRequestMethod())) {
                ex.getResponseHeaders().set("Allow", "GET");
                sendJson(ex, 405, error("only GET is supported"));
                return;
            }
            String path = ex.getRequestURI().getPath();
            if (path.equals("/health")) {
                sendJson(ex, 200, JSON.createObjectNode().put("status", "UP"));
            } else if (path.equals("/ready")) {
                KafkaStreams.State state = streams.state();
                sendJson(ex, state == KafkaStreams.State.RUNNING ? 200 : 503,
                        JSON.createObjectNode().put("state", state.name()));
            } else if (path.equals("/metrics")) {
                productMetrics.refresh();
                send(ex, 200, "text/plain; version=0.0.4; charset=utf-8",
                        meters.scrape().getBytes(StandardCharsets.UTF_8));
            } else if (path.equals("/models")) {
                if (authorized(ex)) {
                    sendJson(ex, 200, models());
                }
            } else if (path.startsWith("/keys/") && path.length() > "/keys/".length()) {
                if (authorized(ex)) {
                    key(ex, path.substring("/keys/".length()));
                }
            } else {
                sendJson(ex, 404, error("no such resource: " + path
                        + " (try /keys/{key}, /models, /health, /ready, /metrics)"));
            }
        } catch (RuntimeException e) {
            sendJson(ex, 500, error(e.toString()));
        }
    }

    /** True if the request may read data; else answers 401 (RFC 6750) and returns false. */
    private boolean authorized(HttpExchange ex) throws IOException {
        if (token.isEmpty()) {
            return true;
        }
        String presented = ex.getRequestHeaders().getFirst("Authorization");
        if (token.get().accepts(presented)) {
            return true;
        }
        // Without credentials: just the scheme; with wrong ones: invalid_token, so a client can tell them apart.
        ex.getResponseHeaders().set("WWW-Authenticate", presented == null ? "Bearer realm=\"gru-streams\""
                : "Bearer realm=\"gru-streams\", error=\"invalid_token\"");
        sendJson(ex, 401, error(presented == null ? "this endpoint requires Authorization: Bearer <token>"
                : "the bearer token is not this application's"));
        return false;
    }

    private void key(HttpExchange ex, String key) throws IOException {
        KeyQueryMetadata meta;
        try {
            meta = streams.queryMetadataForKey(settings.stateStore(), key, keySerializer);
        } catch (StreamsNotStartedException e) {
            sendJson(ex, 503, error("Kafka Streams has not started yet; retry"));
            return;
        }
        if (meta == null || meta.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            sendJson(ex, 503, error("key owner unknown while the instance starts or rebalances; retry"));
            return;
        }
        HostInfo owner = meta.activeHost();
        if (owner.equals(self)) {
            local(ex, key, meta.partition());
        } else if (ex.getRequestHeaders().containsKey(FORWARDED_HEADER)) {
            // Forwarded to us, but the owner moved meanwhile: answering for another owner could loop.
            sendJson(ex, 503, error("key moved to " + hostPort(owner) + " during a rebalance; retry"));
        } else {
            forward(ex, key, owner);
        }
    }

    private void local(HttpExchange ex, String key, int partition) throws IOException {
        byte[] stored;
        try {
            ReadOnlyKeyValueStore<Bytes, byte[]> store = streams.store(StoreQueryParameters
                    .fromNameAndType(settings.stateStore(), QueryableStoreTypes.<Bytes, byte[]>keyValueStore())
                    .withPartition(partition));
            stored = store.get(Bytes.wrap(key.getBytes(StandardCharsets.UTF_8)));
        } catch (InvalidStateStoreException e) {
            sendJson(ex, 503, error("state store not queryable (restoring or migrating); retry: " + e.getMessage()));
            return;
        }
        if (stored == null) {
            sendJson(ex, 404, error("no state for key '" + key + "'").put("host", hostPort(self)));
            return;
        }
        KeyStateView v;
        try {
            v = KeyStateView.decode(settings.engine(), stored);
        } catch (StateFormatException e) {
            sendJson(ex, 500, error("state of key '" + key + "' cannot be read: " + e.getMessage()));
            return;
        }
        sendJson(ex, 200, keyJson(key, partition, v));
    }

    private ObjectNode keyJson(String key, int partition, KeyStateView v) {
        ObjectNode o = JSON.createObjectNode();
        o.put("key", key).put("host", hostPort(self)).put("partition", partition);
        o.put("events", v.eventCount());
        o.put("lastEventTime", v.eventCount() == 0 ? null : Instant.ofEpochMilli(v.lastTimestamp()).toString());
        ObjectNode hidden = o.putObject("hidden");
        hidden.put("size", v.hiddenSize()).put("norm", v.hiddenNorm());
        ArrayNode values = hidden.putArray("values");
        for (double h : v.hidden()) {
            values.add(h);
        }
        o.set("forecast", v.forecast().isEmpty() ? null : JSON.valueToTree(v.forecast()));
        ObjectNode residuals = o.putObject("residuals");
        residuals.put("count", v.residualCount());
        residuals.set("mean", JSON.valueToTree(v.residualMean()));
        residuals.set("std", JSON.valueToTree(v.residualStd()));
        ObjectNode alert = o.putObject("alert");
        alert.put("open", v.alertOpen()).put("cooldownRemaining", v.cooldownRemaining());
        ObjectNode model = o.putObject("model");
        model.put("version", v.modelVersion() < 0 ? null : v.modelVersion());
        // The model an event at the key's last event time gets: the one its next event is likely to meet.
        GruModel served = v.eventCount() == 0 ? registry.newest() : registry.select(v.lastTimestamp());
        model.put("servedVersion", served == null ? null : served.version());
        model.put("current", served != null && served.version() == v.modelVersion());
        o.put("ringSize", v.ringSize());
        return o;
    }

    private void forward(HttpExchange ex, String key, HostInfo owner) throws IOException {
        URI uri;
        try {
            uri = new URI("http", null, owner.host(), owner.port(), "/keys/" + key, null, null);
        } catch (URISyntaxException e) {
            sendJson(ex, 500, error("cannot address owner " + owner + ": " + e.getMessage()));
            return;
        }
        HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(FORWARD_TIMEOUT)
                .header(FORWARDED_HEADER, hostPort(self)).GET();
        // The owner checks the token too: every instance of the application is given the same one.
        token.ifPresent(t -> req.header("Authorization", t.header()));
        HttpResponse<byte[]> resp;
        try {
            resp = client.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            sendJson(ex, 502, error("owner " + owner + " of key '" + key + "' did not answer: " + e));
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            sendJson(ex, 503, error("interrupted while asking " + owner));
            return;
        }
        ex.getResponseHeaders().set(FORWARDED_HEADER, hostPort(owner));
        send(ex, resp.statusCode(), "application/json", resp.body());
    }

    private ObjectNode models() {
        ObjectNode o = JSON.createObjectNode();
        GruModel newest = registry.newest();
        GruModel now = registry.select(System.currentTimeMillis());
        o.set("newest", newest == null ? null : modelJson(newest));
        // Events are served by event time; for events happening now, this one.
        o.set("effectiveNow", now == null ? null : modelJson(now));
        ArrayNode all = o.putArray("models");
        // Newest first: the registry lists oldest first.
        var models = registry.models();
        for (int i = models.size() - 1; i >= 0; i--) {
            all.add(modelJson(models.get(i)));
        }
        o.putArray("features").addAll(JSON.<ArrayNode>valueToTree(settings.features()));
        settings.modelName().ifPresent(n -> o.put("modelName", n));
        // The last records refused on the models topic, newest first: why a published model is not served.
        ArrayNode rejected = o.putArray("rejected");
        for (ModelRegistry.Rejection r : registry.rejections()) {
            rejected.addObject().put("key", r.key()).put("reason", r.reason()).put("at", r.at().toString());
        }
        return o;
    }

    private static ObjectNode modelJson(GruModel m) {
        ObjectNode o = JSON.createObjectNode();
        o.put("name", m.name()).put("version", m.version()).put("createdAt", m.createdAt().toString())
                .put("effectiveFrom", m.effectiveFrom().toString())
                .put("cell", m.layout().cell().id()).put("layers", m.layout().layers())
                .put("variant", m.variant().toString()).put("hiddenSize", m.layout().hiddenSize())
                .put("parameters", m.parameterCount());
        o.putArray("features").addAll(JSON.<ArrayNode>valueToTree(m.featureNames()));
        return o;
    }

    private static String hostPort(HostInfo h) {
        return h.host() + ":" + h.port();
    }

    private static ObjectNode error(String message) {
        return JSON.createObjectNode().put("error", message);
    }

    private static void sendJson(HttpExchange ex, int status, Object body) throws IOException {
        send(ex, status, "application/json", JSON.writeValueAsBytes(body));
    }

    private static void send(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
