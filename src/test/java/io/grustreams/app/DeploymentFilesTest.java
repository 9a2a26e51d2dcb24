package io.grustreams.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grustreams.app.http.HttpEndpoint;
import io.grustreams.stream.StreamSettings;
import io.grustreams.stream.TopicSpec;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

/**
 * The deployment files agree with the code: {@code docker-compose.yml}, {@code deploy/prometheus.yml}
 * and the Kubernetes manifests parse, use the topics of {@code topics/} and only configuration keys
 * the app knows, and point their probes and scrapes at the configured HTTP port.
 */
class DeploymentFilesTest {

    private static final ObjectMapper YAML = yamlMapper();

    /**
     * Jackson's YAML factory is on the classpath only at runtime (through Kafka's tooling), so it is
     * looked up by name rather than compiled against; pom.xml is not to change for a test.
     */
    private static ObjectMapper yamlMapper() {
        try {
            return new ObjectMapper((JsonFactory) Class.forName("com.fasterxml.jackson.dataformat.yaml.YAMLFactory")
                    .getDeclaredConstructor().newInstance());
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("jackson-dataformat-yaml is not on the test classpath", e);
        }
    }

    private static List<JsonNode> documents(Path file) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            while (it.hasNext()) {
                JsonNode d = it.next();
                if (d != null && !d.isNull() && !d.isMissingNode()) {
                    docs.add(d);
                }
            }
        }
        return docs;
    }

    private static Properties properties(String text) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(text));
        return p;
    }

    /** Checks an app config against the code and topics/; returns its HTTP port. */
    private static int checkAppConfig(String where, Properties p) throws IOException {
        // What run, train and topics apply read: unknown gru.* keys and bad values throw here.
        StreamSettings settings = StreamSettings.fromProperties(p);
        for (TopicSpec spec : TopicSpec.loadDirectory(Path.of("topics"))) {
            assertEquals(spec.name(), settings.topic(spec.role()), where + ": topic of role " + spec.role()
                    + " is not the one topics/ creates");
        }
        assertNotNull(p.getProperty("bootstrap.servers"), where + ": bootstrap.servers");
        assertNotNull(p.getProperty("state.dir"), where + ": state.dir");
        return Integer.parseInt(p.getProperty(HttpEndpoint.PORT));
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void shouldRunEveryPartOfTheComposeFileOnTheTopicsAndPortsTheAppUses() throws IOException {
        JsonNode services = documents(Path.of("docker-compose.yml")).get(0).get("services");
        assertEquals("apache/kafka:4.3.1", services.get("kafka").get("image").asText());
        Properties app = properties(Files.readString(Path.of("deploy", "gru-streams.properties")));
        int port = checkAppConfig("deploy/gru-streams.properties", app);

        // Every mounted file exists, and the app config is the one every service reads.
        for (String name : List.of("topics", "app", "trainer", "prometheus")) {
            for (JsonNode v : services.get(name).get("volumes")) {
                String source = v.asText().split(":")[0];
                if (source.startsWith("./")) {
                    assertTrue(Files.isRegularFile(Path.of(source)), name + " mounts missing " + source);
                }
            }
        }
        assertEquals(List.of("topics", "apply", "--config", "/etc/gru-streams/app.properties", "--dir", "/app/topics"),
                strings(services.get("topics").get("command")));
        assertEquals(List.of("run", "--config", "/etc/gru-streams/app.properties"),
                strings(services.get("app").get("command")));
        List<String> trainer = strings(services.get("trainer").get("command"));
        assertEquals("train", trainer.get(0));
        assertEquals("PT1H", trainer.get(trainer.indexOf("--every") + 1));
        assertEquals("service_completed_successfully",
                services.get("app").get("depends_on").get("topics").get("condition").asText());
        assertEquals("service_healthy",
                services.get("topics").get("depends_on").get("kafka").get("condition").asText());

        // The app reaches the broker through the listener the broker advertises.
        String advertised = services.get("kafka").get("environment").get("KAFKA_ADVERTISED_LISTENERS").asText();
        assertEquals("PLAINTEXT://" + app.getProperty("bootstrap.servers"), advertised);
        assertTrue(strings(services.get("app").get("ports")).contains("127.0.0.1:" + port + ":" + port));
        assertEquals(new HostInfo("app", port), HttpEndpoint.from(app).advertised());

        JsonNode scrape = documents(Path.of("deploy", "prometheus.yml")).get(0).get("scrape_configs").get(0);
        assertEquals("/metrics", scrape.get("metrics_path").asText());
        assertEquals(List.of("app:" + port), strings(scrape.get("static_configs").get(0).get("targets")));
    }

    @Test
    void shouldDeclareTheKubernetesObjectsTheAppNeedsConsistently() throws IOException {
        Map<String, JsonNode> byKind = new HashMap<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(Path.of("deploy", "k8s"))) {
            files = s.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
        assertFalse(files.isEmpty());
        for (Path f : files) {
            for (JsonNode doc : documents(f)) {
                assertTrue(doc.hasNonNull("apiVersion") && doc.hasNonNull("kind") && doc.at("/metadata/name").isTextual(),
                        f + ": every object has apiVersion, kind and metadata.name");
                byKind.put(doc.get("kind").asText(), doc);
            }
        }
        JsonNode configMap = byKind.get("ConfigMap");
        JsonNode set = byKind.get("StatefulSet");
        JsonNode service = byKind.get("Service");
        JsonNode cron = byKind.get("CronJob");
        assertNotNull(configMap);
        assertNotNull(set);
        assertNotNull(service);
        assertNotNull(cron);
        assertNotNull(byKind.get("Job"));

        Properties app = properties(configMap.at("/data/app.properties").asText());
        int port = checkAppConfig("ConfigMap", app);
        assertEquals("0.0.0.0", app.getProperty("gru.http.host"), "pods are reached from other pods");

        // Headless service, and the StatefulSet's pods named under it.
        assertEquals("None", service.at("/spec/clusterIP").asText());
        assertEquals(service.at("/metadata/name").asText(), set.at("/spec/serviceName").asText());
        assertEquals(set.at("/spec/template/metadata/labels"), service.at("/spec/selector"));

        JsonNode c = set.at("/spec/template/spec/containers/0");
        assertEquals(port, c.at("/ports/0/containerPort").asInt());
        assertEquals("/ready", c.at("/readinessProbe/httpGet/path").asText());
        assertEquals("/health", c.at("/livenessProbe/httpGet/path").asText());
        assertTrue(c.at("/resources/limits/memory").isTextual() && c.at("/resources/limits/cpu").isTextual());
        String script = c.at("/args/0").asText();
        assertTrue(script.contains("application.server=${POD_NAME}." + service.at("/metadata/name").asText()
                + ".${POD_NAMESPACE}.svc.cluster.local:" + port), script);
        assertTrue(script.contains("run --config /tmp/app.properties"), script);
        app.setProperty("application.server", "gru-streams-0.gru-streams.default.svc.cluster.local:" + port);
        assertEquals(port, HttpEndpoint.from(app).bind().getPort());

        // The state directory is on the persistent volume.
        String claim = set.at("/spec/volumeClaimTemplates/0/metadata/name").asText();
        boolean mounted = false;
        for (JsonNode m : c.get("volumeMounts")) {
            mounted |= m.get("name").asText().equals(claim) && m.get("mountPath").asText().equals(app.getProperty("state.dir"));
        }
        assertTrue(mounted, "state.dir " + app.getProperty("state.dir") + " is the mount of volume claim " + claim);

        JsonNode trainer = cron.at("/spec/jobTemplate/spec/template/spec/containers/0");
        assertEquals("train", trainer.at("/args/0").asText());
        assertEquals(configMap.at("/metadata/name").asText(),
                cron.at("/spec/jobTemplate/spec/template/spec/volumes/0/configMap/name").asText());
        assertEquals("Forbid", cron.at("/spec/concurrencyPolicy").asText());
    }
}
