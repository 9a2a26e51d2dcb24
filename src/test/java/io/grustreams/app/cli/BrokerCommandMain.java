package io.grustreams.app.cli;

import picocli.CommandLine;

/**
 * Runs {@link BrokerCommand} as its own process, for the signal test. The lead registers the
 * command in {@code Main}; this keeps the test independent of that wiring.
 */
public final class BrokerCommandMain {

    private BrokerCommandMain() {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new BrokerCommand()).execute(args));
    }
}
