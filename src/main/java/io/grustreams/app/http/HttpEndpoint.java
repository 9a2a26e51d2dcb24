package io.grustreams.app.http;

import io.grustreams.stream.SettingsDefinition;
import io.grustreams.stream.StreamSettings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigDef;
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
 *       for a specific bind address (a wildcard one names no host).</li>
 * </ul>
 *
 * @param bind the address to listen on
 * @param advertised this instance's {@code application.server}
 * @param token what {@code /keys} and {@code /models} require, if anything
 */
public record HttpEndpoint(InetSocketAddress bind, HostInfo advertised, Optional<BearerToken> token) {

    public static final String HOST = StreamSettings.APP_PREFIX + "host";
    public static final String PORT = StreamSettings.APP_PREFIX + "port";
    /** A file holding the bearer token {@code /keys} and {@code /models} require; unset for none. */
    public static final String TOKEN_FILE = StreamSettings.APP_PREFIX + "token-file";
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;

    private static final ConfigDef DEFINITION = define(new ConfigDef());

    /** Declares {@value #HOST} and {@value #PORT} in {@code def}, the app's part of the one declaration of its keys. */
    public static ConfigDef define(ConfigDef def) {
        return def.define(HOST, ConfigDef.Type.STRING, DEFAULT_HOST, SettingsDefinition.checkedBy("a host", (k, v) -> {
            if (((String) v).isBlank()) {
                throw new IllegalArgumentException(HOST + " is empty; use 127.0.0.1 (this machine only) or 0.0.0.0 (all)");
            }
        }), ConfigDef.Importance.MEDIUM, "address the HTTP API binds; 0.0.0.0 for all (then set application.server)")
                .define(PORT, ConfigDef.Type.INT, DEFAULT_PORT, SettingsDefinition.intIn(1, 65535),
                        ConfigDef.Importance.MEDIUM, "port of the HTTP API")
                .define(TOKEN_FILE, ConfigDef.Type.STRING, "", ConfigDef.Importance.MEDIUM,
                        "file holding the bearer token /keys and /models then require; the same file on every instance");
    }

    /**
     * Reads the keys above.
     *
     * @param props the app's merged configuration. Not modified.
     * @throws IllegalArgumentException naming the key that is invalid or missing
     */
    public static HttpEndpoint from(Properties props) {
        Map<String, Object> values = SettingsDefinition.parse(DEFINITION, props);
        String host = ((String) values.get(HOST)).trim();
        int port = (Integer) values.get(PORT);
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
        String tokenFile = ((String) values.get(TOKEN_FILE)).trim();
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
