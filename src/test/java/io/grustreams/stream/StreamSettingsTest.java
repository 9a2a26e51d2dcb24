package io.grustreams.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grustreams.anomaly.AnomalyConfig;
import io.grustreams.anomaly.FeatureRange;
import io.grustreams.model.InputSpec;
import io.grustreams.model.TimeInput;
import java.time.ZoneId;
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
        assertEquals("gru-ring", s.ringStore());
        assertEquals(List.of("value"), s.features());
        assertEquals(32, s.ringSize());
        assertEquals(1024, s.decodedKeys());
        assertEquals(32 * 1024 * 1024, s.decodedMaxBytes());
        assertEquals(65536, s.eventMaxBytes());
        assertEquals(Optional.empty(), s.modelName());
        assertEquals(4, s.modelKeep());
        assertEquals(InputSpec.Scaling.PER_KEY, s.inputs().scaling());
        assertEquals(288.0, s.inputs().scaleHalfLife());
        assertEquals(List.of(TimeInput.TIME_OF_DAY, TimeInput.DAY_OF_WEEK), s.inputs().time());
        assertEquals(ZoneId.of("UTC"), s.inputs().zone());
        assertEquals(1, s.horizon());
    }

    @Test
    void shouldReadTheInputsAndTheHorizon() {
        StreamSettings s = StreamSettings.fromProperties(props("gru.inputs.scaling", "per-key",
                "gru.inputs.scale-half-life", "96", "gru.inputs.time", " gap , time-of-day ",
                "gru.inputs.time-zone", "America/Chicago", "gru.forecast.horizon", "12"));
        assertEquals(96.0, s.inputs().scaleHalfLife());
        assertEquals(List.of(TimeInput.GAP, TimeInput.TIME_OF_DAY), s.inputs().time());
        assertEquals(ZoneId.of("America/Chicago"), s.inputs().zone());
        assertEquals(12, s.horizon());
        assertEquals(12, s.engine().horizon());
        StreamSettings none = StreamSettings.fromProperties(props("gru.inputs.scaling", "global",
                "gru.inputs.time", "none"));
        assertEquals(InputSpec.Scaling.GLOBAL, none.inputs().scaling());
        assertEquals(List.of(), none.inputs().time());
        assertEquals(List.of(), StreamSettings.fromProperties(props("gru.inputs.time", "")).inputs().time());
    }

    @Test
    void shouldReadEveryGruKey() {
        StreamSettings s = StreamSettings.fromProperties(props(
                "gru.topic.events", "in", "gru.topic.forecasts", "out", "gru.topic.alerts", "al",
                "gru.topic.models", "m", "gru.topic.dead-letters", "dlq", "gru.store.state", "st",
                "gru.store.models", "ms", "gru.features", " temp , load ", "gru.ring.size", "16",
                "gru.state.decoded-keys", "7", "gru.state.decoded-max-bytes", "65536",
                "gru.event.max.bytes", "1024", "gru.model.name", "boiler", "gru.model.keep", "2", "bootstrap.servers", "x:9092"));
        assertEquals(List.of("in", "out", "al", "m", "dlq"), List.of(s.topic("events"), s.topic("forecasts"),
                s.topic("alerts"), s.topic("models"), s.topic("dead-letters")));
        assertEquals("st", s.stateStore());
        assertEquals("ms", s.modelStore());
        assertEquals(List.of("temp", "load"), s.features());
        assertEquals(16, s.ringSize());
        assertEquals(7, s.decodedKeys());
        assertEquals(65536, s.decodedMaxBytes());
        assertEquals(1024, s.eventMaxBytes());
        assertEquals(Optional.of("boiler"), s.modelName());
        assertEquals(2, s.modelKeep());
    }

    @Test
    void shouldReadEveryAnomalyKnob() {
        AnomalyConfig a = StreamSettings.fromProperties(props(
                "gru.anomaly.residual-half-life", "50", "gru.anomaly.residual-warmup", "5",
                "gru.anomaly.min-residual-std", "0.01", "gru.anomaly.short-window", "3",
                "gru.anomaly.long-window", "40", "gru.anomaly.learning-period", "20",
                "gru.anomaly.min-likelihood-variance", "0.001", "gru.anomaly.open-threshold", "0.999",
                "gru.anomaly.open-after", "1", "gru.anomaly.resolve-threshold", "0.9",
                "gru.anomaly.resolve-after", "4", "gru.anomaly.cooldown", "7")).anomaly();
        assertEquals(new AnomalyConfig(50, 5, 0.01, 3, 40, 20, 0.001, 0.999, 1, 0.9, 4, 7), a);
        assertEquals(AnomalyConfig.defaults(), StreamSettings.defaults().anomaly());
    }

    @Test
    void shouldReadTheRangeResolutionAndRejectOneOutsideZeroToOne() {
        assertEquals(0.05, StreamSettings.fromProperties(props("gru.anomaly.range-resolution", "0.05")).anomaly()
                .rangeResolution());
        assertEquals(0.01, StreamSettings.defaults().anomaly().rangeResolution());
        assertRejected("gru.anomaly.range-resolution must be in [0, 1): 1", "gru.anomaly.range-resolution", "1");
        assertRejected("gru.anomaly.range-resolution", "gru.anomaly.range-resolution", "fine");
    }

    @Test
    void shouldRejectInvalidValuesNamingTheKey() {
        Map<Properties, String> cases = Map.ofEntries(
                Map.entry(props("gru.ring.size", "0"), "gru.ring.size must be in"),
                Map.entry(props("gru.ring.size", "lots"), "gru.ring.size is not an integer"),
                Map.entry(props("gru.state.decoded-max-bytes", "-1"), "gru.state.decoded-max-bytes must be in"),
                Map.entry(props("gru.event.max.bytes", "10"), "gru.event.max.bytes must be in"),
                Map.entry(props("gru.model.keep", "0"), "gru.model.keep must be in"),
                Map.entry(props("gru.features", "a,,b"), "gru.features has an empty feature name"),
                Map.entry(props("gru.features", "a,b,a"), "gru.features names 'a' twice"),
                Map.entry(props("gru.topic.events", "has space"), "gru.topic.events 'has space'"),
                Map.entry(props("gru.topic.alerts", "forecasts"), "gru.topic.* names must differ"),
                Map.entry(props("gru.store.models", "gru-state"), "must differ"),
                Map.entry(props("gru.store.ring", "gru-state"), "gru.store.ring must differ"),
                Map.entry(props("gru.ring.sise", "8"), "unknown setting 'gru.ring.sise'"),
                Map.entry(props("gru.anomaly.open-after", "two"), "gru.anomaly.open-after is not an integer"),
                Map.entry(props("gru.anomaly.open-threshold", "1.5"), "gru.anomaly.open-threshold must be in (0, 1): 1.5"),
                Map.entry(props("gru.anomaly.min-residual-std", "0"), "gru.anomaly.min-residual-std must be finite and > 0: 0"),
                Map.entry(props("gru.anomaly.residual-half-life", "Infinity"),
                        "gru.anomaly.residual-half-life must be finite and >= 1: Infinity"),
                Map.entry(props("gru.anomaly.cooldown", "-1"), "gru.anomaly.cooldown must be >= 0: -1"),
                // A bound between two keys names both as the user wrote them.
                Map.entry(props("gru.anomaly.short-window", "500"),
                        "gru.anomaly.short-window must be in [1, gru.anomaly.learning-period=100]: 500"),
                Map.entry(props("gru.anomaly.resolve-threshold", "0.999999"),
                        "gru.anomaly.resolve-threshold must be in (0, gru.anomaly.open-threshold=0.99999]: 0.999999"),
                Map.entry(props("gru.anomaly.threshold", "0.5"), "unknown setting 'gru.anomaly.threshold'"),
                Map.entry(props("gru.inputs.scaling", "minmax"), "gru.inputs.scaling: unknown scaling 'minmax'"),
                Map.entry(props("gru.inputs.scale-half-life", "0"), "gru.inputs.scale-half-life must be in"),
                Map.entry(props("gru.inputs.scale-half-life", "long"), "gru.inputs.scale-half-life is not a number"),
                Map.entry(props("gru.inputs.time", "hour"), "gru.inputs.time: unknown time input 'hour'"),
                Map.entry(props("gru.inputs.time", "gap,gap"), "gru.inputs.time names 'gap' twice"),
                Map.entry(props("gru.inputs.time-zone", "Mars/Base"), "gru.inputs.time-zone is not a time zone"),
                Map.entry(props("gru.forecast.horizon", "0"), "gru.forecast.horizon must be in"));
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
    void shouldDefaultCommitIntervalAndProducerBatchingForThroughput() {
        Properties k = StreamSettings.kafkaProperties(props("bootstrap.servers", "b:9092"));
        assertEquals("1000", k.getProperty(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG));
        assertEquals("268435456", k.getProperty(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG));
        assertEquals("1048576", k.getProperty("producer.batch.size"));
        assertEquals("67108864", k.getProperty("producer.buffer.memory"));
        StreamsConfig config = new StreamsConfig(k);
        assertEquals(1000L, config.getLong(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG));
        assertEquals(268435456L, config.getLong(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG));
        assertEquals("1048576", String.valueOf(config.getProducerConfigs("c").get("batch.size")));
    }

    @Test
    void shouldEnableTheGlobalProcessingHandlerAlsoWhereThePartitionAssignorLooks() {
        // The assignor reads a StreamsConfig made of the main consumer's settings (Kafka 4.3), and
        // warned at every start that the handler is not enabled when only the top-level key was set.
        StreamsConfig config = new StreamsConfig(StreamSettings.kafkaProperties(props("bootstrap.servers", "b:9092")));
        String key = "processing.exception.handler.global.enabled";
        assertEquals(true, config.getBoolean(key));
        Map<String, Object> consumer = config.getMainConsumerConfigs("group", "client", 0);
        assertEquals("true", String.valueOf(consumer.get(key)));
    }

    @Test
    void shouldKeepTheCallersCommitIntervalAndBatchSize() {
        Properties k = StreamSettings.kafkaProperties(props(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100",
                "producer.batch.size", "16384"));
        assertEquals("100", k.getProperty(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG));
        assertEquals("16384", k.getProperty("producer.batch.size"));
    }

    @Test
    void shouldKeepTheCallersProcessingGuarantee() {
        Properties k = StreamSettings.kafkaProperties(props(StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
                StreamsConfig.AT_LEAST_ONCE, StreamsConfig.APPLICATION_ID_CONFIG, "mine"));
        assertEquals(StreamsConfig.AT_LEAST_ONCE, k.getProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
        assertEquals("mine", k.getProperty(StreamsConfig.APPLICATION_ID_CONFIG));
    }

    @Test
    void shouldReadDeclaredFeatureRangesIntoTheEngine() {
        StreamSettings s = StreamSettings.fromProperties(props("gru.features", "cpu,temp",
                "gru.feature.cpu.min", "0", "gru.feature.cpu.max", " 100 "));
        assertEquals(Map.of("cpu", new FeatureRange(0, 100)), s.ranges());
        assertEquals(Map.of(0, new FeatureRange(0, 100)), s.engine().rangesByIndex());
        assertEquals(Map.of(), StreamSettings.defaults().engine().ranges());
    }

    @Test
    void shouldRejectInvalidRangesNamingTheKey() {
        assertRejected("'cpu'", "gru.features", "temp", "gru.feature.cpu.min", "0",
                "gru.feature.cpu.max", "1");
        assertRejected("gru.feature.value.max", "gru.feature.value.min", "0");
        assertRejected("gru.feature.value.min", "gru.feature.value.max", "1");
        assertRejected("gru.feature.value.max", "gru.feature.value.min", "0", "gru.feature.value.max", "ten");
        assertRejected("gru.feature.value.min", "gru.feature.value.min", "NaN", "gru.feature.value.max", "1");
        assertRejected("gru.feature.value.max", "gru.feature.value.min", "0", "gru.feature.value.max", "Infinity");
        assertRejected("gru.feature.value.min", "gru.feature.value.min", "5", "gru.feature.value.max", "5");
        assertRejected("gru.feature.value.mean", "gru.feature.value.mean", "5");
    }

    private static void assertRejected(String key, String... kv) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StreamSettings.fromProperties(props(kv)));
        assertTrue(e.getMessage().contains(key), e.getMessage());
    }
}
