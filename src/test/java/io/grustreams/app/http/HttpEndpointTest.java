package io.grustreams.app.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetSocketAddress;
import java.util.Properties;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

class HttpEndpointTest {

    private static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    @Test
    void shouldBindLoopbackPort8080AndAdvertiseItByDefault() {
        HttpEndpoint e = HttpEndpoint.from(props());
        assertEquals(new InetSocketAddress("127.0.0.1", 8080), e.bind());
        assertEquals(new HostInfo("127.0.0.1", 8080), e.advertised());
        assertEquals("127.0.0.1:8080", e.applicationServer());
    }

    @Test
    void shouldAdvertiseTheConfiguredApplicationServerWhenBoundToAllInterfaces() {
        HttpEndpoint e = HttpEndpoint.from(props("gru.http.host", "0.0.0.0", "gru.http.port", "9000",
                "application.server", "gru-streams-1.gru-streams.prod.svc.cluster.local:9000"));
        assertEquals(new InetSocketAddress("0.0.0.0", 9000), e.bind());
        assertEquals(new HostInfo("gru-streams-1.gru-streams.prod.svc.cluster.local", 9000), e.advertised());
    }

    @Test
    void shouldRefuseAWildcardBindWithoutAnAddressOthersCanReach() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HttpEndpoint.from(props("gru.http.host", "0.0.0.0")));
        assertEquals("gru.http.host is 0.0.0.0, which other instances cannot connect to: set application.server"
                + " to the host:port they reach this one at", e.getMessage());
    }

    @Test
    void shouldNameTheKeyOfABadPort() {
        assertEquals("gru.http.port is not an integer: 'http'", assertThrows(IllegalArgumentException.class,
                () -> HttpEndpoint.from(props("gru.http.port", "http"))).getMessage());
        assertEquals("gru.http.port must be in [1, 65535]: 0", assertThrows(IllegalArgumentException.class,
                () -> HttpEndpoint.from(props("gru.http.port", "0"))).getMessage());
    }
}
