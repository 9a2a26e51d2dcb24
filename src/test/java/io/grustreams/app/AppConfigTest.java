package io.grustreams.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppConfigTest {

    @TempDir
    Path dir;

    private Path file(String text) throws IOException {
        return Files.writeString(dir.resolve("app.properties"), text);
    }

    @Test
    void shouldLetTheEnvironmentWinOverTheFileAndSetWinOverBoth() throws IOException {
        Path f = file("bootstrap.servers=file:9092\ngru.topic.events=file-events\napplication.id=from-file\n");
        AppConfig c = AppConfig.load(f, Map.of("GRUSTREAMS_BOOTSTRAP_SERVERS", "env:9092",
                "GRUSTREAMS_GRU_TOPIC_EVENTS", "env-events"), Map.of("gru.topic.events", "set-events"));
        assertEquals("env:9092", c.values().get("bootstrap.servers"));
        assertEquals("set-events", c.settings().eventsTopic());
        assertEquals("from-file", c.kafkaProperties().getProperty("application.id"));
        assertEquals("environment GRUSTREAMS_BOOTSTRAP_SERVERS", c.origins().get("bootstrap.servers"));
        assertEquals("--set", c.origins().get("gru.topic.events"));
        assertEquals("file " + f, c.origins().get("application.id"));
    }

    @Test
    void shouldMapEnvironmentNamesBackToKeysWithDashesAndPrefixes() throws IOException {
        AppConfig c = AppConfig.load(null, Map.of("GRUSTREAMS_GRU_ANOMALY_LONG_WINDOW", "500",
                "GRUSTREAMS_GRU_TOPIC_DEAD_LETTERS", "dl", "GRUSTREAMS_PRODUCER_LINGER_MS", "7",
                "GRUSTREAMS_NUM_STREAM_THREADS", "3", "PATH", "/bin", "GRUSTREAMS_SOMETHING_NEW", "x"), Map.of());
        assertEquals("500", c.values().get("gru.anomaly.long-window"));
        assertEquals(500, c.settings().anomaly().longWindow());
        assertEquals("dl", c.settings().deadLettersTopic());
        assertEquals("7", c.values().get("producer.linger.ms"));
        assertEquals("3", c.kafkaProperties().getProperty("num.stream.threads"));
        assertEquals("x", c.values().get("something.new"));
        assertEquals(5, c.values().size());
    }

    @Test
    void shouldSpellTheEnvironmentNameOfAKey() {
        assertEquals("GRUSTREAMS_BOOTSTRAP_SERVERS", AppConfig.envName("bootstrap.servers"));
        assertEquals("GRUSTREAMS_GRU_TOPIC_DEAD_LETTERS", AppConfig.envName("gru.topic.dead-letters"));
    }

    @Test
    void shouldRejectAnEnvironmentNameThatTwoKeysOfTheFileMatch() throws IOException {
        Path f = file("my.custom-key=1\nmy.custom.key=2\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AppConfig.load(f, Map.of("GRUSTREAMS_MY_CUSTOM_KEY", "3"), Map.of()));
        assertTrue(e.getMessage().contains("my.custom-key") && e.getMessage().contains("my.custom.key"), e.getMessage());
    }

    @Test
    void shouldNameTheKeyAndItsSourceWhenAGruSettingIsInvalid() throws IOException {
        AppConfig c = AppConfig.load(file("gru.ring.size=zero\n"), Map.of(), Map.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, c::settings);
        assertTrue(e.getMessage().startsWith("gru.ring.size") && e.getMessage().contains("app.properties"),
                e.getMessage());
    }

    @Test
    void shouldApplyTheProductDefaultsToKafkaStreams() throws IOException {
        AppConfig c = AppConfig.load(null, Map.of(), Map.of("bootstrap.servers", "b:1"));
        assertEquals("exactly_once_v2", c.kafkaProperties().getProperty("processing.guarantee"));
        assertEquals("gru-streams", c.kafkaProperties().getProperty("application.id"));
    }

    @Test
    void shouldSayThatAMissingFileIsMissing() {
        Path missing = dir.resolve("missing.properties");
        ConfigurationError e = assertThrows(ConfigurationError.class, () -> AppConfig.load(missing, Map.of(), Map.of()));
        assertEquals("configuration file " + missing + " does not exist", e.getMessage());
        assertEquals("configuration file " + dir + " is not a file",
                assertThrows(ConfigurationError.class, () -> AppConfig.load(dir, Map.of(), Map.of())).getMessage());
    }

    @Test
    void shouldNameTheKeyTheValueAndTheVariableOfABadValueFromTheEnvironment() throws IOException {
        AppConfig c = AppConfig.load(null, Map.of("GRUSTREAMS_GRU_FORECAST_HORIZON", "0"), Map.of());
        assertEquals("gru.forecast.horizon must be in [1, 1024]: 0 (from environment GRUSTREAMS_GRU_FORECAST_HORIZON)",
                assertThrows(ConfigurationError.class, c::settings).getMessage());
        AppConfig port = AppConfig.load(null, Map.of(), Map.of("gru.http.port", "http"));
        assertEquals("gru.http.port is not an integer: 'http' (from --set)",
                assertThrows(ConfigurationError.class, port::settings).getMessage());
    }

    @Test
    void shouldRejectAnUnknownAppKeyNamingItsSource() throws IOException {
        AppConfig c = AppConfig.load(file("gru.http.prot=1\n"), Map.of(), Map.of());
        ConfigurationError e = assertThrows(ConfigurationError.class, c::settings);
        assertTrue(e.getMessage().startsWith("unknown setting 'gru.http.prot' (from file " + dir), e.getMessage());
    }

    @Test
    void shouldDescribeEveryDeclaredKeyWithItsValueOrDefaultAndItsSource() throws IOException {
        Path f = file("bootstrap.servers=file:9092\ngru.ring.size=16\ngru.feature.value.min=0\n");
        AppConfig c = AppConfig.load(f, Map.of("GRUSTREAMS_GRU_TOPIC_MODELS", "env-models"),
                Map.of("gru.ring.size", "64"));
        Map<String, AppConfig.Entry> byKey = new HashMap<>();
        c.describe().forEach(e -> byKey.put(e.key(), e));
        assertTrue(byKey.keySet().containsAll(AppConfig.definition().names()), byKey.keySet().toString());
        assertEquals(new AppConfig.Entry("gru.ring.size", "64", "--set"), byKey.get("gru.ring.size"));
        assertEquals(new AppConfig.Entry("gru.topic.models", "env-models", "environment GRUSTREAMS_GRU_TOPIC_MODELS"),
                byKey.get("gru.topic.models"));
        assertEquals(new AppConfig.Entry("bootstrap.servers", "file:9092", "file " + f), byKey.get("bootstrap.servers"));
        assertEquals(new AppConfig.Entry("gru.feature.value.min", "0", "file " + f), byKey.get("gru.feature.value.min"));
        assertEquals(new AppConfig.Entry("gru.anomaly.min-residual-std", "0.000001", "default"),
                byKey.get("gru.anomaly.min-residual-std"));
        assertEquals(new AppConfig.Entry("processing.guarantee", "exactly_once_v2", "default"),
                byKey.get("processing.guarantee"));
        List<String> keys = c.describe().stream().map(AppConfig.Entry::key).toList();
        assertEquals(keys.stream().sorted().toList(), keys, "sorted by key");
    }

    @Test
    void shouldMaskPasswordsSecretsTokensKeysAndJaas() throws IOException {
        AppConfig c = AppConfig.load(file("ssl.key.password=hunter2\nsasl.jaas.config=x password=\"p\";\n"
                + "ssl.keystore.key=PEM\nsasl.oauthbearer.client.credentials.client.secret=s\n"
                + "my.api.token=t\ndefault.key.serde=org.example.Serde\nssl.keystore.type=PKCS12\n"),
                Map.of("GRUSTREAMS_SSL_TRUSTSTORE_PASSWORD", "changeit"), Map.of());
        Map<String, String> shown = new HashMap<>();
        c.describe().forEach(e -> shown.put(e.key(), e.value()));
        for (String secret : List.of("ssl.key.password", "sasl.jaas.config", "ssl.keystore.key",
                "sasl.oauthbearer.client.credentials.client.secret", "my.api.token", "ssl.truststore.password")) {
            assertEquals(AppConfig.MASK, shown.get(secret), secret);
        }
        assertEquals("org.example.Serde", shown.get("default.key.serde"));
        assertEquals("PKCS12", shown.get("ssl.keystore.type"));
        assertTrue(c.describe().stream().noneMatch(e -> e.value().contains("hunter2") || e.value().contains("changeit")));
    }
}
