package io.grustreams.app.cli;

import io.grustreams.app.broker.InProcessKafkaBroker;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gru-streams broker}: a single-node Kafka broker in the foreground, for trying
 * gru-streams without Docker or an existing cluster.
 *
 * <p>Prints {@code bootstrap.servers=127.0.0.1:PORT} on its first line once the broker accepts
 * clients, then blocks. Ends on:
 * <ul>
 *   <li>SIGINT/SIGTERM (Ctrl-C): a shutdown hook stops the broker cleanly, then prints
 *       {@code broker stopped};</li>
 *   <li>an interrupt of the thread running it (embedding, tests): stops the broker, exit code 0;</li>
 *   <li>a fatal broker fault: stops the broker, prints the fault, exit code 1.</li>
 * </ul>
 */
@Command(name = "broker",
        mixinStandardHelpOptions = true,
        description = {
            "Runs a single-node Kafka broker (KRaft) in this process until Ctrl-C.",
            "Listens on 127.0.0.1 only. For trying gru-streams without Docker."})
public final class BrokerCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "9092", paramLabel = "N",
            description = "Client port on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--dir", paramLabel = "D",
            description = "Directory for the broker's config and logs, kept on exit: a later run "
                    + "with the same directory has the same topics and records. "
                    + "Default: a temporary directory, deleted on exit.")
    Path dir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        InProcessKafkaBroker.Builder builder = InProcessKafkaBroker.builder().port(port);
        if (dir != null) {
            builder.dir(dir);
        }
        InProcessKafkaBroker broker = builder.build();
        try {
            broker.start();
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
        Stopper stopper = new Stopper(broker, out);
        Thread hook = new Thread(stopper, "gru-streams-broker-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        out.println("bootstrap.servers=" + broker.bootstrapServers());
        out.println("data: " + broker.dir() + (dir == null ? " (deleted on exit)" : " (kept)"));
        out.println("Press Ctrl-C to stop.");
        out.flush();
        Optional<String> fault = Optional.empty();
        boolean interrupted = false;
        try {
            fault = broker.awaitStop();
        } catch (InterruptedException e) {
            // Stopped by whoever runs this command in-process. The interrupt is restored only
            // after the broker is closed: Kafka's shutdown waits on latches that an interrupt breaks.
            interrupted = true;
        } finally {
            removeHook(hook);
            stopper.run();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (fault.isPresent()) {
            err.println("error: " + fault.get());
            err.flush();
            return 1;
        }
        return 0;
    }

    /** Removes the hook unless the JVM is already running it (then it closes the broker). */
    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The JVM is shutting down and the hook is closing the broker; the caller waits for it.
        }
    }

    /**
     * Closes the broker and says so, once, whichever comes first: the shutdown hook (signal) or
     * the command's own thread. The second caller waits for the first, so the JVM cannot end
     * between the close and the message.
     */
    private static final class Stopper implements Runnable {
        private final InProcessKafkaBroker broker;
        private final PrintWriter out;
        private boolean done;

        Stopper(InProcessKafkaBroker broker, PrintWriter out) {
            this.broker = broker;
            this.out = out;
        }

        @Override
        public synchronized void run() {
            if (done) {
                return;
            }
            done = true;
            broker.close();
            out.println("broker stopped");
            out.flush();
        }
    }
}
