package io.grustreams.app.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    @Test
    void shouldWarnWhenOtherMachinesCanReachTheApiWithoutAToken(@TempDir Path dir) throws IOException {
        Optional<String> open = HttpEndpoint.from(props("gru.http.host", "0.0.0.0",
                "application.server", "gru-streams-0:8080")).exposureWarning();
        assertTrue(open.isPresent());
        assertTrue(open.get().contains("gru.http.token-file is not set"), open.get());

        assertEquals(Optional.empty(), HttpEndpoint.from(props()).exposureWarning(), "loopback only");
        assertEquals(Optional.empty(), HttpEndpoint.from(props("gru.http.host", "::1")).exposureWarning(),
                "IPv6 loopback");
        Path token = Files.writeString(dir.resolve("token"), "s3cret-of-twenty-chars\n");
        assertEquals(Optional.empty(), HttpEndpoint.from(props("gru.http.host", "0.0.0.0",
                "application.server", "gru-streams-0:8080", "gru.http.token-file", token.toString())).exposureWarning(),
                "protected");
    }

    @Test
    void shouldReadTheTokenFileWithoutItsNewlineAndNeverShowIt(@TempDir Path dir) throws IOException {
        Path token = Files.writeString(dir.resolve("token"), "s3cret-of-twenty-chars\n");
        HttpEndpoint e = HttpEndpoint.from(props("gru.http.token-file", token.toString()));
        BearerToken t = e.token().orElseThrow();
        assertTrue(t.accepts("Bearer s3cret-of-twenty-chars"));
        assertFalse(t.accepts("Bearer s3cret-of-twenty-chars\n-more"));
        assertFalse(e.toString().contains("s3cret"), e.toString());
        assertEquals(Optional.empty(), HttpEndpoint.from(props()).token());
    }

    @Test
    void shouldRefuseAMissingOrWeakTokenFileNamingTheKey(@TempDir Path dir) throws IOException {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> HttpEndpoint.from(props("gru.http.token-file", dir.resolve("absent").toString())));
        assertTrue(missing.getMessage().startsWith("gru.http.token-file names a file that cannot be read: "),
                missing.getMessage());
        Path weak = Files.writeString(dir.resolve("weak"), "hunter2\n");
        IllegalArgumentException shortToken = assertThrows(IllegalArgumentException.class,
                () -> HttpEndpoint.from(props("gru.http.token-file", weak.toString())));
        assertEquals("gru.http.token-file (" + weak + "): the token has 7 characters, fewer than 16"
                + " (e.g. openssl rand -hex 32)", shortToken.getMessage());
        Path spaced = Files.writeString(dir.resolve("spaced"), "two words of a passphrase\n");
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> HttpEndpoint.from(props("gru.http.token-file", spaced.toString()))).getMessage()
                .endsWith("the token must be visible ASCII without spaces; character 3 is not"));
    }
}
