package io.grustreams.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grustreams.app.AppConfig;
import io.grustreams.app.CommandRun;
import io.grustreams.app.ConfigOptions;
import io.grustreams.app.Main;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The one loader: every command that reads settings or talks to Kafka merges the file, GRUSTREAMS_*
 * variables and --set the same way; {@code config} prints the result; bad configurations are one line.
 */
class ConfigCommandTest {

    private static final Map<String, String> ENV = Map.of("GRUSTREAMS_GRU_TOPIC_MODELS", "env-models",
            "GRUSTREAMS_GRU_TOPIC_EVENTS", "env-events");

    @TempDir
    Path dir;

    private Path file() throws IOException {
        return Files.writeString(dir.resolve("app.properties"), "bootstrap.servers=file:9092\n"
                + "gru.topic.events=file-events\ngru.topic.alerts=file-alerts\ngru.topic.forecasts=file-forecasts\n"
                + "ssl.key.password=hunter2\n");
    }

    @Test
    void shouldPrintEachKeyWithItsValueAndSourceAndMaskSecrets() throws IOException {
        Path f = file();
        ConfigCommand cmd = new ConfigCommand();
        cmd.configuration.environment(ENV);
        CommandRun r = CommandRun.execute(cmd, "--config", f.toString(), "--set", "gru.topic.forecasts=set-forecasts");
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).matches("KEY +VALUE +SOURCE"), lines.get(0));
        assertTrue(lines.contains(row(lines, "gru.topic.alerts", "file-alerts", "file " + f)), r.out());
        assertTrue(lines.contains(row(lines, "gru.topic.events", "env-events", "environment GRUSTREAMS_GRU_TOPIC_EVENTS")),
                r.out());
        assertTrue(lines.contains(row(lines, "gru.topic.forecasts", "set-forecasts", "--set")), r.out());
        assertTrue(lines.contains(row(lines, "gru.ring.size", "32", "default")), r.out());
        assertTrue(lines.contains(row(lines, "ssl.key.password", AppConfig.MASK, "file " + f)), r.out());
        assertFalse(r.out().contains("hunter2"), r.out());
        assertEquals("", r.err());
    }

    /** A row as printed: the three columns at the header's offsets. */
    private static String row(List<String> lines, String key, String value, String source) {
        String header = lines.get(0);
        int valueAt = header.indexOf("VALUE");
        int sourceAt = header.indexOf("SOURCE");
        return String.format("%-" + valueAt + "s%-" + (sourceAt - valueAt) + "s%s", key, value, source);
    }

    @Test
    void shouldEndWithOneLineNamingKeyValueAndSourceWithoutUsageOnABadValue() {
        CommandRun r = CommandRun.execute(Main.commandLine(), "config", "--set", "gru.ring.size=0");
        assertEquals(2, r.exit());
        assertEquals(List.of("error: gru.ring.size must be in [1, 65536]: 0 (from --set)"), r.err().lines().toList());
        CommandRun run = CommandRun.execute(Main.commandLine(), "run", "--no-create-topics", "--set",
                "bootstrap.servers=127.0.0.1:1", "--set", "gru.forecast.horizon=many");
        assertEquals(2, run.exit());
        assertEquals(List.of("error: gru.forecast.horizon is not an integer: 'many' (from --set)"),
                run.err().lines().toList());
    }

    @Test
    void shouldSayAMissingConfigurationFileIsMissing() {
        Path missing = dir.resolve("missing.properties");
        for (String command : List.of("run", "config", "topics apply", "model list", "produce --topic t --input x.csv")) {
            List<String> args = new ArrayList<>(List.of(command.split(" ")));
            args.addAll(List.of("--config", missing.toString()));
            CommandRun r = CommandRun.execute(Main.commandLine(), args.toArray(String[]::new));
            assertEquals(2, r.exit(), command + ": " + r.err());
            assertEquals(List.of("error: configuration file " + missing + " does not exist"), r.err().lines().toList(),
                    command);
        }
    }

    @Test
    void shouldPrintTheStackTraceWithVerbose() {
        CommandRun r = CommandRun.execute(Main.commandLine(), "--verbose", "config", "--set", "gru.ring.size=0");
        assertEquals(2, r.exit());
        assertTrue(r.err().startsWith("io.grustreams.app.ConfigurationError: gru.ring.size must be in [1, 65536]: 0"),
                r.err());
        assertTrue(r.err().contains("\tat io.grustreams.app.AppConfig.settings("), r.err());
        CommandRun after = CommandRun.execute(Main.commandLine(), "config", "--verbose", "--set", "gru.ring.size=0");
        assertTrue(after.err().contains("\tat io.grustreams."), after.err());
    }

    @Test
    void shouldMergeFileEnvironmentAndSetTheSameWayInEveryCommand() throws IOException {
        Path f = file();
        List<String> commands = List.of("run", "config", "topics apply", "model list", "model publish",
                "model rollback", "produce", "backtest", "nab");
        for (String command : commands) {
            CommandLine root = Main.commandLine();
            CommandLine cl = root;
            for (String name : command.split(" ")) {
                cl = cl.getSubcommands().get(name);
            }
            Object options = configOptions(cl.getCommandSpec());
            assertNotNull(options, command + " has no --config/--set options");
            List<String> args = new ArrayList<>(List.of(command.split(" ")));
            args.addAll(List.of("--config", f.toString(), "--set", "gru.topic.forecasts=set-forecasts"));
            AppConfig c = load(options, args, root, cl);
            assertEquals("file-alerts", c.settings().alertsTopic(), command);
            assertEquals("env-events", c.settings().eventsTopic(), command);
            assertEquals("env-models", c.settings().modelsTopic(), command);
            assertEquals("set-forecasts", c.settings().forecastsTopic(), command);
        }
        // train: TrainCommandTest.shouldReadTheEnvironmentAndSetOverTheFileAsRunDoes.
    }

    /** The command's ConfigOptions or SettingsOptions, found in its mixins (and theirs). */
    private static Object configOptions(CommandSpec spec) {
        for (CommandSpec m : spec.mixins().values()) {
            if (m.userObject() instanceof ConfigOptions || m.userObject() instanceof SettingsOptions) {
                return m.userObject();
            }
            Object nested = configOptions(m);
            if (nested != null) {
                return nested;
            }
        }
        return null;
    }

    private static AppConfig load(Object options, List<String> args, CommandLine root, CommandLine command)
            throws IOException {
        List<String> all = new ArrayList<>(args);
        // Required options of some commands, which the merge does not read.
        for (CommandLine.Model.OptionSpec o : command.getCommandSpec().options()) {
            if (o.required()) {
                all.addAll(List.of(o.longestName(), "1"));
            }
        }
        for (CommandLine.Model.PositionalParamSpec p : command.getCommandSpec().positionalParameters()) {
            if (p.required()) {
                all.add("1");
            }
        }
        root.parseArgs(all.toArray(String[]::new));
        if (options instanceof ConfigOptions c) {
            return c.environment(ENV).load();
        }
        SettingsOptions s = (SettingsOptions) options;
        s.env = ENV;
        return s.load();
    }

    @Test
    void shouldReadTheModelsTopicOfTheEnvironmentInModelList() throws IOException {
        ModelListCommand list = new ModelListCommand();
        new CommandLine(list).parseArgs("--config", file().toString());
        list.topic.configuration.environment(Map.of("GRUSTREAMS_GRU_TOPIC_MODELS", "prod-models"));
        assertEquals("prod-models", list.topic.settings().modelsTopic());
        assertEquals("file:9092", list.topic.properties().getProperty("bootstrap.servers"));
    }
}
