package io.grustreams.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
        assertEquals(f.toString(), c.origins().get("application.id"));
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
}
