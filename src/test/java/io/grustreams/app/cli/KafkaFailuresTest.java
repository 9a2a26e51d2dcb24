package io.grustreams.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.cert.CertPathValidatorException;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLHandshakeException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

class KafkaFailuresTest {

    /** What the JDK's trust manager throws for a certificate no trusted CA signed, as Kafka wraps it. */
    private static SslAuthenticationException untrusted() {
        SSLHandshakeException handshake = new SSLHandshakeException("PKIX path building failed: "
                + "sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path"
                + " to requested target");
        handshake.initCause(new CertPathValidatorException("unable to find valid certification path"));
        return new SslAuthenticationException("SSL handshake failed", handshake);
    }

    @Test
    void shouldSayTheCredentialsWereRefusedThroughAnyWrapping() {
        SaslAuthenticationException sasl = new SaslAuthenticationException("Authentication failed during"
                + " authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512");
        Throwable wrapped = new IllegalStateException("cannot list the topics at 127.0.0.1:9093",
                new ExecutionException(sasl));
        Optional<String> line = KafkaFailures.describe(wrapped);
        assertTrue(line.orElseThrow().startsWith("authentication failed: the broker refused the SASL credentials"),
                line.get());
        assertTrue(line.get().contains("invalid credentials"), line.get());
        assertEquals(1, line.get().lines().count());
    }

    @Test
    void shouldSayTheCertificateIsNotTrusted() {
        Optional<String> line = KafkaFailures.describe(new StreamsException(new KafkaException("poll", untrusted())));
        assertTrue(line.orElseThrow().contains("certificate is not trusted"), line.get());
        assertTrue(line.get().contains("ssl.truststore.location"), line.get());
    }

    @Test
    void shouldSayTheCertificateDoesNotNameTheHost() {
        SSLHandshakeException handshake = new SSLHandshakeException("No subject alternative names matching IP"
                + " address 10.0.0.7 found");
        Optional<String> line = KafkaFailures.describe(new SslAuthenticationException("SSL handshake failed",
                handshake));
        assertTrue(line.orElseThrow().contains("does not name the host"), line.get());
    }

    @Test
    void shouldSayTheUserIsNotAuthorized() {
        Optional<String> line = KafkaFailures.describe(new TopicAuthorizationException("Not authorized to access"
                + " topics: [events]"));
        assertTrue(line.orElseThrow().startsWith("not authorized"), line.get());
        assertTrue(line.get().contains("[events]"), line.get());
    }

    @Test
    void shouldLeaveEveryOtherFailureToTheCaller() {
        assertEquals(Optional.empty(), KafkaFailures.describe(new IllegalStateException("topic missing",
                new KafkaException("timeout"))));
        assertEquals(Optional.empty(), KafkaFailures.describe(new IllegalArgumentException((String) null)));
    }
}
