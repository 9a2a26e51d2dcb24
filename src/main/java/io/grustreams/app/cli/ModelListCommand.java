package io.grustreams.app.cli;

import io.grustreams.stream.ModelRegistry;
import io.grustreams.stream.StreamSettings;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code model list}: every model version on the models topic and what the stream does with it. */
@Command(name = "list",
        description = {"Lists the model versions on the models topic: key, effectiveFrom, validation loss, "
                + "provenance, and what the stream does with each (serving now, pending, kept for older events, "
                + "not kept, rejected with the reason).",
                "With --config the stream's gru.features, gru.model.name and gru.model.keep decide; without it "
                + "the defaults do."})
final class ModelListCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Mixin
    ModelsTopicOptions topic;

    @Override
    public Integer call() throws Exception {
        StreamSettings settings = topic.settings();
        Instant now = Instant.now();
        ModelCatalog catalog = ModelCatalog.of(topic.client().readAll(), ModelRegistry.forSettings(settings), now);
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "models topic '%s', %d record(s), as of %s%n", settings.modelsTopic(),
                catalog.rows().size(), now);
        out.printf(Locale.ROOT, "%-24s %8s  %-24s %-16s %-9s %s%n", "KEY", "VERSION", "EFFECTIVE FROM", "VALIDATION",
                "STATUS", "PROVENANCE");
        for (ModelCatalog.Row r : catalog.rows()) {
            if (r.model() == null) {
                out.printf(Locale.ROOT, "%-24s %8s  %-24s %-16s %-9s %s%n", r.entry().key(), "-", "-", "-",
                        r.status(), r.problem());
                continue;
            }
            Optional<String> validation = ModelCatalog.validation(r.model());
            String tail = r.problem() == null ? ModelCatalog.provenanceSummary(r.model()) : r.problem();
            out.printf(Locale.ROOT, "%-24s %8d  %-24s %-16s %-9s %s%n", r.entry().key(), r.model().version(),
                    r.model().effectiveFrom(), validation.orElse("-"), r.status(), tail);
        }
        out.flush();
        return 0;
    }
}
