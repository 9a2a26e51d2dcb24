package io.grustreams.app.http;

import io.grustreams.stream.StreamSettings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Where {@code run} serves HTTP and how other instances reach it, from the app's configuration:
 * <ul>
 *   <li>{@value #HOST} (default {@value #DEFAULT_HOST}): the address to bind; {@code 0.0.0.0} to
 *       accept connections from other machines (containers, pods);</li>
 *   <li>{@value #PORT} (default {@value #DEFAULT_PORT}): the port;</li>
 *   <li>Kafka Streams' {@code application.server}: {@code host:port} other instances use to forward
 *       key queries here. When absent it is {@value #HOST}:{@value #PORT}, which is only possible
 *       for a specific bind address (a wildcard one names no host);</li>
 *   <li>{@value #TOKEN_FILE} (default none): a file holding the bearer token that {@code /keys} and
 *       {@code /models} then require ({@link BearerToken}); every instance of an application is given
 *       the same one. {@code /health}, {@code /ready} and {@code /metrics} stay open for probes and
 *       scrapers.</li>
 * </ul>
 *
 * @param bind the address to listen on
 * @param advertised this instance's {@code application.server}
 * @param token what {@code /keys} and {@code /models} require, if anything
 */
public record HttpEndpoint(InetSocketAddress bind, HostInfo advertised, Optional<BearerToken> token) {

    public static final String HOST = StreamSettings.HTTP_HOST;
    public static final String PORT = StreamSettings.HTTP_PORT;
    public static final String TOKEN_FILE = StreamSettings.HTTP_TOKEN_FILE;
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;

    /**
     * Reads the keys above.
     *
     * @param props the app's merged configuration. Not modified.
     * @throws IllegalArgumentException naming the key that is invalid or missing
     */
    public static HttpEndpoint from(Properties props) {
        String host = props.getProperty(HOST, DEFAULT_HOST).trim();
        if (host.isEmpty()) {
            throw new IllegalArgumentException(HOST + " is empty; use 127.0.0.1 (this machine only) or 0.0.0.0 (all)");
        }
        String portText = props.getProperty(PORT, String.valueOf(DEFAULT_PORT)).trim();
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PORT + " is not a port number: '" + portText + "'", e);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(PORT + " must be in [1, 65535]: " + port);
        }
        String server = props.getProperty(StreamsConfig.APPLICATION_SERVER_CONFIG);
        HostInfo advertised;
        if (server == null || server.isBlank()) {
            if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
                throw new IllegalArgumentException(HOST + " is " + host + ", which other instances cannot connect to: set "
                        + StreamsConfig.APPLICATION_SERVER_CONFIG + " to the host:port they reach this one at");
            }
            advertised = new HostInfo(host, port);
        } else {
            try {
                advertised = HostInfo.buildFromEndpoint(server.trim());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(StreamsConfig.APPLICATION_SERVER_CONFIG + " is not host:port: '"
                        + server + "'", e);
            }
            if (advertised == null) {
                throw new IllegalArgumentException(StreamsConfig.APPLICATION_SERVER_CONFIG + " is empty");
            }
        }
        String tokenFile = props.getProperty(TOKEN_FILE, "").trim();
        Optional<BearerToken> token = tokenFile.isEmpty() ? Optional.empty()
                : Optional.of(BearerToken.fromFile(Path.of(tokenFile), TOKEN_FILE));
        return new HttpEndpoint(new InetSocketAddress(host, port), advertised, token);
    }

    /**
     * What to warn about at start: an API that other machines can reach (any bind address but a
     * loopback one) without a token hands every key's state and the models to whoever connects.
     *
     * @return the warning, or empty when the API is loopback-only or protected
     */
    public Optional<String> exposureWarning() {
        InetAddress address = bind.getAddress();
        if (token.isPresent() || (address != null && address.isLoopbackAddress())) {
            return Optional.empty();
        }
        return Optional.of("the HTTP API on " + bind + " is reachable beyond this machine and " + TOKEN_FILE
                + " is not set: anyone who can connect reads /keys and /models; set " + TOKEN_FILE
                + " (the same token file on every instance) or bind " + HOST + " to 127.0.0.1");
    }

    /** The {@code application.server} value: {@code host:port}. */
    public String applicationServer() {
        return advertised.host() + ":" + advertised.port();
    }
}
