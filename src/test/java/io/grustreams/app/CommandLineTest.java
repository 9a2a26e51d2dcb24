package io.grustreams.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The command line is consistent: every command answers --help, the root --version, and the broker
 * flag is spelled alike everywhere.
 */
class CommandLineTest {

    private static List<CommandLine> allCommands(CommandLine root) {
        List<CommandLine> all = new ArrayList<>();
        all.add(root);
        for (CommandLine sub : root.getSubcommands().values()) {
            if (!sub.getCommandName().equals("help")) {
                all.addAll(allCommands(sub));
            }
        }
        return all;
    }

    private static String path(CommandLine cl) {
        return cl.getCommandSpec().qualifiedName(" ");
    }

    @Test
    void shouldAnswerHelpOnEveryCommand() {
        List<CommandLine> commands = allCommands(Main.commandLine());
        assertTrue(commands.size() > 10, "expected the whole command tree, got " + commands.size());
        for (CommandLine cl : commands) {
            String[] chain = path(cl).split(" ");
            String[] args = new String[chain.length];
            System.arraycopy(chain, 1, args, 0, chain.length - 1);
            args[chain.length - 1] = "--help";
            CommandLine root = Main.commandLine();
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            root.setOut(new PrintWriter(out));
            root.setErr(new PrintWriter(err));
            int code = root.execute(args);
            assertEquals(0, code, path(cl) + " --help failed: " + err);
            assertTrue(out.toString().startsWith("Usage: " + path(cl)), path(cl) + " --help printed: " + out);
        }
    }

    @Test
    void shouldPrintTheVersion() {
        CommandLine root = Main.commandLine();
        StringWriter out = new StringWriter();
        root.setOut(new PrintWriter(out));
        assertEquals(0, root.execute("--version"));
        assertTrue(out.toString().startsWith("gru-streams "), out.toString());
    }

    @Test
    void shouldReportAnUnknownOptionInOneLineWithNonZeroExit() {
        CommandLine root = Main.commandLine();
        StringWriter err = new StringWriter();
        root.setErr(new PrintWriter(err));
        root.setOut(new PrintWriter(new StringWriter()));
        int code = root.execute("bench", "--no-such-option");
        assertTrue(code != 0);
        assertTrue(err.toString().contains("Unknown option: '--no-such-option'"), err.toString());
    }

    @Test
    void shouldSpellTheBrokerFlagTheSameInEveryCommand() {
        for (CommandLine cl : allCommands(Main.commandLine())) {
            for (OptionSpec o : cl.getCommandSpec().options()) {
                for (String n : o.names()) {
                    if (n.contains("bootstrap")) {
                        assertEquals("--bootstrap-servers", n, path(cl));
                    }
                }
            }
        }
    }
}
