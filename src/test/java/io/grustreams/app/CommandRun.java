package io.grustreams.app;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** A command run in-process: its exit code and what it printed to its output and error streams. */
public record CommandRun(int exit, String out, String err) {

    /** Runs {@code args} through {@code cl} with its output and error streams captured. */
    public static CommandRun execute(CommandLine cl, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new CommandRun(exit, out.toString(), err.toString());
    }

    /** Runs {@code args} through a new command line of {@code command}. */
    public static CommandRun execute(Object command, String... args) {
        return execute(new CommandLine(command), args);
    }
}
