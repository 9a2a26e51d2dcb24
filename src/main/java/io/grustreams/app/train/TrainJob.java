package io.grustreams.app.train;

import io.grustreams.app.Main;
import io.grustreams.model.GruModel;
import io.grustreams.model.Provenance;
import io.grustreams.model.codec.ModelCodec;
import io.grustreams.stream.ModelRegistry;
import io.grustreams.stream.StreamSettings;
import io.grustreams.train.InsufficientDataException;
import io.grustreams.train.RetrainConfig;
import io.grustreams.train.RetrainRequest;
import io.grustreams.train.RetrainResult;
import io.grustreams.train.Retrainer;
import io.grustreams.train.SampleLimits;
import io.grustreams.train.SampleSummary;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * One retraining run of {@code gru-streams train}: read the window, find the current model, train,
 * judge, write the model file, publish, and write the report and the loss curve.
 *
 * <p>Outputs, in {@code outDir}, named {@code <model>-v<version>-<start time>}: {@code .model.json}
 * (the new model, published or not), {@code .json} (the {@link RunReport}) and {@code .png} (the
 * {@link LossCurvePlot}). The model is published keyed {@code name@version}
 * ({@link ModelRegistry#recordKey}), effective from {@code --effective-from} or publish time plus a
 * lead. Publishing happens only after the model file is written and only if the champion/challenger
 * gate says so and this is not a dry run; a failure before it publishes nothing.
 *
 * <p>Public so that other commands can train as code ({@code demo} does, and reads the typed
 * {@link Outcome} instead of parsing the console): build a {@link Plan}, construct, {@link #run()}.
 */
public final class TrainJob {

    /**
     * Where the data and the current model come from, and what is done with the result. No checks
     * here: {@code gru-streams train} validates its options before building one.
     *
     * @param file the configuration, whose Kafka client keys ({@code bootstrap.servers}, security) the run
     *     uses; without {@code bootstrap.servers} only a dry run on {@code input} works
     * @param settings the stream's settings of that configuration (topics, features, inputs)
     * @param modelName the new model's name (the stream must serve it: {@code gru.model.name}, if set)
     * @param config the trainer's configuration, e.g. {@link TrainingOptions#forStream} with changes
     * @param input CSV files to train on instead of the events topic
     * @param window the history to read, ending at the run's start (with {@code input}: at the newest
     *     event); empty: 24 hours of the topic, all of the files
     * @param outDir where the model file, report and loss curve are written (created if missing)
     * @param dryRun train, judge and write the files, but publish nothing
     * @param championFile judge against (and warm-start from) this model file instead of the topic's
     * @param effectiveFrom the event time the stream switches to the new model at; empty: publish
     *     time plus {@code lead}
     * @param lead see {@code effectiveFrom}
     * @param limits the keys and events per key read into memory at most, sampled with the trainer's seed
     */
    public record Plan(Properties file, StreamSettings settings, String modelName, RetrainConfig config,
            Optional<Path> input, Optional<Duration> window, Path outDir, boolean dryRun,
            Optional<Path> championFile, Optional<Instant> effectiveFrom, Duration lead, SampleLimits limits) {
    }

    /**
     * What a run did.
     *
     * @param published whether the model went to the models topic
     * @param reason the champion/challenger verdict, one line with the validation figures
     * @param model the new model (published or not), with its version and effective time
     * @param report the report file
     */
    public record Outcome(boolean published, String reason, GruModel model, Path report) {
    }

    static final Duration DEFAULT_WINDOW = Duration.ofHours(24);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final Plan plan;
    private final Clock clock;
    private final PrintWriter out;

    /**
     * @param clock the run's start time (the end of a topic window, the model's creation time)
     * @param out the console: what was read, training progress, the verdict
     */
    public TrainJob(Plan plan, Clock clock, PrintWriter out) {
        this.plan = plan;
        this.clock = clock;
        this.out = out;
    }

    /**
     * Runs once.
     *
     * @throws InsufficientDataException if the window cannot train or validate a model (nothing published)
     * @throws IllegalArgumentException on bad configuration (nothing published)
     * @throws IllegalStateException if Kafka cannot be read or written, or the model is too large for the
     *     models topic (nothing published)
     */
    public Outcome run() throws IOException {
        // Milliseconds: the precision of Kafka timestamps, and readable in file names and reports.
        Instant started = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        long t0 = System.nanoTime();
        StreamSettings settings = plan.settings();
        Optional<KafkaClients> kafka = kafka();

        SourceData source;
        // One seed for the sample and the training, so that a seed names the whole run.
        long seed = plan.config().trainer().seed();
        if (plan.input().isPresent()) {
            source = new CsvSource(settings.features()).read(plan.input().get(), plan.window(), plan.limits(), seed);
        } else {
            KafkaClients clients = kafka.orElseThrow(() -> new IllegalArgumentException(
                    "bootstrap.servers is not set (in --config, as GRUSTREAMS_BOOTSTRAP_SERVERS or with --set) (needed to read the events topic)"));
            source = new EventsTopicSource(clients, settings.eventsTopic(), settings.features(),
                    settings.eventMaxBytes()).read(plan.window().orElse(DEFAULT_WINDOW), started, plan.limits(), seed);
        }
        SampleSummary sample = source.sample();
        out.printf(Locale.ROOT, "read %,d records from %s: %,d events of %s%,d keys, %,d bad%s%n", source.records(),
                describe(source), sample.eventsSeen(), sample.keysSeenExact() ? "" : "about ", sample.keysSeen(),
                source.badRecordCount(), source.badRecords().isEmpty() ? "" : " " + source.badRecords());
        out.println(describe(sample));
        if (source.history().isEmpty()) {
            throw new InsufficientDataException("no events in " + describe(source) + "; nothing to train on");
        }

        Optional<ModelsTopic> models = kafka.map(c -> new ModelsTopic(c, settings.modelsTopic()));
        Optional<GruModel> champion = Optional.empty();
        long maxVersion = 0;
        if (models.isPresent()) {
            // Read even with --champion: the new version must exceed every version on the topic to be served.
            ModelsTopic.Current current = models.get().current(settings, started);
            for (String why : current.skipped()) {
                out.println("models topic: not a model this stream serves: " + why);
            }
            champion = current.champion();
            maxVersion = current.maxVersion();
        }
        if (plan.championFile().isPresent()) {
            champion = Optional.of(ModelCodec.read(plan.championFile().get()));
            maxVersion = Math.max(maxVersion, champion.get().version());
        }
        out.println(champion.map(c -> "current model: " + c.name() + " v" + c.version() + " (" + c.layout() + ")")
                .orElse("current model: none"));
        double readSeconds = (System.nanoTime() - t0) / 1e9;

        long version = maxVersion + 1;
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put(Provenance.TRAINER, "gru-streams train");
        provenance.put(Provenance.GRU_STREAMS_VERSION, Main.version());
        provenance.put(Provenance.SOURCE, source.provenance());
        provenance.put(Provenance.SAMPLE, sample.toMap());
        RetrainRequest request = new RetrainRequest(plan.modelName(), settings.features(), version, started, champion,
                provenance);
        ConsoleProgress progress = new ConsoleProgress(out, System::nanoTime, 5_000_000_000L);
        long t1 = System.nanoTime();
        RetrainResult result = new Retrainer(plan.config()).run(source.history(), request, progress);
        double trainSeconds = (System.nanoTime() - t1) / 1e9;

        // The event time the stream switches at: given, or publish time plus a lead, so that every
        // instance has read the record before its events reach that time (docs/models.md, "Hot-swap").
        Instant effective = plan.effectiveFrom()
                .orElseGet(() -> clock.instant().truncatedTo(ChronoUnit.MILLIS).plus(plan.lead()));
        GruModel model = result.model().withEffectiveFrom(effective);
        byte[] bytes = ModelCodec.toJson(model);
        Files.createDirectories(plan.outDir());
        String base = model.name() + "-v" + model.version() + "-" + STAMP.format(started);
        Path modelFile = plan.outDir().resolve(base + ".model.json");
        Path reportFile = plan.outDir().resolve(base + ".json");
        Path curveFile = plan.outDir().resolve(base + ".png");
        ModelCodec.write(model, modelFile);

        Optional<ModelsTopic.Published> published = Optional.empty();
        String verdict = result.decision().reason();
        String key = ModelRegistry.recordKey(model);
        if (result.decision().publish() && !plan.dryRun()) {
            ModelsTopic topic = models.orElseThrow(() -> new IllegalArgumentException(
                    "bootstrap.servers is not set (in --config, as GRUSTREAMS_BOOTSTRAP_SERVERS or with --set) (needed to publish; or use --dry-run)"));
            topic.requireFits(key, bytes);
            published = Optional.of(topic.publish(key, bytes));
        }

        Optional<String> note = Optional.empty();
        try {
            new LossCurvePlot(model.name() + " v" + model.version() + ": " + (published.isPresent() ? "published"
                    : "not published"), result.trainLosses(), result.validationScores(), 1.0,
                    result.championScore(), result.bestEpoch()).write(curveFile);
        } catch (IOException | RuntimeException | Error e) {
            // The model is trained (and maybe published): a missing picture must not fail the run.
            note = Optional.of("the loss curve could not be drawn: " + e);
            out.println("warning: " + note.get());
        }
        Map<String, String> files = new LinkedHashMap<>();
        files.put("report", reportFile.toString());
        files.put("lossCurve", curveFile.toString());
        files.put("model", modelFile.toString());
        RunReport report = new RunReport(started, clock.instant(), readSeconds, trainSeconds, source, result, model,
                bytes.length, progress.epochSeconds(), plan.dryRun(), models.map(ModelsTopic::topic), published,
                files, note);
        report.write(reportFile);

        if (published.isPresent()) {
            out.printf(Locale.ROOT, "published %s v%d to %s as %s (partition %d, offset %d), effective from %s: %s%n",
                    model.name(), model.version(), settings.modelsTopic(), key, published.get().partition(),
                    published.get().offset(), model.effectiveFrom(), verdict);
        } else {
            out.printf(Locale.ROOT, "not published%s: %s%n", plan.dryRun() && result.decision().publish()
                    ? " (dry run)" : "", verdict);
        }
        out.printf(Locale.ROOT, "validation RMSE %.4g x persistence's%s; report %s%n",
                Math.sqrt(result.validationScore()), Double.isNaN(result.vsWeekly()) ? ""
                        : String.format(Locale.ROOT, ", %.4g x the weekly naive's", Math.sqrt(result.vsWeekly())),
                reportFile);
        out.flush();
        return new Outcome(published.isPresent(), verdict, model, reportFile);
    }

    /**
     * Kafka clients when the configuration names a broker: the models topic is then read for the current
     * model (and the events topic without --input). Without one, only a dry run on files can go on.
     */
    private Optional<KafkaClients> kafka() {
        String bootstrap = plan.file().getProperty("bootstrap.servers");
        if (bootstrap != null && !bootstrap.isBlank()) {
            return Optional.of(new KafkaClients(plan.file()));
        }
        if (!plan.dryRun()) {
            throw new IllegalArgumentException("bootstrap.servers is not set (in --config, as GRUSTREAMS_BOOTSTRAP_SERVERS"
                    + " or with --set), needed to publish the model; use --dry-run to train without publishing");
        }
        return Optional.empty();
    }

    /** One console line: what the caps kept, and what they dropped. */
    static String describe(SampleSummary s) {
        String kept = String.format(Locale.ROOT, "kept %,d of %s%,d keys (at most %,d, sampled with seed %d) and"
                + " %,d events (at most the newest %,d per key)", s.keysKept(), s.keysSeenExact() ? "" : "about ",
                s.keysSeen(), s.maxKeys(), s.seed(), s.eventsKept(), s.maxEventsPerKey());
        if (!s.sampled()) {
            return kept + ": everything";
        }
        return kept + String.format(Locale.ROOT, "; dropped %,d events of keys not sampled and %,d older events of"
                + " sampled keys", s.eventsDroppedByKeyCap(), s.eventsDroppedByEventCap());
    }

    private static String describe(SourceData source) {
        Map<String, Object> p = source.provenance();
        if ("topic".equals(p.get("kind"))) {
            return "topic '" + p.get("topic") + "' from " + p.get("from") + " to " + p.get("to");
        }
        return p.get("files") + " file(s) under " + p.get("input");
    }
}
