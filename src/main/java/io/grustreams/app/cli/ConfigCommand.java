package io.grustreams.app.cli;

import io.grustreams.app.AppConfig;
import io.grustreams.app.ConfigOptions;
import io.grustreams.stream.SettingsDefinition;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.kafka.common.config.ConfigDef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gru-streams config}: the effective configuration, as every command loads it (the file,
 * {@code GRUSTREAMS_*} variables, {@code --set}, defaults), one key a line with its value and source,
 * secrets masked; then checks it as {@code run} does. {@code --markdown} prints instead the declaration
 * of every {@code gru.*} key as the README's table.
 */
@Command(name = "config",
        mixinStandardHelpOptions = true,
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:the configuration is valid", "2:it is not (the last line says which key, value and source)"},
        description = {
            "Prints the effective configuration: every key with its value and where the value came from",
            "(file PATH, environment GRUSTREAMS_..., --set, or default), sorted by key, in three columns",
            "KEY VALUE SOURCE. Values of secrets (passwords, secrets, tokens, credentials, JAAS, keys) show as "
                    + AppConfig.MASK + ".",
            "Then checks it as 'run' does."})
public final class ConfigCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions configuration = new ConfigOptions();

    @Option(names = "--markdown", description = "Print the table of every gru.* key (key, default, valid values, "
            + "meaning) in Markdown, as in the README, instead.")
    boolean markdown;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (markdown) {
            out.print(markdownTable(AppConfig.definition()));
            out.flush();
            return 0;
        }
        AppConfig config = configuration.load();
        List<AppConfig.Entry> entries = config.describe();
        int keyWidth = "KEY".length();
        int valueWidth = "VALUE".length();
        for (AppConfig.Entry e : entries) {
            keyWidth = Math.max(keyWidth, e.key().length());
            valueWidth = Math.max(valueWidth, shown(e.value()).length());
        }
        String format = "%-" + keyWidth + "s  %-" + valueWidth + "s  %s%n";
        out.printf(format, "KEY", "VALUE", "SOURCE");
        for (AppConfig.Entry e : entries) {
            out.printf(format, e.key(), shown(e.value()), e.source());
        }
        out.flush();
        config.settings();
        return 0;
    }

    private static String shown(String value) {
        return value.isEmpty() ? "(none)" : value;
    }

    /** The README's table of {@code def}'s keys, in declaration order: key, default, valid values, meaning. */
    static String markdownTable(ConfigDef def) {
        StringBuilder b = new StringBuilder("| key | default | valid values | meaning |\n|---|---|---|---|\n");
        for (ConfigDef.ConfigKey k : def.configKeys().values()) {
            // An empty default (an optional file, a name) reads as none, as an absent (null) one does.
            String shown = k.defaultValue == ConfigDef.NO_DEFAULT_VALUE ? "" : SettingsDefinition.format(k.defaultValue);
            String dflt = shown.isEmpty() ? "(none)" : "`" + shown + "`";
            String valid = k.validator == null ? k.type.name().toLowerCase(Locale.ROOT) : k.validator.toString();
            b.append("| `").append(k.name).append("` | ").append(dflt).append(" | ").append(cell(valid))
                    .append(" | ").append(cell(k.documentation)).append(" |\n");
        }
        return b.toString();
    }

    private static String cell(String text) {
        return text.replace("|", "\\|");
    }
}
