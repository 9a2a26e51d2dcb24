package io.grustreams.tools.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code gru-streams bench ...}: the benchmarks. Each prints median and spread; {@code --json} one object per case. */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmarks: median and spread over measured rounds after warm-up.",
        subcommands = {StepBenchCommand.class, TrainBenchCommand.class, RetrainBenchCommand.class, ForecastBench.class, StreamBench.class,
                PipelineBench.class, AnomalyBench.class, NabScoreBench.class, RestoreBench.class, TrainerMemoryBench.class,
                SoakBench.class})
public final class BenchCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
