package io.grustreams.app.cli;

import io.grustreams.app.train.ModelsTopic;
import io.grustreams.model.GruModel;
import io.grustreams.model.codec.ModelCodec;
import io.grustreams.model.codec.ModelFormatException;
import io.grustreams.stream.ModelRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code model publish FILE}: validates a model file and publishes it as the newest version. */
@Command(name = "publish",
        description = {"Validates a model file and publishes it on the models topic under the key name@version.",
                "It serves events from its effectiveFrom on: --effective-from if given, else the file's if it is "
                + "still ahead, else now + --lead. The lead gives every instance time to read the record before "
                + "the stream reaches it, which is what makes outputs independent of when it was read.",
                "Refused: an invalid file, a version not above every version of the name on the topic, and with "
                + "--config a model the stream cannot serve (features, name)."})
final class ModelPublishCommand implements Callable<Integer> {

    /** Default lead between publishing and effectiveFrom. */
    static final Duration DEFAULT_LEAD = Duration.ofMinutes(1);

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Mixin
    ModelsTopicOptions topic;

    @Parameters(index = "0", paramLabel = "FILE", description = "The model file (gru-streams-model JSON).")
    Path file;

    @Option(names = "--effective-from", paramLabel = "INSTANT",
            description = "Event time the model serves from, ISO-8601 (a planned roll-out), e.g. 2025-06-01T00:00:00Z.")
    String effectiveFrom;

    @Option(names = "--lead", paramLabel = "DURATION", defaultValue = "1m",
            description = "effectiveFrom = now + this when neither --effective-from nor the file sets a time ahead: "
                    + "500ms, 30s, 5m, 2h or ISO-8601 (PT1M) (default: ${DEFAULT-VALUE}).")
    String lead;

    @Option(names = "--dry-run", description = "Validate and show what would be published, publish nothing.")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
        GruModel model;
        try {
            model = ModelCodec.read(file);
        } catch (ModelFormatException e) {
            throw new IllegalArgumentException(file + " is not a valid model file: " + e.getMessage(), e);
        }
        Instant now = Instant.now();
        Instant from = effectiveFrom(parseInstant(spec, effectiveFrom), parseDuration(spec, lead),
                model.effectiveFrom(), now);
        return publish(spec, topic, model.withEffectiveFrom(from), now, dryRun);
    }

    /**
     * The effectiveFrom to publish with: {@code explicit} if given; else the file's if it is after
     * {@code now} (a trainer set it); else {@code now + lead}.
     */
    static Instant effectiveFrom(Instant explicit, Duration lead, Instant fromFile, Instant now) {
        if (explicit != null) {
            return explicit;
        }
        if (fromFile.isAfter(now)) {
            return fromFile;
        }
        return now.plus(lead);
    }

    /**
     * Validates {@code model} against the topic and the stream's settings, then publishes it under
     * {@link ModelRegistry#recordKey}. Shared with rollback.
     *
     * @return the exit code
     */
    static int publish(CommandLine.Model.CommandSpec spec, ModelsTopicOptions topic, GruModel model, Instant now,
            boolean dryRun) throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String key = ModelRegistry.recordKey(model);
        ModelRegistry registry = ModelRegistry.forSettings(topic.settings());
        if (topic.hasStreamSettings()) {
            Optional<String> why = registry.rejection(key, model);
            if (why.isPresent()) {
                throw new IllegalArgumentException("the stream cannot serve " + key + ": " + why.get()
                        + "; nothing was published");
            }
        } else {
            err.println("note: without --config, the model is not checked against the stream's gru.features "
                    + "and gru.model.name");
        }
        ModelsTopic client = topic.client();
        ModelCatalog catalog = ModelCatalog.of(client.readAll(), registry, now);
        OptionalLong max = catalog.maxVersion(model.name());
        if (max.isPresent() && model.version() <= max.getAsLong()) {
            throw new IllegalArgumentException("version " + model.version() + " of '" + model.name()
                    + "' is not above the highest on the topic, " + max.getAsLong() + " (the stream serves the "
                    + "highest effective version): re-version the model, or use 'model rollback' to serve an older "
                    + "one again; nothing was published");
        }
        if (model.effectiveFrom().isBefore(now)) {
            err.println("warning: effectiveFrom " + model.effectiveFrom() + " is in the past: instances that have "
                    + "already processed events after it used the previous model for them");
        }
        err.flush();
        byte[] bytes = ModelCodec.toJson(model);
        if (dryRun) {
            out.printf(Locale.ROOT, "would publish %s (%d bytes) to '%s', effective from %s%n", key, bytes.length,
                    client.topic(), model.effectiveFrom());
            out.flush();
            return 0;
        }
        ModelsTopic.Published at = client.publish(key, bytes);
        out.printf(Locale.ROOT, "published %s to %s-%d@%d, effective from %s (parameters %s)%n", key, client.topic(),
                at.partition(), at.offset(), model.effectiveFrom(), ModelCodec.checksum(model.parameters()));
        out.flush();
        return 0;
    }

    static Instant parseInstant(CommandLine.Model.CommandSpec spec, String text) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--effective-from is not an ISO-8601 "
                    + "instant such as 2025-06-01T00:00:00Z: '" + text + "'");
        }
    }

    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

    static Duration parseDuration(CommandLine.Model.CommandSpec spec, String text) {
        String t = text.trim();
        Matcher m = SIMPLE_DURATION.matcher(t);
        try {
            Duration d;
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                d = switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofHours(n);
                };
            } else {
                d = Duration.parse(t);
            }
            if (d.isNegative()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--lead must not be negative: " + text);
            }
            return d;
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--lead is not a duration such as 30s, "
                    + "5m or PT1M: '" + text + "'");
        }
    }
}
