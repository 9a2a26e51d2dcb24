package io.grustreams.app;

import io.grustreams.app.cli.BacktestCommand;
import io.grustreams.app.cli.BrokerCommand;
import io.grustreams.app.cli.ConfigCommand;
import io.grustreams.app.cli.DemoCommand;
import io.grustreams.app.cli.KafkaFailures;
import io.grustreams.app.cli.ModelCommand;
import io.grustreams.app.cli.ProduceCommand;
import io.grustreams.app.cli.RunCommand;
import io.grustreams.app.cli.TopicsCommand;
import io.grustreams.app.train.TrainCommand;
import io.grustreams.tools.bench.BenchCommand;
import io.grustreams.tools.nab.NabCommand;
import io.grustreams.tools.reference.VerifyReferenceCommand;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
                ConfigCommand.class,
                ProduceCommand.class,
                DemoCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    /**
     * Loggers of Kafka's clients, Kafka Streams and the broker: at ERROR on the console, since their
     * WARNs on a normal run (a temp state.dir, a retried CONCURRENT_TRANSACTIONS, "Not updating last
     * stable offset", closing a closed NetworkClient) read like faults; {@code --verbose} shows their WARNs.
     */
    static final List<String> KAFKA_LOGGERS = List.of("org.apache.kafka", "kafka",
            "state.change.logger", "LogFutureTimestampLogger");

    /** The prefix of slf4j-simple's per-logger levels, as system properties (which win over simplelogger.properties). */
    static final String LOG_LEVEL_PROPERTY = "org.slf4j.simpleLogger.log.";

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces of errors, and warnings of Kafka's clients and broker.")
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
        // Before anything creates a logger: slf4j-simple reads each logger's level once, when it is created.
        if (Arrays.asList(args).contains("--verbose")) {
            verboseLogLevels().forEach(System::setProperty);
        }
        System.exit(commandLine().execute(args));
    }

    /** The log levels --verbose sets: Kafka's loggers at WARN, as they were before the quiet console. */
    static Map<String, String> verboseLogLevels() {
        Map<String, String> levels = new TreeMap<>();
        for (String logger : KAFKA_LOGGERS) {
            levels.put(LOG_LEVEL_PROPERTY + logger, "warn");
        }
        return levels;
    }

    /**
     * Errors are one line that says what went wrong; stack traces only with --verbose. A
     * {@link ConfigurationError} exits with status 2, as a bad option does, but without the usage text.
     */
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
            if (ex instanceof ConfigurationError) {
                return cmd.getCommandSpec().exitCodeOnInvalidInput();
            }
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
