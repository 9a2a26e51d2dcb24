package io.grustreams.app;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The configuration options every command that reads settings or talks to Kafka shares: a
 * properties file, then {@code GRUSTREAMS_*} environment variables, then {@code --set}, merged by
 * {@link AppConfig#load}. A picocli mixin.
 */
public final class ConfigOptions {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "The app's properties file: Kafka keys and gru.* keys (see 'gru-streams config').")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Sets one key, over the file and GRUSTREAMS_* environment variables (repeatable).")
    Map<String, String> set = new LinkedHashMap<>();

    /** Where GRUSTREAMS_* variables come from; tests replace it. */
    private Map<String, String> env = System.getenv();

    /** The file given, or null. */
    public Path file() {
        return config;
    }

    /** Replaces the environment the {@code GRUSTREAMS_*} variables are read from (for tests). */
    public ConfigOptions environment(Map<String, String> env) {
        this.env = Map.copyOf(env);
        return this;
    }

    /** Sets a key as {@code --set} would (for tests and for commands' own options). */
    public ConfigOptions set(String key, String value) {
        set.put(key, value);
        return this;
    }

    /**
     * The merged configuration.
     *
     * @throws ConfigurationError for a missing file or an ambiguous environment variable
     */
    public AppConfig load() throws IOException {
        return AppConfig.load(config, env, set);
    }
}
