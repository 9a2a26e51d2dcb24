package io.grustreams.app.http;

import io.grustreams.stream.StreamMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * Bridges the stream's own metrics ({@link StreamMetrics}, group {@value StreamMetrics#GROUP} of
 * {@code KafkaStreams.metrics()}) into a Micrometer registry under {@code gru.*} names: a Kafka
 * metric {@code forecasts-total} becomes the counter {@code gru.forecasts} (Prometheus
 * {@code gru_forecasts_total}), {@code model-version} the gauge {@code gru.model.version}; the
 * Kafka tags ({@code reason}, {@code transition}) are kept. Adds {@code gru.events}: every event
 * the processor took, the sum of forecasts, events without a model and dead letters (each event is
 * exactly one of these).
 *
 * <p>The stream registers its sensors when its first task starts, after the app starts, and may add
 * metrics later; {@link #refresh()} registers whatever is new and is cheap to call before every
 * scrape. Meters read the Kafka metric objects they were made from, so a scrape costs no lookup.
 * Thread-safe.
 */
final class ProductMetrics {

    private static final String PREFIX = "gru.";
    private static final String TOTAL = "-total";

    private final Supplier<Map<MetricName, ? extends Metric>> source;
    private final MeterRegistry registry;
    private final Set<MetricName> bridged = new HashSet<>();
    private final List<Metric> eventParts = new ArrayList<>();
    private boolean eventsRegistered;

    /**
     * @param source {@code streams::metrics}
     * @param registry where the meters go
     */
    ProductMetrics(Supplier<Map<MetricName, ? extends Metric>> source, MeterRegistry registry) {
        this.source = source;
        this.registry = registry;
    }

    /** Registers a meter for every product metric not bridged yet. */
    synchronized void refresh() {
        for (Map.Entry<MetricName, ? extends Metric> e : source.get().entrySet()) {
            MetricName name = e.getKey();
            if (!StreamMetrics.GROUP.equals(name.group()) || !bridged.add(name)) {
                continue;
            }
            Metric metric = e.getValue();
            List<Tag> tags = new ArrayList<>();
            name.tags().forEach((k, v) -> tags.add(Tag.of(k, v)));
            String n = name.name();
            if (n.endsWith(TOTAL)) {
                FunctionCounter.builder(PREFIX + dotted(n.substring(0, n.length() - TOTAL.length())), metric,
                                ProductMetrics::value)
                        .description(name.description()).tags(tags).register(registry);
            } else {
                Gauge.builder(PREFIX + dotted(n), metric, ProductMetrics::value)
                        .description(name.description()).tags(tags).register(registry);
            }
            if (n.equals(StreamMetrics.FORECASTS) || n.equals(StreamMetrics.EVENTS_WITHOUT_MODEL)
                    || n.equals(StreamMetrics.DEAD_LETTERS)) {
                eventParts.add(metric);
            }
        }
        if (!eventsRegistered && !eventParts.isEmpty()) {
            FunctionCounter.builder(PREFIX + "events", this, ProductMetrics::events)
                    .description("Events taken by the GRU processor: forecast, without a model, or dead-lettered")
                    .register(registry);
            eventsRegistered = true;
        }
    }

    private synchronized double events() {
        double sum = 0.0;
        for (Metric m : eventParts) {
            sum += value(m);
        }
        return sum;
    }

    private static double value(Metric m) {
        return m.metricValue() instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static String dotted(String kafkaName) {
        return kafkaName.replace('-', '.');
    }
}
