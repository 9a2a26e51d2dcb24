package io.grustreams.app;

import io.grustreams.app.bench.BenchCommand;
import io.grustreams.app.cli.BacktestCommand;
import io.grustreams.app.cli.BrokerCommand;
import io.grustreams.app.cli.DemoCommand;
import io.grustreams.app.cli.KafkaFailures;
import io.grustreams.app.cli.ModelCommand;
import io.grustreams.app.cli.VerifyReferenceCommand;
import io.grustreams.app.cli.NabCommand;
import io.grustreams.app.cli.ProduceCommand;
import io.grustreams.app.cli.RunCommand;
import io.grustreams.app.cli.TopicsCommand;
import io.grustreams.app.train.TrainCommand;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

/**
 * The {@code gru-streams} command line. Only wires commands; each command's work lives in its
 * own feature package.
 */
@Command(name = "gru-streams",
        mixinStandardHelpOptions = true,
        versionProvider = Main.VersionProvider.class,
        description = "Per-key GRU forecasting and anomaly alerts inside Kafka Streams.",
        subcommands = {
                ModelCommand.class,
                VerifyReferenceCommand.class,
                BrokerCommand.class,
                RunCommand.class,
                NabCommand.class,
                BacktestCommand.class,
                TrainCommand.class,
                BenchCommand.class,
                TopicsCommand.class,
                ProduceCommand.class,
                DemoCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces of errors.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The configured command line; tests call this to run commands in-process. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        withStandardHelp(cl);
        cl.setExecutionExceptionHandler(new OneLineErrors());
        return cl;
    }

    /** Every command answers --help and --version, whether or not its class asked for them. */
    private static void withStandardHelp(CommandLine cl) {
        if (!cl.getCommandSpec().mixinStandardHelpOptions()) {
            cl.getCommandSpec().mixinStandardHelpOptions(true);
        }
        for (CommandLine sub : cl.getSubcommands().values()) {
            withStandardHelp(sub);
        }
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** Errors are one line that says what went wrong; stack traces only with --verbose. */
    static final class OneLineErrors implements IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parsed) {
            PrintWriter err = cmd.getErr();
            boolean verbose = parsed.hasMatchedOption("--verbose")
                    || (parsed.subcommand() != null && hasVerbose(parsed));
            if (verbose) {
                ex.printStackTrace(err);
            } else {
                // Wrong credentials or an untrusted certificate: say which, not the client's wrapped exception.
                String msg = KafkaFailures.describe(ex).orElse(ex.getMessage() == null ? ex.getClass().getSimpleName()
                        : ex.getMessage());
                err.println("error: " + msg);
            }
            err.flush();
            return cmd.getCommandSpec().exitCodeOnExecutionException();
        }

        private static boolean hasVerbose(ParseResult parsed) {
            for (ParseResult p = parsed; p != null; p = p.subcommand()) {
                if (p.hasMatchedOption("--verbose")) {
                    return true;
                }
            }
            return false;
        }
    }

    /** The version from the jar manifest, or "development" when run from classes. */
    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"gru-streams " + version()};
        }
    }

    /** The gru-streams version, also recorded in model provenance. */
    public static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }
}
