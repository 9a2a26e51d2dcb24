package io.grustreams.app.cli;

import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;

/**
 * One line for a Kafka failure the user fixes in the client settings, not in gru-streams: the broker
 * refused the credentials, the broker's certificate is not trusted (or does not name the host), or
 * the user may not do what the command does. Commands end with that line instead of a client's
 * exception text, which names neither the setting nor the cause.
 */
public final class KafkaFailures {

    private KafkaFailures() {
    }

    /**
     * The line for {@code failure} if it, or one of its causes, is such a failure.
     *
     * @return empty for any other failure
     */
    public static Optional<String> describe(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SslAuthenticationException) {
                return Optional.of(tls(t));
            }
            if (t instanceof SaslAuthenticationException) {
                return Optional.of("authentication failed: the broker refused the SASL credentials (check"
                        + " sasl.mechanism and the user name and password in sasl.jaas.config)" + detail(t));
            }
            if (t instanceof AuthenticationException) {
                return Optional.of("authentication failed (check security.protocol and the SASL or TLS settings)"
                        + detail(t));
            }
            if (t instanceof AuthorizationException) {
                return Optional.of("not authorized: the broker's ACLs do not allow this user to do this"
                        + detail(t));
            }
        }
        return Optional.empty();
    }

    /** A TLS handshake failure: an untrusted certificate is by far the commonest, then a host mismatch. */
    private static String tls(Throwable ssl) {
        for (Throwable t = ssl; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (t instanceof CertPathValidatorException || m.contains("PKIX path")
                    || m.contains("unable to find valid certification path")) {
                return "TLS failed: the broker's certificate is not trusted (check ssl.truststore.location:"
                        + " it must hold the CA that signed the broker's certificate)";
            }
            if (m.contains("subject alternative") || m.contains("No name matching")) {
                return "TLS failed: the broker's certificate does not name the host in bootstrap.servers"
                        + detail(t);
            }
            if (t instanceof CertificateException || t instanceof SSLHandshakeException) {
                return "TLS failed: the handshake with the broker was refused" + detail(t);
            }
        }
        return "TLS failed" + detail(ssl);
    }

    private static String detail(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? "" : ": " + m.strip().lines().findFirst().orElse("");
    }
}
