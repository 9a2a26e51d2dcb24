package io.grustreams.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BrokerCommandIT {

    private static final Pattern BOOTSTRAP = Pattern.compile("^bootstrap\\.servers=(127\\.0\\.0\\.1):(\\d+)$",
            Pattern.MULTILINE);
    private static final Pattern DATA = Pattern.compile("^data: (.+) \\(deleted on exit\\)$", Pattern.MULTILINE);

    @TempDir
    Path tmp;

    @Test
    void shouldPrintAddressServeAndStopWhenItsThreadIsInterrupted() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new BrokerCommand());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Thread runner = new Thread(() -> exit.complete(cl.execute("--port", "0")), "broker-command");
        runner.start();
        try {
            Matcher address = awaitLine(out, BOOTSTRAP);
            int port = Integer.parseInt(address.group(2));
            Collection<Node> nodes = describeCluster(address.group(1) + ":" + port);
            assertEquals(1, nodes.size());
            assertEquals(port, nodes.iterator().next().port());
            Matcher data = DATA.matcher(out.toString());
            assertTrue(data.find(), out.toString());
            Path dir = Path.of(data.group(1));
            assertTrue(Files.isDirectory(dir));

            runner.interrupt();
            assertEquals(0, exit.get(60, TimeUnit.SECONDS), err.toString());
            assertTrue(out.toString().contains("broker stopped"), out.toString());
            assertThrows(IOException.class, () -> connect(port));
            assertFalse(Files.exists(dir));
        } finally {
            runner.interrupt();
            runner.join(60_000);
        }
    }

    @Test
    void shouldFailNamingThePortWhenItIsTaken() throws IOException {
        try (ServerSocket squatter = new ServerSocket()) {
            squatter.bind(new InetSocketAddress("127.0.0.1", 0));
            StringWriter err = new StringWriter();
            CommandLine cl = new CommandLine(new BrokerCommand());
            cl.setOut(new PrintWriter(new StringWriter(), true));
            cl.setErr(new PrintWriter(err, true));

            int exit = cl.execute("--port", Integer.toString(squatter.getLocalPort()));

            assertNotEquals(0, exit);
            assertTrue(err.toString().contains("port " + squatter.getLocalPort()), err.toString());
        }
    }

    /** Ctrl-C and {@code kill} go through the shutdown hook: a clean Kafka shutdown, data kept. */
    @Test
    void shouldShutDownCleanlyOnSigtermKeepingItsDir() throws Exception {
        Path dir = tmp.resolve("broker");
        Path stderr = tmp.resolve("stderr.txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                BrokerCommandMain.class.getName(), "--port", "0", "--dir", dir.toString())
                .redirectError(stderr.toFile())
                .start();
        try (BufferedReader stdout = process.inputReader(StandardCharsets.UTF_8)) {
            String first = CompletableFuture.supplyAsync(() -> readLine(stdout)).get(90, TimeUnit.SECONDS);
            Matcher address = BOOTSTRAP.matcher(first == null ? "" : first);
            assertTrue(address.matches(), "first line: " + first + "; stderr: " + Files.readString(stderr));
            assertEquals(1, describeCluster(address.group(1) + ":" + address.group(2)).size());

            // SIGTERM through the handle: Process.destroy() would also close our end of stdout.
            assertTrue(process.toHandle().destroy(), "cannot signal the broker process");
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "broker process did not end on SIGTERM");
            String rest = stdout.lines().reduce("", (a, b) -> a + b + "\n");
            assertEquals(128 + 15, process.exitValue(), "exit status after SIGTERM; stdout: " + rest);
            assertTrue(rest.contains("broker stopped"), rest);
        } finally {
            process.destroyForcibly();
        }
        assertTrue(Files.exists(dir.resolve("kraft-logs").resolve(".kafka_cleanshutdown")),
                "Kafka wrote no clean-shutdown marker");
        assertEquals("", Files.readString(stderr));
    }

    private static Matcher awaitLine(StringWriter out, Pattern line) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Matcher m = line.matcher(out.toString());
            if (m.find()) {
                return m;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no line matching " + line + " in: " + out);
    }

    private static Collection<Node> describeCluster(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            return admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
        }
    }

    private static void connect(int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        }
    }

    private static String readLine(BufferedReader r) {
        try {
            return r.readLine();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the broker's stdout", e);
        }
    }
}
