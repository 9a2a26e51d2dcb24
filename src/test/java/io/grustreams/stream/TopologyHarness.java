package io.grustreams.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grustreams.model.GruModel;
import io.grustreams.model.RecurrentStepper;
import io.grustreams.model.codec.ModelCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

/** The topology in a TopologyTestDriver, with typed topics and readers for its JSON outputs. */
final class TopologyHarness implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    final StreamSettings settings;
    final ModelRegistry registry;
    final TopologyTestDriver driver;
    final TestInputTopic<byte[], byte[]> events;
    final TestInputTopic<String, byte[]> models;
    final TestOutputTopic<byte[], byte[]> forecasts;
    final TestOutputTopic<byte[], byte[]> alerts;
    final TestOutputTopic<byte[], byte[]> deadLetters;

    /** @param gru the gru.* settings (and any Kafka override) */
    TopologyHarness(Properties gru, Path stateDir) {
        this.settings = StreamSettings.fromProperties(gru);
        Properties kafka = StreamSettings.kafkaProperties(gru);
        kafka.setProperty(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        kafka.setProperty(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        this.registry = ModelRegistry.forSettings(settings);
        this.driver = new TopologyTestDriver(GruTopology.build(settings, registry), kafka);
        ByteArraySerializer bytes = new ByteArraySerializer();
        ByteArrayDeserializer fromBytes = new ByteArrayDeserializer();
        this.events = driver.createInputTopic(settings.eventsTopic(), bytes, bytes);
        this.models = driver.createInputTopic(settings.modelsTopic(), new StringSerializer(), bytes);
        this.forecasts = driver.createOutputTopic(settings.forecastsTopic(), fromBytes, fromBytes);
        this.alerts = driver.createOutputTopic(settings.alertsTopic(), fromBytes, fromBytes);
        this.deadLetters = driver.createOutputTopic(settings.deadLettersTopic(), fromBytes, fromBytes);
    }

    static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    static Properties props(Map<String, String> kv) {
        Properties p = new Properties();
        p.putAll(kv);
        return p;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    void publish(String key, GruModel model) {
        models.pipeInput(key, ModelCodec.toJson(model));
    }

    /** One single-feature event with an epoch-ms timestamp. */
    void event(String key, long ts, double value) {
        events.pipeInput(utf8(key), utf8("{\"ts\":" + ts + ",\"value\":" + value + "}"), ts);
    }

    /** One event of several features, in {@code gru.features} order. */
    void event(String key, long ts, double[] values) {
        StringBuilder sb = new StringBuilder("{\"ts\":").append(ts).append(",\"values\":{");
        for (int i = 0; i < values.length; i++) {
            sb.append(i == 0 ? "" : ",").append('"').append(settings.features().get(i)).append("\":")
                    .append(values[i]);
        }
        events.pipeInput(new TestRecord<>(utf8(key), utf8(sb.append("}}").toString()), null, ts));
    }

    List<JsonNode> readForecasts() {
        return readJson(forecasts);
    }

    List<JsonNode> readAlerts() {
        return readJson(alerts);
    }

    private static List<JsonNode> readJson(TestOutputTopic<byte[], byte[]> topic) {
        List<JsonNode> out = new ArrayList<>();
        for (byte[] v : topic.readValuesToList()) {
            try {
                out.add(JSON.readTree(v));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    /** The forecast of every feature of a forecast record, in {@code gru.features} order. */
    double[] forecastOf(JsonNode record) {
        return features(record.get("forecast"));
    }

    double[] features(JsonNode object) {
        double[] v = new double[settings.features().size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = object.get(settings.features().get(i)).doubleValue();
        }
        return v;
    }

    KeyValueStore<Bytes, byte[]> stateStore() {
        return driver.getKeyValueStore(settings.stateStore());
    }

    /** The sum of one of our metrics over all its tag values (every reason of a counter); it must exist. */
    double total(String name) {
        List<Double> values = values(name);
        if (values.isEmpty()) {
            throw new AssertionError("no metric " + name);
        }
        return values.stream().mapToDouble(Double::doubleValue).sum();
    }

    /** The value of one of our metrics; tags may be a subset, but must pick exactly one. */
    double metric(String name, String... tags) {
        List<Double> values = values(name, tags);
        if (values.size() != 1) {
            throw new AssertionError(values.size() + " metrics match " + name + " " + List.of(tags));
        }
        return values.get(0);
    }

    /** The values of our metrics named {@code name} whose tags include the (tag, value) pairs given. */
    private List<Double> values(String name, String... tags) {
        List<Double> out = new ArrayList<>();
        for (Map.Entry<MetricName, ? extends Metric> e : driver.metrics().entrySet()) {
            MetricName n = e.getKey();
            if (!n.group().equals(StreamMetrics.GROUP) || !n.name().equals(name)) {
                continue;
            }
            boolean all = true;
            for (int i = 0; i + 1 < tags.length; i += 2) {
                all &= tags[i + 1].equals(n.tags().get(tags[i]));
            }
            if (all) {
                out.add(((Number) e.getValue().metricValue()).doubleValue());
            }
        }
        return out;
    }

    /**
     * What {@link RecurrentStepper#observe} gives over {@code sequence} from h = 0, done directly: the
     * forecast after each event, in the model's feature order (equal to the stream's in tests).
     */
    static double[][] direct(GruModel model, double[][] sequence) {
        RecurrentStepper stepper = RecurrentStepper.forModel(model);
        double[] h = new double[model.layout().stateSize()];
        double[][] out = new double[sequence.length][model.layout().outputSize()];
        for (int t = 0; t < sequence.length; t++) {
            stepper.observe(h, sequence[t], out[t]);
        }
        return out;
    }

    @Override
    public void close() {
        driver.close();
    }
}
