package io.grustreams.app.cli;

import io.grustreams.model.GruModel;
import io.grustreams.model.Provenance;
import io.grustreams.stream.ModelRegistry;
import io.grustreams.stream.StreamSettings;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code model rollback --to VERSION}: re-publishes an older model as the newest version. Its
 * weights are unchanged; it gets the next version number, an effectiveFrom, and provenance
 * {@code rolledBackFrom}. Re-publishing (rather than deleting the newer versions) keeps the history
 * on the topic and keeps the rule "highest effective version serves", so outputs stay a function of
 * the events and the model records.
 */
@Command(name = "rollback",
        description = {"Re-publishes an older model version as the newest (next version number, same weights, "
                + "provenance rolledBackFrom), effective from --effective-from or now + --lead. "
                + "Validated as 'model publish' validates."})
final class ModelRollbackCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Mixin
    ModelsTopicOptions topic;

    @Option(names = "--to", required = true, paramLabel = "VERSION", description = "The version to serve again.")
    long to;

    @Option(names = "--name", description = "The model name (default: gru.model.name, or the only name on the topic).")
    String name;

    @Option(names = "--effective-from", paramLabel = "INSTANT", description = "Event time the rollback takes effect, ISO-8601.")
    String effectiveFrom;

    @Option(names = "--lead", paramLabel = "DURATION", defaultValue = "1m",
            description = "effectiveFrom = now + this without --effective-from (default: ${DEFAULT-VALUE}).")
    String lead;

    @Option(names = "--dry-run", description = "Validate and show what would be published, publish nothing.")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
        StreamSettings settings = topic.settings();
        Instant now = Instant.now();
        ModelCatalog catalog = ModelCatalog.of(topic.client().readAll(), ModelRegistry.forSettings(settings), now);
        String modelName = name != null ? name : settings.modelName().orElse(null);
        if (modelName == null) {
            TreeSet<String> names = catalog.names();
            if (names.size() != 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "the topic has models named " + names
                        + "; say which with --name");
            }
            modelName = names.first();
        }
        final String n = modelName;
        GruModel old = catalog.find(n, to).orElseThrow(() -> new IllegalArgumentException("no servable version "
                + to + " of '" + n + "' on the models topic (versions: " + catalog.rows().stream()
                .filter(r -> r.model() != null && r.model().name().equals(n)).map(r -> r.model().version() + " "
                        + r.status()).toList() + ")"));
        long next = catalog.maxVersion(n).orElseThrow() + 1;
        Map<String, Object> provenance = new LinkedHashMap<>(old.provenance());
        provenance.put(Provenance.ROLLED_BACK_FROM, to);
        provenance.put(Provenance.ROLLED_BACK_AT, now.toString());
        Instant from = ModelPublishCommand.effectiveFrom(ModelPublishCommand.parseInstant(spec, effectiveFrom),
                ModelPublishCommand.parseDuration(spec, lead), Instant.EPOCH, now);
        GruModel again = old.withVersion(next).withEffectiveFrom(from).withProvenance(provenance);
        return ModelPublishCommand.publish(spec, topic, again, now, dryRun);
    }
}
