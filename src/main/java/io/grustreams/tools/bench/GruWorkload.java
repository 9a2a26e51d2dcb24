package io.grustreams.tools.bench;

import io.grustreams.app.topics.NewTopics;
import io.grustreams.model.GruLayout;
import io.grustreams.model.GruModel;
import io.grustreams.model.Normalization;
import io.grustreams.model.Parameters;
import io.grustreams.model.Variant;
import io.grustreams.stream.StreamSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The workload of the benchmarks that run the GRU topology on an in-process broker
 * ({@code bench stream}, {@code bench pipeline}): one picocli mixin for their common options, and
 * what follows from those options alone — the feature names, the {@code gru.*} properties, the
 * seeded model and event payloads, the topics. One definition, so both benches measure the same
 * thing under the same flags.
 */
final class GruWorkload {

    private static final Duration WAIT = Duration.ofSeconds(120);

    @Option(names = {"--input-size", "--features"}, defaultValue = "1",
            description = "Features per event, D (default: ${DEFAULT-VALUE}).")
    int inputSize;

    @Option(names = "--hidden", defaultValue = "32", description = "Hidden size H (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--partitions", defaultValue = "2", description = "Partitions of the events topic (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--threads", defaultValue = "1", description = "Stream threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "A gru.* setting for the GRU topology, such as gru.ring.size=64 (repeatable).")
    Map<String, String> set = new LinkedHashMap<>();

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Where Kafka Streams state goes, in a new subdirectory deleted at the end"
                    + " (default: the system temp dir).")
    Path stateParent;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the model and the events (default: ${DEFAULT-VALUE}).")
    long seed;

    /** f0, f1, ...: one name per feature. */
    List<String> featureNames() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < inputSize; i++) {
            names.add("f" + i);
        }
        return names;
    }

    /**
     * {@code gru.features} plus the {@code --set} keys.
     *
     * @throws CommandLine.ParameterException for a {@code --set} key outside {@code gru.*}
     */
    Properties gruProperties(CommandLine cl) {
        Properties gru = new Properties();
        gru.setProperty(StreamSettings.FEATURES, String.join(",", featureNames()));
        for (Map.Entry<String, String> e : set.entrySet()) {
            if (!e.getKey().startsWith(StreamSettings.PREFIX)) {
                throw new CommandLine.ParameterException(cl, "--set takes gru.* keys, not " + e.getKey());
            }
            gru.setProperty(e.getKey(), e.getValue());
        }
        return gru;
    }

    /** @throws CommandLine.ParameterException naming the invalid {@code gru.*} value */
    static StreamSettings settings(CommandLine cl, Properties gru) {
        try {
            return StreamSettings.fromProperties(gru);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
    }

    /** A new directory for the run's state, under {@code --state-dir} or the system temp dir. */
    Path newStateDir(String prefix) throws IOException {
        return stateParent == null ? Files.createTempDirectory(prefix)
                : Files.createTempDirectory(Files.createDirectories(stateParent), prefix);
    }

    /** A cho model with seeded weights U(-1/√H, 1/√H), normalization mean 10, std 3 (the payloads' scale). */
    GruModel model(List<String> names) {
        return model(names, 1, seed, Instant.EPOCH);
    }

    /** Like {@link #model(List)}: version {@code version}, weights from {@code weightSeed}, serving events from {@code effectiveFrom}. */
    GruModel model(List<String> names, long version, long weightSeed, Instant effectiveFrom) {
        Random rnd = new Random(weightSeed);
        GruLayout layout = GruLayout.of(Variant.CHO, inputSize, hidden, inputSize);
        double[] w = new double[layout.size()];
        double bound = 1 / Math.sqrt(hidden);
        for (int i = 0; i < w.length; i++) {
            w[i] = (2 * rnd.nextDouble() - 1) * bound;
        }
        double[] mean = new double[inputSize];
        double[] std = new double[inputSize];
        Arrays.fill(mean, 10.0);
        Arrays.fill(std, 3.0);
        return new GruModel("bench", version, Instant.EPOCH, effectiveFrom, names, new Normalization(mean, std),
                new Parameters(layout, w), Map.of("bench", "stream"));
    }

    /** A cycle of event payloads (sine plus noise per feature), serialized once. */
    byte[][] payloads(List<String> names) {
        Random rnd = new Random(seed + 1);
        byte[][] p = new byte[1024][];
        for (int i = 0; i < p.length; i++) {
            StringBuilder sb = new StringBuilder("{\"values\":{");
            for (int f = 0; f < inputSize; f++) {
                double v = 10 + 3 * Math.sin(0.05 * i + f) + 0.3 * rnd.nextGaussian();
                sb.append(f == 0 ? "" : ",").append('"').append(names.get(f)).append("\":").append(v);
            }
            p[i] = sb.append("}}").toString().getBytes(StandardCharsets.UTF_8);
        }
        return p;
    }

    /** The stream's topics: events, forecasts, alerts, dead letters with {@code --partitions}; models compacted. */
    void createTopics(String bootstrap, StreamSettings s) throws InterruptedException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<NewTopic> topics = new ArrayList<>();
            for (String t : List.of(s.eventsTopic(), s.forecastsTopic(), s.alertsTopic(), s.deadLettersTopic())) {
                topics.add(new NewTopic(t, partitions, (short) 1));
            }
            topics.add(new NewTopic(s.modelsTopic(), 1, (short) 1).configs(Map.of("cleanup.policy", "compact")));
            admin.createTopics(topics).all().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            NewTopics.awaitVisible(admin, topics.stream().map(NewTopic::name).toList(), WAIT);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create the bench topics: " + e.getMessage(), e);
        }
    }
}
