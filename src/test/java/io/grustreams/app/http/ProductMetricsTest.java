package io.grustreams.app.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.grustreams.stream.StreamMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.CumulativeCount;
import org.apache.kafka.common.metrics.stats.Value;
import org.junit.jupiter.api.Test;

class ProductMetricsTest {

    private static Sensor counter(Metrics m, String name, String... tags) {
        Map<String, String> t = tags.length == 0 ? Map.of() : Map.of(tags[0], tags[1]);
        Sensor s = m.sensor(name + t);
        s.add(new MetricName(name, StreamMetrics.GROUP, "", t), new CumulativeCount());
        return s;
    }

    @Test
    void shouldBridgeCountersGaugesAndTheirTagsAndSumEvents() {
        try (Metrics kafka = new Metrics()) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            ProductMetrics bridge = new ProductMetrics(kafka::metrics, registry);
            bridge.refresh();
            assertNull(registry.find("gru.events").functionCounter(), "no stream metrics yet, no events counter");

            Sensor forecasts = counter(kafka, StreamMetrics.FORECASTS);
            Sensor badJson = counter(kafka, StreamMetrics.DEAD_LETTERS, "reason", "not-json");
            Sensor noModel = counter(kafka, StreamMetrics.EVENTS_WITHOUT_MODEL);
            Sensor version = kafka.sensor("version");
            version.add(new MetricName(StreamMetrics.MODEL_VERSION, StreamMetrics.GROUP, "", Map.of()), new Value());
            // Another group is Kafka's own business (KafkaStreamsMetrics binds it), not bridged here.
            Sensor other = kafka.sensor("other");
            other.add(new MetricName("forecasts-total", "stream-thread-metrics", "", Map.of()), new CumulativeCount());
            bridge.refresh();
            bridge.refresh();

            for (int i = 0; i < 5; i++) {
                forecasts.record();
            }
            badJson.record();
            noModel.record();
            noModel.record();
            version.record(7);
            other.record();

            assertEquals(5.0, registry.get("gru.forecasts").functionCounter().count());
            assertEquals(1.0, registry.get("gru.dead.letters").tag("reason", "not-json").functionCounter().count());
            assertEquals(2.0, registry.get("gru.events.without.model").functionCounter().count());
            assertEquals(7.0, registry.get("gru.model.version").gauge().value());
            assertEquals(8.0, registry.get("gru.events").functionCounter().count());
            assertEquals(5, registry.getMeters().size());
        }
    }
}
