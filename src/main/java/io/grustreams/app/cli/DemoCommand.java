package io.grustreams.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grustreams.app.AppConfig;
import io.grustreams.app.broker.InProcessKafkaBroker;
import io.grustreams.app.http.HttpApi;
import io.grustreams.app.http.HttpEndpoint;
import io.grustreams.app.topics.TopicApplier;
import io.grustreams.app.train.TrainJob;
import io.grustreams.app.train.TrainingOptions;
import io.grustreams.model.GruModel;
import io.grustreams.stream.GruTopology;
import io.grustreams.stream.ModelRegistry;
import io.grustreams.stream.StreamMetrics;
import io.grustreams.stream.StreamSettings;
import io.grustreams.stream.TopicSpec;
import io.grustreams.train.RetrainConfig;
import io.grustreams.train.SampleLimits;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gru-streams demo}: the whole product on one machine in one process, narrated, on real data.
 * An in-process broker (or {@code --bootstrap-servers}); the topics of {@code topics/}, kept for as long
 * as the replay reaches back; the stream with its HTTP API; three NAB series (machine temperature, NYC
 * taxi, an AWS EC2 CPU) replayed as keys with their own spacing, five weeks of each (or all of it), on
 * a timeline that ends at the last week boundary, at {@code --rate} events/s. After 80 % of the
 * timeline (every key then has a week of history, the longer ones four) the real trainer
 * ({@link TrainJob}, as {@code train --once} runs it) publishes v1; after 90 % a retrain publishes v2
 * effective at 92.5 %, so the stream hot-swaps mid-replay. Progress every 2 s (events/s, forecasts,
 * open alerts, model version in use) and alerts as they open and resolve. Then, per key, the GRU's
 * error next to persistence and the daily and weekly seasonal naive forecasts on the same readings,
 * an HTML report ({@link DemoReport}), and a clean shutdown, unless {@code --serve}.
 *
 * <p>The timeline moves by whole weeks from one run to the next ({@link DemoSeries#timelineEnd}), so
 * every run trains the same models and prints the same figures (wall times aside).
 */
@Command(name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the whole product on real NAB series: broker, topics, stream + HTTP API, replay, training,",
            "a hot-swapped retrain, alerts; writes an HTML report and exits (or serves HTTP with --serve)."})
public final class DemoCommand implements Callable<Integer> {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(2);
    /**
     * Fractions of the timeline: first training's data, retrain's data, where the retrain takes over.
     * The AWS series covers only the last 14 days (40 %) of the 35-day timeline: at 80 % it has a week.
     */
    static final double FIRST_CUT = 0.80;
    static final double SECOND_CUT = 0.90;
    static final double SWAP_AT = 0.925;
    /** The demo's model size, over the trainer's default of 32 ({@link #trainingConfig}). */
    static final int HIDDEN = 128;
    /** What the demo's topics keep beyond the start of the replay. */
    private static final Duration RETENTION_MARGIN = Duration.ofDays(7);
    /**
     * Every event of the three keys: the trainer must see a week before each key's validation part to
     * be judged against the weekly naive forecast, more than train's default of events per key.
     */
    private static final SampleLimits DEMO_LIMITS = new SampleLimits(SampleLimits.DEFAULT_MAX_KEYS, Integer.MAX_VALUE);

    @Option(names = "--port", defaultValue = "8080", paramLabel = "N",
            description = "HTTP port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--topics", defaultValue = "topics", paramLabel = "DIR",
            description = "Directory of topic files (default: ${DEFAULT-VALUE}).")
    Path topicsDir;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
            description = "Use this cluster instead of starting a broker in this process.")
    String bootstrapServers;

    @Option(names = "--rate", defaultValue = "2000", paramLabel = "N",
            description = "Replayed events per second, all keys together (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--seed", defaultValue = "7", description = "Seed of the training (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--report", defaultValue = "demo-report.html", paramLabel = "FILE",
            description = "HTML report to write (default: ${DEFAULT-VALUE}).")
    Path report;

    @Option(names = "--serve", description = "Keep serving HTTP after the demo until Ctrl-C instead of exiting.")
    boolean serve;

    @Spec
    CommandSpec spec;

    private PrintWriter out;

    /** One replayed event: its key's index and its index within the key's series. */
    private record Replayed(long ts, int key, int index) {
    }

    @Override
    public Integer call() throws Exception {
        if (rate < 1) {
            throw new IllegalArgumentException("--rate must be >= 1: " + rate);
        }
        if (!Files.isDirectory(topicsDir)) {
            throw new IllegalArgumentException("no topics directory " + topicsDir
                    + "; run from the repository root or pass --topics DIR");
        }
        out = spec.commandLine().getOut();
        long started = System.nanoTime();
        Path work = Files.createTempDirectory("gru-streams-demo-");
        InProcessKafkaBroker broker = null;
        try {
            String bootstrap = bootstrapServers;
            if (bootstrap == null) {
                say("1. Kafka: starting a single-node broker in this process");
                broker = InProcessKafkaBroker.builder().build();
                broker.start();
                bootstrap = broker.bootstrapServers();
            } else {
                say("1. Kafka: using the cluster at " + bootstrap);
            }
            runDemo(work, bootstrap, started);
        } finally {
            if (broker != null) {
                broker.close();
            }
            deleteRecursively(work);
        }
        return 0;
    }

    private void runDemo(Path work, String bootstrap, long started) throws Exception {
        // On a shared cluster a run must not meet an earlier run's events, consumer group or models:
        // its topics, application.id and model name carry a run id.
        String run = bootstrapServers == null ? "" : Long.toString(System.currentTimeMillis(), 36);

        // Every series ends at the timeline's end, in its own spacing: the last Monday 00:00 UTC, so
        // that runs differ by whole weeks only (the same time inputs, models and figures).
        long timelineEnd = DemoSeries.timelineEnd(System.currentTimeMillis() - 60_000L);
        List<DemoSeries> series = new ArrayList<>();
        for (DemoSeries s : DemoSeries.loadAll()) {
            series.add(s.shiftedBy(timelineEnd - s.end()));
        }
        List<DemoReport.KeyTrace> traces = new ArrayList<>();
        List<Replayed> events = new ArrayList<>();
        for (int k = 0; k < series.size(); k++) {
            DemoSeries s = series.get(k);
            for (int i = 0; i < s.times().length; i++) {
                events.add(new Replayed(s.times()[i], k, i));
            }
            traces.add(new DemoReport.KeyTrace(s.key(), s.unit(), s.times(), s.values()));
        }
        events.sort(Comparator.comparingLong(Replayed::ts).thenComparingInt(Replayed::key));
        long t0 = events.get(0).ts();
        long span = timelineEnd - t0;
        int cut1 = firstAtOrAfter(events, t0 + (long) (span * FIRST_CUT));
        int cut2 = firstAtOrAfter(events, t0 + (long) (span * SECOND_CUT));
        long swapAt = t0 + (long) (span * SWAP_AT);
        // The broker deletes records older than a topic's retention, whatever their offset.
        Duration retention = Duration.ofMillis(System.currentTimeMillis() - t0).plus(RETENTION_MARGIN)
                .truncatedTo(ChronoUnit.DAYS).plusDays(1);

        List<TopicSpec> topics = demoTopics(TopicSpec.loadDirectory(topicsDir), run.isEmpty() ? "" : "-demo-" + run,
                retention);
        Path config = writeConfig(work, bootstrap, run, topics);
        // The loader of every command, on the demo's own file only: its topics, model name and port are
        // per run, and a deployment's GRUSTREAMS_* variables must not point the demo at them.
        AppConfig demoConfig = AppConfig.load(config, Map.of(), Map.of());
        Properties props = demoConfig.properties();
        StreamSettings settings = demoConfig.settings();

        say("2. Topics from " + topicsDir + "/ (topics apply); for the demo, topics with a retention keep "
                + retention.toDays() + " days, the replayed span and a week");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            for (TopicApplier.Outcome o : new TopicApplier(admin, 30_000).apply(topics)) {
                out.println("   " + o);
            }
        }

        HttpEndpoint endpoint = HttpEndpoint.from(props);
        Properties kafka = StreamSettings.kafkaProperties(props);
        kafka.setProperty("application.server", endpoint.applicationServer());
        ModelRegistry registry = ModelRegistry.forSettings(settings);
        KafkaStreams streams = new KafkaStreams(GruTopology.build(settings, registry), kafka);
        Watcher watcher = new Watcher(bootstrap, settings, streams, traces);
        try (HttpApi api = new HttpApi(streams, settings, registry, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                endpoint.bind(), endpoint.advertised())) {
            say("3. The stream, with its HTTP API on http://" + endpoint.applicationServer());
            api.start();
            streams.start();
            awaitRunning(streams);
            watcher.start();

            StringBuilder spans = new StringBuilder();
            for (DemoSeries s : series) {
                spans.append(spans.length() == 0 ? "" : ", ").append(s.key()).append(' ')
                        .append(Duration.ofMillis(s.end() - s.start()).toDays() + 1).append(" days");
            }
            say(String.format(Locale.ROOT, "4. Replay: %d events of %d NAB series (%s) in their own spacing, from %s"
                    + " to %s, at %d events/s; no model yet", events.size(), series.size(), spans,
                    Instant.ofEpochMilli(t0), Instant.ofEpochMilli(timelineEnd), rate));
            long replayStarted = System.nanoTime();
            replay(bootstrap, settings, events, traces, 0, cut1);
            awaitProcessed(streams, cut1);

            Map<Long, Long> swaps = new TreeMap<>();
            say(String.format(Locale.ROOT, "5. Training the first model on the first %.0f %% of the timeline"
                    + " (%d events)", FIRST_CUT * 100, cut1));
            TrainJob.Outcome first = train(props, settings, work, t0, Instant.ofEpochMilli(events.get(cut1).ts()));
            if (!first.published()) {
                throw new IllegalStateException("the first model was not published, the demo cannot go on: "
                        + first.reason());
            }
            long v1 = first.model().version();
            awaitVersion(registry, v1);
            swaps.put(v1, events.get(cut1).ts());
            say("   served: " + registry.newest().name() + " v" + v1 + ", effective from " + registry.newest().effectiveFrom());

            say(String.format(Locale.ROOT, "6. Replay to %.0f %%: the model forecasts every event; alerts open and"
                    + " resolve as they come", SECOND_CUT * 100));
            replay(bootstrap, settings, events, traces, cut1, cut2);
            awaitProcessed(streams, cut2);

            say(String.format(Locale.ROOT, "7. Retraining on the first %.0f %% (%d events), effective from the event"
                    + " time at %.1f %% (a hot swap mid-replay)", SECOND_CUT * 100, cut2, SWAP_AT * 100));
            TrainJob.Outcome second = train(props, settings, work, t0, Instant.ofEpochMilli(swapAt));
            if (!second.published()) {
                say("   the retrain did not beat v" + v1 + ": no swap, v" + v1 + " serves to the end");
            } else {
                long v2 = second.model().version();
                awaitVersion(registry, v2);
                swaps.put(v2, swapAt);
                say("   served: " + registry.newest().name() + " v" + v2 + ", effective from "
                        + registry.newest().effectiveFrom());
            }

            say("8. Replay to the end");
            replay(bootstrap, settings, events, traces, cut2, events.size());
            awaitProcessed(streams, events.size());
            double replaySeconds = (System.nanoTime() - replayStarted) / 1e9;
            watcher.awaitForecasts((long) metric(streams, StreamMetrics.FORECASTS));
            watcher.awaitAlerts((long) metric(streams, StreamMetrics.ALERTS));
            watcher.stop();

            say("9. Results: per key, the GRU's forecast error next to persistence (the previous reading) and the"
                    + " daily and weekly seasonal naive forecasts (the reading P and 7P readings earlier, P readings"
                    + " a day), all on the same readings: those the GRU forecast that have every baseline's value");
            Map<Long, Long> byVersion = watcher.forecastsByVersion();
            StringBuilder versions = new StringBuilder();
            byVersion.forEach((v, n) -> versions.append(versions.length() == 0 ? "" : ", ").append('v').append(v)
                    .append(' ').append(n));
            say("   forecasts by model version: " + versions);
            List<DemoReport.Comparison> comparisons = new ArrayList<>();
            for (DemoReport.KeyTrace t : traces) {
                DemoReport.Comparison c = t.compare();
                comparisons.add(c);
                say(String.format(Locale.ROOT, "   %-20s %d forecasts, %d judged, P %d, alerts %d  [%s]", t.key,
                        c.forecasts(), c.judged(), c.eventsPerDay(), t.alerts.size(), t.unit));
                say(String.format(Locale.ROOT, "     RMSE  %s   GRU / best baseline %.3f (%s)", errors(c, true),
                        c.ratio(), c.bestBaseline().label));
                say("     MAE   " + errors(c, false));
            }
            say("   " + DemoReport.verdict(traces, comparisons));

            Map<String, String> figures = DemoReport.figures();
            figures.put("events replayed", Integer.toString(events.size()));
            figures.put("keys", Integer.toString(traces.size()));
            figures.put("replayed span per key (event time)", spans.toString());
            figures.put("timeline (event time)", Instant.ofEpochMilli(t0) + " to " + Instant.ofEpochMilli(timelineEnd));
            figures.put("first model trained on", String.format(Locale.ROOT, "the first %.0f %% (%d events, to %s)",
                    FIRST_CUT * 100, cut1, Instant.ofEpochMilli(events.get(cut1).ts())));
            figures.put("retrain trained on", String.format(Locale.ROOT, "the first %.0f %% (%d events), %s",
                    SECOND_CUT * 100, cut2, second.published() ? "published" : "not published: " + second.reason()));
            figures.put("wall time of the replay incl. both trainings", String.format(Locale.ROOT, "%.1f s", replaySeconds));
            figures.put("events/s (replay pace asked)", Integer.toString(rate));
            figures.put("events/s (over the whole replay, trainings included)",
                    String.format(Locale.ROOT, "%.0f", events.size() / replaySeconds));
            figures.put("forecasts", Long.toString(watcher.forecasts()));
            figures.put("forecasts by model version", versions.toString());
            figures.put("alerts (OPEN + RESOLVED records)", Long.toString(watcher.alerts()));
            StringBuilder models = new StringBuilder();
            swaps.forEach((v, from) -> models.append(models.length() == 0 ? "" : ", ").append('v').append(v)
                    .append(" from ").append(Instant.ofEpochMilli(from)));
            figures.put("models (event time they took over at)", models.toString());
            RetrainConfig tc = trainingConfig(settings);
            figures.put("training", String.format(Locale.ROOT, "hidden %d, windows of %d steps (burn-in %d) every %d"
                    + " events, batch %d, Adam lr %s, at most %d epochs, patience %d, seed %d, margin %s, %s",
                    tc.hiddenSize(), tc.sequenceLength(), tc.burnIn(), tc.stride(), tc.trainer().batchSize(),
                    tc.trainer().learningRate(), tc.trainer().epochs(), tc.patience(), tc.trainer().seed(), tc.margin(),
                    tc.modelInputs()));
            DemoReport.write(report, figures, traces, swaps);
            say(String.format(Locale.ROOT, "Report: %s (%.0f s in all)", report.toAbsolutePath(),
                    (System.nanoTime() - started) / 1e9));
            if (serve) {
                say("Serving http://" + endpoint.applicationServer() + "/keys/{key}, /models, /metrics, /ready."
                        + " Ctrl-C to stop.");
                Thread.currentThread().join();
            }
        } finally {
            watcher.stop();
            streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofSeconds(30)));
            if (!run.isEmpty() && !serve) {
                deleteRunTopics(bootstrap, topics, props.getProperty("application.id"));
            }
        }
    }

    /** {@code GRU x | persistence x  daily x  weekly x}, RMSE or MAE. */
    private static String errors(DemoReport.Comparison c, boolean rmse) {
        StringBuilder b = new StringBuilder();
        for (DemoReport.Method f : DemoReport.Method.values()) {
            double v = rmse ? c.rmse(f) : c.mae(f);
            b.append(f == DemoReport.Method.GRU ? "" : f == DemoReport.Method.PERSISTENCE ? " | " : "  ")
                    .append(f.label).append(' ').append(DemoReport.num(v));
        }
        return b.toString();
    }

    /**
     * The topics of {@code topics/} as the demo creates them: renamed with the run id on a shared
     * cluster, and every topic that deletes by time keeping at least {@code retention}, since the
     * replay's events (and the forecasts and alerts that carry their times) reach that far back.
     */
    static List<TopicSpec> demoTopics(List<TopicSpec> specs, String run, Duration retention) {
        List<TopicSpec> out = new ArrayList<>();
        for (TopicSpec s : specs) {
            Map<String, String> configs = new TreeMap<>(s.configs());
            String policy = configs.getOrDefault("cleanup.policy", "delete");
            if (policy.contains("delete")) {
                long declared = Long.parseLong(configs.getOrDefault("retention.ms", "604800000"));
                if (declared >= 0 && declared < retention.toMillis()) {
                    configs.put("retention.ms", Long.toString(retention.toMillis()));
                }
            }
            out.add(new TopicSpec(s.role(), s.name() + run, s.partitions(), s.replicationFactor(), configs));
        }
        return out;
    }

    /**
     * On a shared cluster, deletes what this run created under its run id: its topics, the stream's
     * internal topics ({@code <application.id>-...}) and its consumer group.
     */
    private void deleteRunTopics(String bootstrap, List<TopicSpec> topics, String applicationId) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<String> names = new ArrayList<>(topics.stream().map(TopicSpec::name).toList());
            for (String t : admin.listTopics().names().get(30, TimeUnit.SECONDS)) {
                if (t.startsWith(applicationId + "-")) {
                    names.add(t);
                }
            }
            admin.deleteTopics(names).all().get(30, TimeUnit.SECONDS);
            admin.deleteConsumerGroups(List.of(applicationId)).all().get(30, TimeUnit.SECONDS);
            say("Deleted this run's topics (" + String.join(", ", names) + ") and consumer group " + applicationId);
        } catch (ExecutionException | TimeoutException e) {
            say("Could not delete all of this run's topics and its consumer group " + applicationId + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int firstAtOrAfter(List<Replayed> events, long ts) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).ts() >= ts) {
                return i;
            }
        }
        return events.size();
    }

    /**
     * The trainer's configuration: its defaults for the stream ({@link TrainingOptions#forStream}) with
     * {@value #HIDDEN} hidden units, the demo's seed, and a margin of 0 (the retrain replaces v1 whenever
     * it validates better). One model serves three unlike keys: with the default 32 units (or 64) it
     * does not learn the AWS key's 30-minute cycle next to the others, and loses to that key's daily
     * naive forecast (docs/demo.md).
     */
    private RetrainConfig trainingConfig(StreamSettings settings) {
        RetrainConfig c = TrainingOptions.forStream(settings).withHiddenSize(HIDDEN).withMargin(0);
        return c.withTrainer(c.trainer().withSeed(seed));
    }

    /**
     * One run of the trainer ({@link TrainJob}, as {@code train --once}) on every event replayed so far:
     * its window reaches back past the timeline's start {@code t0}. Prints the verdict; the trainer's
     * own console is kept for a failure's message.
     */
    private TrainJob.Outcome train(Properties props, StreamSettings settings, Path work, long t0, Instant effectiveFrom) {
        Duration window = Duration.ofMillis(System.currentTimeMillis() - t0).plus(Duration.ofDays(1));
        TrainJob.Plan plan = new TrainJob.Plan(props, settings, settings.modelName().orElse("gru"),
                trainingConfig(settings), Optional.empty(), Optional.of(window), work.resolve("train-runs"), false,
                Optional.empty(), Optional.of(effectiveFrom), Duration.ZERO, DEMO_LIMITS);
        StringWriter log = new StringWriter();
        long t = System.nanoTime();
        TrainJob.Outcome o;
        try {
            o = new TrainJob(plan, Clock.systemUTC(), new PrintWriter(log)).run();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("training failed: " + e.getMessage() + "\n" + log.toString().trim(), e);
        }
        GruModel m = o.model();
        say(o.published() ? "   published " + m.name() + " v" + m.version() + ", effective from " + m.effectiveFrom()
                + ": " + o.reason() : "   not published: " + o.reason());
        say(String.format(Locale.ROOT, "   trained in %.1f s", (System.nanoTime() - t) / 1e9));
        return o;
    }

    private void say(String line) {
        synchronized (this) {
            out.println(line);
            out.flush();
        }
    }

    private Path writeConfig(Path work, String bootstrap, String run, List<TopicSpec> topics) throws IOException {
        List<String> lines = new ArrayList<>(List.of(
                "bootstrap.servers=" + bootstrap,
                "application.id=gru-streams-demo" + (run.isEmpty() ? "" : "-" + run),
                "state.dir=" + work.resolve("state"),
                "commit.interval.ms=200",
                HttpEndpoint.HOST + "=127.0.0.1",
                HttpEndpoint.PORT + "=" + port,
                // A demo's keys are young and each model swap re-warms them: score after 10 residuals
                // rather than the default 30.
                "gru.anomaly.residual-warmup=10"));
        for (TopicSpec t : topics) {
            lines.add(StreamSettings.TOPIC_PREFIX + t.role() + "=" + t.name());
        }
        if (!run.isEmpty()) {
            // The models of this run only: a shared models topic may hold other runs' and production's.
            lines.add(StreamSettings.MODEL_NAME + "=gru-demo-" + run);
        }
        lines.add("");
        return Files.writeString(work.resolve("demo.properties"), String.join("\n", lines), StandardCharsets.UTF_8);
    }

    /** Produces events {@code [from, to)} paced at {@code --rate}: one batch per 10 ms tick. */
    private void replay(String bootstrap, StreamSettings s, List<Replayed> events, List<DemoReport.KeyTrace> traces,
            int from, int to) throws InterruptedException {
        Map<String, Object> c = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG,
                "all", ProducerConfig.LINGER_MS_CONFIG, 5);
        try (KafkaProducer<String, String> p = new KafkaProducer<>(c, new StringSerializer(), new StringSerializer())) {
            long begin = System.nanoTime();
            for (int i = from; i < to; i++) {
                Replayed e = events.get(i);
                DemoReport.KeyTrace t = traces.get(e.key());
                p.send(new ProducerRecord<>(s.eventsTopic(), null, e.ts(), t.key,
                        "{\"ts\":" + e.ts() + ",\"value\":" + t.actual[e.index()] + "}"));
                long due = begin + (long) ((i - from + 1) * 1e9 / rate);
                long ahead = due - System.nanoTime();
                if (ahead > 10_000_000L) {
                    Thread.sleep(ahead / 1_000_000L);
                }
            }
            p.flush();
        }
    }

    private static void awaitProcessed(KafkaStreams streams, long target) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (processed(streams) < target) {
            if (System.nanoTime() > deadline || streams.state() == KafkaStreams.State.ERROR) {
                throw new IllegalStateException("the stream processed " + processed(streams) + " of " + target
                        + " events within " + WAIT);
            }
            Thread.sleep(50);
        }
    }

    /** Events the stream has handled: the ones without a model plus the ones forecast. */
    static long processed(KafkaStreams streams) {
        return (long) (metric(streams, StreamMetrics.EVENTS_WITHOUT_MODEL) + metric(streams, StreamMetrics.FORECASTS));
    }

    private static void awaitVersion(ModelRegistry registry, long version) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (registry.newest() == null || registry.newest().version() < version) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("model v" + version + " did not reach the stream within " + WAIT);
            }
            Thread.sleep(50);
        }
    }

    /**
     * Reads the forecasts and alerts the stream commits (read_committed, from where they ended when
     * the demo began), fills the report's traces, prints alerts as they come and a progress line
     * every {@link #PROGRESS_EVERY}.
     */
    private final class Watcher implements Runnable {
        private final String bootstrap;
        private final StreamSettings settings;
        private final KafkaStreams streams;
        private final Map<String, DemoReport.KeyTrace> byKey = new HashMap<>();
        private final Map<Long, Long> byVersion = new TreeMap<>();
        private final Set<String> open = new TreeSet<>();
        private final Thread thread = new Thread(this, "demo-watcher");
        private volatile boolean running = true;
        private volatile Throwable failure;
        private long forecasts;
        private long alerts;
        private long versionInUse = -1;

        Watcher(String bootstrap, StreamSettings settings, KafkaStreams streams, List<DemoReport.KeyTrace> traces) {
            this.bootstrap = bootstrap;
            this.settings = settings;
            this.streams = streams;
            for (DemoReport.KeyTrace t : traces) {
                byKey.put(t.key, t);
            }
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join();
            if (failure != null) {
                throw new IllegalStateException("reading forecasts and alerts failed", failure);
            }
        }

        synchronized long forecasts() {
            return forecasts;
        }

        synchronized long alerts() {
            return alerts;
        }

        synchronized Map<Long, Long> forecastsByVersion() {
            return new TreeMap<>(byVersion);
        }

        void awaitForecasts(long target) throws InterruptedException {
            awaitCount(target, true);
        }

        void awaitAlerts(long target) throws InterruptedException {
            awaitCount(target, false);
        }

        private void awaitCount(long target, boolean ofForecasts) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while ((ofForecasts ? forecasts() : alerts()) < target) {
                if (System.nanoTime() > deadline || failure != null) {
                    throw new IllegalStateException("read " + (ofForecasts ? forecasts() : alerts()) + " of " + target
                            + (ofForecasts ? " forecasts" : " alerts") + " within " + WAIT, failure);
                }
                Thread.sleep(50);
            }
        }

        @Override
        public void run() {
            Map<String, Object> c = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(),
                    new StringDeserializer())) {
                List<TopicPartition> partitions = new ArrayList<>();
                for (String topic : List.of(settings.forecastsTopic(), settings.alertsTopic())) {
                    consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
                }
                consumer.assign(partitions);
                consumer.seekToEnd(partitions);
                partitions.forEach(consumer::position);
                long lastProgress = System.nanoTime();
                long lastProcessed = processed(streams);
                String lastLine = "";
                while (running) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                        JsonNode n = JSON.readTree(r.value());
                        if (r.topic().equals(settings.alertsTopic())) {
                            alert(n);
                        } else {
                            forecast(n);
                        }
                    }
                    long now = System.nanoTime();
                    if (now - lastProgress >= PROGRESS_EVERY.toNanos()) {
                        long p = processed(streams);
                        double perSecond = (p - lastProcessed) / ((now - lastProgress) / 1e9);
                        synchronized (this) {
                            // While the replay waits for a training, nothing moves: one line says so.
                            String state = String.format(Locale.ROOT, "forecasts %6d  open alerts %d  model in use %s",
                                    forecasts, open.size(), versionInUse < 0 ? "none" : "v" + versionInUse);
                            if (p != lastProcessed || !state.equals(lastLine)) {
                                say(String.format(Locale.ROOT, "   .. events %6d (%5.0f/s)  %s", p, perSecond, state));
                            }
                            lastLine = p != lastProcessed ? "" : state;
                        }
                        lastProgress = now;
                        lastProcessed = p;
                    }
                }
            } catch (RuntimeException | IOException e) {
                failure = e;
            }
        }

        private synchronized void forecast(JsonNode n) {
            forecasts++;
            versionInUse = n.get("modelVersion").asLong();
            byVersion.merge(versionInUse, 1L, Long::sum);
            DemoReport.KeyTrace t = byKey.get(n.get("key").asText());
            JsonNode expected = n.at("/expected/value");
            if (t != null && expected.isNumber()) {
                int i = Arrays.binarySearch(t.times, ts(n));
                if (i >= 0) {
                    t.expected[i] = expected.asDouble();
                }
            }
        }

        private synchronized void alert(JsonNode a) {
            alerts++;
            String key = a.get("key").asText();
            String state = a.get("state").asText();
            long ts = ts(a);
            DemoReport.KeyTrace t = byKey.get(key);
            if ("OPEN".equals(state)) {
                open.add(key);
                if (t != null) {
                    t.alerts.add(new long[] {ts, Long.MAX_VALUE});
                }
            } else {
                open.remove(key);
                if (t != null && !t.alerts.isEmpty()) {
                    t.alerts.get(t.alerts.size() - 1)[1] = ts;
                }
            }
            say(String.format(Locale.ROOT, "   alert %-8s %-20s at %s: actual %.2f, expected %.2f, likelihood %.6f",
                    state, key, Instant.ofEpochMilli(ts), a.at("/actual/value").asDouble(),
                    a.at("/expected/value").asDouble(), a.get("likelihood").asDouble()));
        }
    }

    /** A record's {@code ts}: epoch ms, or an ISO-8601 instant. */
    private static long ts(JsonNode n) {
        JsonNode ts = n.get("ts");
        return ts.isNumber() ? ts.asLong() : Instant.parse(ts.asText()).toEpochMilli();
    }

    private static void awaitRunning(KafkaStreams streams) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline || streams.state() == KafkaStreams.State.ERROR) {
                throw new IllegalStateException("the stream did not start: " + streams.state());
            }
            Thread.sleep(50);
        }
    }

    /** A stream metric summed over the threads and tasks that report it. */
    private static double metric(KafkaStreams streams, String name) {
        double sum = 0;
        for (Map.Entry<MetricName, ? extends Metric> e : streams.metrics().entrySet()) {
            if (e.getKey().group().equals(StreamMetrics.GROUP) && e.getKey().name().equals(name)) {
                sum += ((Number) e.getValue().metricValue()).doubleValue();
            }
        }
        return sum;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
