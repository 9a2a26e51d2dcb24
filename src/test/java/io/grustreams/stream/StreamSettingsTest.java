package io.grustreams.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class StreamSettingsTest {

    private static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    @Test
    void shouldUseDocumentedDefaults() {
        StreamSettings s = StreamSettings.defaults();
        assertEquals("events", s.eventsTopic());
        assertEquals("forecasts", s.forecastsTopic());
        assertEquals("alerts", s.alertsTopic());
        assertEquals("models", s.modelsTopic());
        assertEquals("dead-letters", s.deadLettersTopic());
        assertEquals("gru-state", s.stateStore());
        assertEquals("gru-models", s.modelStore());
        assertEquals(List.of("value"), s.features());
        assertEquals(256, s.ringSize());
        assertEquals(65536, s.eventMaxBytes());
        assertEquals(Optional.empty(), s.modelName());
    }

    @Test
    void shouldReadEveryGruKey() {
        StreamSettings s = StreamSettings.fromProperties(props(
                "gru.topic.events", "in", "gru.topic.forecasts", "out", "gru.topic.alerts", "al",
                "gru.topic.models", "m", "gru.topic.dead-letters", "dlq", "gru.store.state", "st",
                "gru.store.models", "ms", "gru.features", " temp , load ", "gru.ring.size", "16",
                "gru.event.max.bytes", "1024", "gru.model.name", "boiler", "bootstrap.servers", "x:9092"));
        assertEquals(List.of("in", "out", "al", "m", "dlq"), List.of(s.topic("events"), s.topic("forecasts"),
                s.topic("alerts"), s.topic("models"), s.topic("dead-letters")));
        assertEquals("st", s.stateStore());
        assertEquals("ms", s.modelStore());
        assertEquals(List.of("temp", "load"), s.features());
        assertEquals(16, s.ringSize());
        assertEquals(1024, s.eventMaxBytes());
        assertEquals(Optional.of("boiler"), s.modelName());
    }

    @Test
    void shouldRejectInvalidValuesNamingTheKey() {
        Map<Properties, String> cases = Map.of(
                props("gru.ring.size", "0"), "gru.ring.size must be in",
                props("gru.ring.size", "lots"), "gru.ring.size is not an integer",
                props("gru.event.max.bytes", "10"), "gru.event.max.bytes must be in",
                props("gru.features", "a,,b"), "gru.features has an empty feature name",
                props("gru.features", "a,b,a"), "gru.features names 'a' twice",
                props("gru.topic.events", "has space"), "gru.topic.events 'has space'",
                props("gru.topic.alerts", "forecasts"), "gru.topic.* names must differ",
                props("gru.store.models", "gru-state"), "must differ",
                props("gru.ring.sise", "8"), "unknown setting 'gru.ring.sise'");
        for (Map.Entry<Properties, String> c : cases.entrySet()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> StreamSettings.fromProperties(c.getKey()));
            assertTrue(e.getMessage().contains(c.getValue()), e.getMessage());
        }
    }

    @Test
    void shouldDefaultKafkaStreamsToExactlyOnceV2AndDropGruKeys() {
        Properties k = StreamSettings.kafkaProperties(props("bootstrap.servers", "b:9092", "gru.ring.size", "8"));
        assertEquals(StreamsConfig.EXACTLY_ONCE_V2, k.getProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
        assertEquals("gru-streams", k.getProperty(StreamsConfig.APPLICATION_ID_CONFIG));
        assertEquals("b:9092", k.getProperty(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG));
        assertEquals(String.valueOf(StreamSettings.DEFAULT_MAX_REQUEST_BYTES),
                k.getProperty("producer.max.request.size"));
        assertEquals(null, k.getProperty("gru.ring.size"));
        new StreamsConfig(k);
    }

    @Test
    void shouldKeepTheCallersProcessingGuarantee() {
        Properties k = StreamSettings.kafkaProperties(props(StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
                StreamsConfig.AT_LEAST_ONCE, StreamsConfig.APPLICATION_ID_CONFIG, "mine"));
        assertEquals(StreamsConfig.AT_LEAST_ONCE, k.getProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
        assertEquals("mine", k.getProperty(StreamsConfig.APPLICATION_ID_CONFIG));
    }
}
