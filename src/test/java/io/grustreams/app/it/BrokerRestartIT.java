package io.grustreams.app.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grustreams.app.Main;
import io.grustreams.stream.StreamSettings;
import io.grustreams.testkit.KafkaCluster;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker goes away in the middle of a stream, for longer than the session timeout, and comes
 * back on the same port and log directory: {@code run} heals by itself, without a restart, with
 * nothing lost or duplicated. The broker is {@code gru-streams broker} in a JVM of its own, so it
 * can be killed with SIGKILL (no controlled shutdown, no flush, transactions and the group left
 * as they were) as well as stopped cleanly with SIGTERM.
 */
class BrokerRestartIT {

    private static final int KEYS = 40;
    private static final int FIRST_WAVE = 30;
    private static final int STEPS = 90;
    /** Longer than the run's session timeout (6 s, see {@link Runs#config}). */
    private static final Duration OUTAGE = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @Test
    void shouldHealWithoutARestartWhenTheBrokerIsKilledMidStream() throws Exception {
        outage(true);
    }

    @Test
    void shouldHealWithoutARestartWhenTheBrokerStopsCleanlyMidStream() throws Exception {
        outage(false);
    }

    private void outage(boolean hard) throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Path brokerDir = dir.resolve("broker");
        Path brokerLog = dir.resolve("broker.log");
        BrokerProcess broker = new BrokerProcess(port, brokerDir, brokerLog, 1);
        try {
            KafkaCluster kafka = KafkaCluster.at("127.0.0.1:" + port);
            Properties gru = Runs.gru(kafka);
            StreamSettings settings = StreamSettings.fromProperties(gru);
            String app = kafka.uniqueTopic("broker-restart-it");
            List<KeyValue<String, byte[]>> models = List.of(KeyValue.pair("it:1", Workload.modelJson(17)));
            Runs.createTopicsAndPublish(kafka, settings, 6, models);
            List<Workload.Event> first = Workload.mixed(KEYS, 0, FIRST_WAVE, 21);
            List<Workload.Event> second = Workload.mixed(KEYS, FIRST_WAVE, STEPS, 21);
            List<Workload.Event> all = new ArrayList<>(first);
            all.addAll(second);
            ReferenceRun reference = new ReferenceRun(gru, dir.resolve("reference"), models, all);
            int forecasts = Runs.total(reference.forecasts);
            Path log = dir.resolve("run.log");

            try (Runs.Separate run = new Runs.Separate(Runs.config(dir.resolve("app.properties"),
                    kafka.bootstrapServers(), app, dir.resolve("state"), gru, Map.of()), log)) {
                Runs.produce(kafka, settings.eventsTopic(), first);
                Runs.readCommitted(kafka, settings.forecastsTopic(), KEYS * FIRST_WAVE);
                try (Runs.Feeder feeder = new Runs.Feeder(kafka, settings.eventsTopic(), second, KEYS,
                        Duration.ofMillis(100))) {
                    awaitOpenTransaction(kafka, settings.forecastsTopic());
                    int committed = Runs.count(kafka, settings.forecastsTopic(), IsolationLevel.READ_COMMITTED);
                    assertTrue(committed < forecasts, "stopped mid-stream: " + committed + " of " + forecasts
                            + " forecasts committed");
                    assertFalse(feeder.isDone(), "events still coming when the broker stops");
                    if (hard) {
                        assertEquals(137, broker.kill(), "broker exit status: 128 + SIGKILL");
                    } else {
                        assertEquals(143, broker.stop(), "broker exit status: 128 + SIGTERM");
                    }
                    Thread.sleep(OUTAGE.toMillis());
                    assertTrue(run.isAlive(), "run outlives the outage");
                    broker = new BrokerProcess(port, brokerDir, brokerLog, 2);
                    feeder.await();
                }
                Runs.assertSameAsReference(kafka, settings, app, reference);
                assertTrue(run.isAlive(), "healed without a restart");
                assertEquals(143, run.stop(), "exit status after SIGTERM");
                Runs.assertNoThreadDied(log);
            }
        } finally {
            broker.kill();
        }
    }

    private static void awaitOpenTransaction(KafkaCluster kafka, String topic) throws InterruptedException {
        long deadline = System.nanoTime() + Runs.WAIT.toNanos();
        while (Runs.openTransactionRecords(kafka, topic).values().stream().mapToLong(Long::longValue).sum() == 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no transaction with records opened on " + topic + " within " + Runs.WAIT);
            }
            Thread.sleep(10);
        }
    }

    /** {@code gru-streams broker --port --dir} as a JVM of its own, its output appended to a log. */
    private static final class BrokerProcess {
        private final Process process;

        /** Starts the broker and returns once it has announced its address for the {@code nth} time in the log. */
        BrokerProcess(int port, Path dir, Path log, int nth) throws IOException, InterruptedException {
            List<String> cmd = List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx512m", "-cp",
                    System.getProperty("java.class.path"), Main.class.getName(), "broker", "--port",
                    Integer.toString(port), "--dir", dir.toString());
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            String ready = "bootstrap.servers=127.0.0.1:" + port;
            long deadline = System.nanoTime() + Runs.WAIT.toNanos();
            while (occurrences(Files.readString(log), ready) < nth) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("the broker did not start: " + Files.readString(log));
                }
                Thread.sleep(100);
            }
        }

        private static int occurrences(String text, String what) {
            int n = 0;
            for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + 1)) {
                n++;
            }
            return n;
        }

        /** SIGKILL; returns the exit status. */
        int kill() throws InterruptedException {
            process.destroyForcibly();
            return exit();
        }

        /** SIGTERM: the broker shuts down cleanly; returns the exit status. */
        int stop() throws InterruptedException {
            process.destroy();
            return exit();
        }

        private int exit() throws InterruptedException {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("the broker did not exit within 60 s");
            }
            return process.exitValue();
        }
    }
}
