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

/** Every command of the command line has --help, and the flags shared between commands are spelled alike. */
class CommandLineTest {

    private static void collect(CommandLine cl, List<CommandLine> out) {
        out.add(cl);
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (!out.contains(sub)) {
                collect(sub, out);
            }
        }
    }

    private static List<CommandLine> all() {
        List<CommandLine> out = new ArrayList<>();
        collect(Main.commandLine(), out);
        return out;
    }

    @Test
    void shouldPrintUsageForHelpOnEveryCommand() {
        for (CommandLine cl : all()) {
            if (cl.getCommandSpec().userObject() instanceof CommandLine.HelpCommand) {
                continue;
            }
            StringWriter out = new StringWriter();
            cl.setOut(new PrintWriter(out));
            cl.setErr(new PrintWriter(new StringWriter()));
            String name = cl.getCommandSpec().qualifiedName();
            assertEquals(0, cl.execute("--help"), name);
            assertTrue(out.toString().startsWith("Usage: " + name), name + ":\n" + out);
        }
    }

    @Test
    void shouldSpellSharedFlagsTheSameInEveryCommand() {
        for (CommandLine cl : all()) {
            for (OptionSpec o : cl.getCommandSpec().options()) {
                for (String n : o.names()) {
                    if (n.contains("bootstrap")) {
                        assertEquals("--bootstrap-servers", n, cl.getCommandSpec().qualifiedName());
                    }
                }
            }
        }
    }
}
