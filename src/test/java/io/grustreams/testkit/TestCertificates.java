package io.grustreams.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away certificate authority and a broker certificate it signs, made at test time with the
 * JDK's own {@code keytool} (no files from outside, no extra library): PKCS12 stores in a directory
 * of the test's. EC P-256 keys, valid two days; the broker certificate names 127.0.0.1 and localhost,
 * as clients verify the host.
 *
 * @param brokerKeyStore the broker's key and its chain (broker, CA)
 * @param trustStore the CA's certificate: what a client trusts
 * @param otherTrustStore the certificate of another CA, which did not sign the broker's: a client
 *     trusting only it must refuse the broker
 * @param password of every store and key
 */
public record TestCertificates(Path brokerKeyStore, Path trustStore, Path otherTrustStore, String password) {

    /** Makes the stores under {@code dir}. */
    public static TestCertificates create(Path dir) throws IOException {
        String pw = "test-store-secret";
        Path ca = dir.resolve("ca.p12");
        Path caPem = dir.resolve("ca.pem");
        Path other = dir.resolve("other-ca.p12");
        Path otherPem = dir.resolve("other-ca.pem");
        Path broker = dir.resolve("broker.p12");
        Path csr = dir.resolve("broker.csr");
        Path brokerPem = dir.resolve("broker.pem");
        Path trust = dir.resolve("truststore.p12");
        Path otherTrust = dir.resolve("other-truststore.p12");

        keyPair(ca, "ca", "CN=gru-streams test CA", pw, "-ext", "bc:c");
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca, "-storepass", pw, "-file", caPem);
        keyPair(other, "ca", "CN=another test CA", pw, "-ext", "bc:c");
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", other, "-storepass", pw, "-file", otherPem);

        keyPair(broker, "broker", "CN=127.0.0.1", pw);
        keytool("-certreq", "-alias", "broker", "-keystore", broker, "-storepass", pw, "-file", csr);
        keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", ca, "-storepass", pw, "-infile", csr,
                "-outfile", brokerPem, "-validity", "2", "-ext", "san=ip:127.0.0.1,dns:localhost");
        // The chain: the CA first, so the signed certificate's reply can be verified against it.
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem, "-keystore", broker, "-storepass", pw);
        keytool("-importcert", "-alias", "broker", "-file", brokerPem, "-keystore", broker, "-storepass", pw);

        trustOnly(trust, caPem, pw);
        trustOnly(otherTrust, otherPem, pw);
        return new TestCertificates(broker, trust, otherTrust, pw);
    }

    private static void keyPair(Path store, String alias, String dname, String pw, String... extra)
            throws IOException {
        List<Object> args = new ArrayList<>(List.of("-genkeypair", "-alias", alias, "-dname", dname, "-keyalg", "EC",
                "-groupname", "secp256r1", "-validity", "2", "-storetype", "PKCS12", "-keystore", store,
                "-storepass", pw, "-keypass", pw));
        args.addAll(List.of(extra));
        keytool(args.toArray());
    }

    private static void trustOnly(Path store, Path pem, String pw) throws IOException {
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", pem, "-storetype", "PKCS12", "-keystore", store,
                "-storepass", pw);
    }

    /** Runs the keytool of the JDK running the tests. */
    private static void keytool(Object... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        for (Object a : args) {
            cmd.add(a.toString());
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("keytool " + String.join(" ", cmd.subList(1, cmd.size())) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted running keytool", e);
        }
    }
}
