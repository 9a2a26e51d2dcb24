package io.grustreams.app.cli;

import io.grustreams.app.AppConfig;
import io.grustreams.stream.StreamSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The stream's settings for commands that replay data offline ({@code backtest}, {@code nab},
 * {@code bench forecast}): the same merge as {@code run} (an optional file, then {@code GRUSTREAMS_*}
 * variables, then {@code --set}), so that an offline replay computes what the configured stream
 * computes (inputs, horizon, ring, detector). A picocli mixin.
 */
public final class SettingsOptions {

    @Option(names = "--config", paramLabel = "FILE",
            description = "A configuration file of 'run' (its gru.inputs.*, gru.forecast.horizon, gru.ring.size and "
                    + "gru.anomaly.* apply). Default: none, the defaults.")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Sets one key, over the file and the environment (repeatable), as for 'run'.")
    Map<String, String> set = new LinkedHashMap<>();

    /** Where GRUSTREAMS_* variables come from; tests replace it. */
    Map<String, String> env = System.getenv();

    /** The merged configuration, loaded as every command loads it. */
    AppConfig load() throws IOException {
        return AppConfig.load(config, env, set);
    }

    /**
     * The merged settings.
     *
     * @param overrides keys the command decides itself (e.g. the features of a CSV), over everything
     * @throws io.grustreams.app.ConfigurationError naming a missing file, or a bad key or value and its source
     */
    public StreamSettings settings(Map<String, String> overrides) throws IOException {
        Map<String, String> all = new LinkedHashMap<>(set);
        all.putAll(overrides);
        return AppConfig.load(config, env, all).settings();
    }
}
