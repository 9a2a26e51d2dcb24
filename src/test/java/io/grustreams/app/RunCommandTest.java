package io.grustreams.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code run}'s configuration errors, which come before any broker is contacted. */
class RunCommandTest {

    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(new StringWriter()));
        return cl.execute(args);
    }

    @Test
    void shouldRefuseToStartWithoutBootstrapServersAndSayHowToSetThem() {
        int exit = run("run", "--no-create-topics", "--set", "bootstrap.servers=");
        assertEquals(2, exit);
        assertTrue(err.toString().contains("GRUSTREAMS_BOOTSTRAP_SERVERS"), err.toString());
    }

    @Test
    void shouldNameTheInvalidKeyAndTheFileItCameFrom() throws Exception {
        Path config = Files.writeString(dir.resolve("bad.properties"), "bootstrap.servers=127.0.0.1:1\n"
                + "gru.ring.size=-3\n");
        int exit = run("run", "--config", config.toString(), "--no-create-topics");
        assertEquals(2, exit);
        assertTrue(err.toString().contains("gru.ring.size") && err.toString().contains("bad.properties"),
                err.toString());
    }

    @Test
    void shouldRejectATopicsDirectoryThatLacksARole() throws Exception {
        Path topics = Files.createDirectories(dir.resolve("topics"));
        Files.writeString(topics.resolve("events.properties"), "format.version=1\nrole=events\nname=events\n"
                + "partitions=1\nreplication.factor=1\n");
        int exit = run("run", "--set", "bootstrap.servers=127.0.0.1:1", "--topics", topics.toString());
        assertEquals(2, exit);
        assertTrue(err.toString().contains("no topic file for [alerts, dead-letters, forecasts, models]"),
                err.toString());
    }
}
