package io.grustreams.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code gru-streams nab ...}: the Numenta Anomaly Benchmark. */
@Command(name = "nab",
        mixinStandardHelpOptions = true,
        description = "The Numenta Anomaly Benchmark: score a detector's results.",
        subcommands = {NabScoreCommand.class})
public final class NabCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
