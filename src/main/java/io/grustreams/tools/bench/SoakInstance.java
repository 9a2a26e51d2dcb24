package io.grustreams.tools.bench;

import io.grustreams.app.Main;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One {@code gru-streams run} instance of {@code bench soak}: a JVM of its own (so that SIGKILL
 * kills it as it would kill a production process), started from this JVM's {@code java} and class
 * path with {@code -Xmx} its heap budget and {@code -XX:+ExitOnOutOfMemoryError} (an instance out of
 * heap exits instead of limping on). Each start ("life") appends its output to one log file and
 * writes its own GC log ({@link GcLog}), which is how the soak reads the instance's heap.
 *
 * <p>It talks to the instance only over the instance's HTTP API: {@code /ready} (Kafka Streams
 * RUNNING) and {@code /metrics} (its forecast counter).
 */
final class SoakInstance implements AutoCloseable {

    /** What {@code run} logs when a stream thread died and was replaced. */
    static final String THREAD_REPLACED = "a stream thread failed, replacing it";

    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(2);
    private static final String FORECASTS_METRIC = "gru_forecasts_total";

    private final String name;
    private final Path config;
    private final Path dir;
    private final String heap;
    private final int httpPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT).build();
    private final List<GcLog> lives = new ArrayList<>();
    private Process process;

    /**
     * @param config the properties file {@code run --config} reads
     * @param dir where the log files go
     * @param heap the {@code -Xmx} value, such as {@code 1g}
     * @param httpPort the {@code gru.http.port} in {@code config}
     */
    SoakInstance(String name, Path config, Path dir, String heap, int httpPort) {
        this.name = name;
        this.config = config;
        this.dir = dir;
        this.heap = heap;
        this.httpPort = httpPort;
    }

    String name() {
        return name;
    }

    /** Starts a new life of the instance. */
    void start() {
        GcLog gc = new GcLog(dir.resolve(name + "-gc-" + (lives.size() + 1) + ".log"));
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + heap);
        cmd.add("-XX:+ExitOnOutOfMemoryError");
        cmd.add("-Xlog:gc:file=" + gc.file());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(List.of("run", "--config", config.toString(), "--no-create-topics", "--shutdown-timeout", "30"));
        try {
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start instance " + name, e);
        }
        lives.add(gc);
    }

    /** The instance's output, all lives appended. */
    Path log() {
        return dir.resolve(name + ".log");
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The exit status of the current life; only once it has ended. */
    int exitValue() {
        return process.exitValue();
    }

    /** SIGKILL: no shutdown hook runs, the open transaction is left behind. Waits until the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("instance " + name + " (pid " + process.pid() + ") survived SIGKILL");
        }
    }

    /**
     * SIGTERM, then the exit status: 143 when the instance closed Kafka Streams on the signal, as a
     * JVM ended by SIGTERM reports.
     *
     * @throws IllegalStateException if it has not exited within 60 s (it is then killed)
     */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("instance " + name + " did not exit within 60 s of SIGTERM");
        }
        return process.exitValue();
    }

    /** Whether {@code /ready} answers 200 (Kafka Streams RUNNING). */
    boolean ready() {
        return get("/ready").map(r -> r.statusCode() == 200).orElse(false);
    }

    /** The forecasts this life has emitted ({@value #FORECASTS_METRIC} of {@code /metrics}), or -1 if unknown. */
    long forecasts() {
        return get("/metrics").filter(r -> r.statusCode() == 200).map(r -> sumOf(r.body(), FORECASTS_METRIC))
                .orElse(-1L);
    }

    /** The sum of every sample of a Prometheus counter in a text exposition, 0 if it has none. */
    static long sumOf(String exposition, String metric) {
        double sum = 0;
        for (String line : exposition.split("\n")) {
            if (line.startsWith(metric) && (line.length() > metric.length())
                    && (line.charAt(metric.length()) == ' ' || line.charAt(metric.length()) == '{')) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return Math.round(sum);
    }

    private Optional<HttpResponse<String>> get(String path) {
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                    .timeout(HTTP_TIMEOUT).GET().build();
            return Optional.of(http.send(req, HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Reads what the current life's GC log gained. */
    void pollHeap() {
        if (!lives.isEmpty()) {
            lives.get(lives.size() - 1).poll();
        }
    }

    /** Every life's GC log, first life first. */
    List<GcLog> lives() {
        return List.copyOf(lives);
    }

    /** How often the log says a stream thread died and was replaced, over all lives. */
    int threadsReplaced() {
        try {
            if (!Files.exists(log())) {
                return 0;
            }
            int n = 0;
            for (String line : Files.readAllLines(log(), StandardCharsets.UTF_8)) {
                if (line.contains(THREAD_REPLACED)) {
                    n++;
                }
            }
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + log(), e);
        }
    }

    /** Kills a life still running (a soak that failed half-way leaves no process behind). */
    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
