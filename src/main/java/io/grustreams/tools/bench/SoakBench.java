package io.grustreams.tools.bench;

import io.grustreams.app.broker.InProcessKafkaBroker;
import io.grustreams.app.http.HttpEndpoint;
import io.grustreams.model.GruModel;
import io.grustreams.stream.ModelRegistry;
import io.grustreams.stream.StreamSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gru-streams bench soak}: the stream under a steady load and three faults, then an exact
 * account of its outputs. On an in-process broker, two {@code gru-streams run} instances, each a JVM
 * of its own ({@link SoakInstance}) under exactly_once_v2, take a producer's {@code --rate} events/s
 * over {@code --keys} keys for {@code --minutes}; one event in {@code --bad-every} is bad input. During
 * the run:
 * <ul>
 *   <li>at 25 %, a model hot swap: version 2 published, effective a few seconds later;</li>
 *   <li>at 50 %, instance b killed with SIGKILL and started again on the same state directory; its
 *       restore time is measured to {@code /ready} (Kafka Streams RUNNING) and to its first forecast;</li>
 *   <li>at 75 %, the broker stopped, left down {@code --broker-down} seconds, and started again on
 *       the same port and log directory.</li>
 * </ul>
 * After the run it waits until the instances have committed every event and it has read every
 * committed output, then stops the instances with SIGTERM.
 *
 * <p>The account: every event carries an id, its key and timestamp ({@link SoakLedger}); the
 * forecasts and dead letters read under {@code read_committed} must hold each produced id exactly
 * once. It prints events/s and latency per tenth of the run, the faults as they happen, the
 * restore time, the latency from event to readable forecast (p50, p99), each instance's heap (from
 * its GC log, {@link GcLog}) against its {@code --instance-heap} budget, and last
 * {@code lost N, duplicated N}. The exit status is 0 only when both are 0 and every other check
 * passed: each fault happened and the stream came back, the hot swap served forecasts, no send
 * failed, no output was unexpected, no instance exited before it was stopped, none replaced a dead
 * stream thread, and each instance's heap after GC stayed within {@value #HEAP_LIMIT_PERCENT} % of
 * its budget.
 */
@Command(name = "soak",
        description = {"Two 'run' instances, separate JVMs, on an in-process broker under a steady",
                "producer; a model hot swap at 25 %%, SIGKILL and restart of instance b at 50 %%,",
                "a broker restart at 75 %%. Then every event must have exactly one forecast or",
                "dead letter (read_committed). Prints events/s and latency over time, restore",
                "time and heap per instance; last 'lost N, duplicated N'."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:nothing lost, nothing duplicated, every check passed",
                "1:a check failed (see FAILED lines)"})
public final class SoakBench implements Callable<Integer> {

    /** An instance whose heap after GC exceeds this share of -Xmx is one burst away from OutOfMemoryError. */
    static final int HEAP_LIMIT_PERCENT = 90;

    private static final String APPLICATION_ID = "gru-streams-soak";
    private static final String KEY_PREFIX = "key-";
    private static final byte[] MODEL_VERSION_FIELD = "\"modelVersion\":".getBytes(StandardCharsets.US_ASCII);
    private static final Duration READY_WAIT = Duration.ofMinutes(3);
    private static final Duration RESTORE_WAIT = Duration.ofMinutes(5);
    private static final Duration DRAIN_WAIT = Duration.ofMinutes(5);
    private static final Duration ADMIN_WAIT = Duration.ofSeconds(30);
    /** How far after its publication the new model takes over: events from then on are the new model's. */
    private static final Duration SWAP_LEAD = Duration.ofSeconds(2);
    private static final long TICK_MS = 1000;
    private static final Pattern HEAP_SIZE = Pattern.compile("(\\d+)([kKmMgGtT]?)");

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Mixin
    GruWorkload workload;

    @Option(names = "--minutes", defaultValue = "30",
            description = "Length of the run under load (default: ${DEFAULT-VALUE}).")
    double minutes;

    @Option(names = "--keys", defaultValue = "100000", description = "Distinct keys K (default: ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = "--rate", defaultValue = "2000",
            description = "Events produced per second (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--bad-every", defaultValue = "1000",
            description = "One event in this many is bad input, a dead letter; 0 for none (default: ${DEFAULT-VALUE}).")
    int badEvery;

    @Option(names = "--instance-heap", defaultValue = "1g",
            description = "Each instance's heap budget, its -Xmx (default: ${DEFAULT-VALUE}).")
    String instanceHeap;

    @Option(names = "--broker-down", defaultValue = "5",
            description = "Seconds the broker stays down (default: ${DEFAULT-VALUE}).")
    int brokerDownSeconds;

    @Option(names = "--intervals", defaultValue = "10",
            description = "Intervals the run is reported in (default: ${DEFAULT-VALUE}, a tenth each).")
    int intervals;

    @Option(names = "--keep",
            description = "Keep the work directory (broker, state, instance logs) even when every check passed.")
    boolean keep;

    private PrintWriter out;
    private long start;
    private final List<String> failures = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        long runMs = Math.round(minutes * 60_000);
        // Whole milliseconds per interval: the intervals end exactly where the load does.
        runMs -= runMs % Math.max(1, intervals);
        if (runMs < 20_000 || keys < 1 || keys > SoakLedger.MAX_KEYS || rate < 1 || badEvery < 0 || intervals < 1
                || brokerDownSeconds < 0 || workload.inputSize < 1 || workload.hidden < 1 || workload.partitions < 2
                || workload.threads < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "need --minutes >= 0.34, --keys in 1.."
                    + SoakLedger.MAX_KEYS + ", --rate, --intervals, --input-size, --hidden, --threads >= 1,"
                    + " --partitions >= 2 (two instances), --bad-every and --broker-down >= 0");
        }
        long heapBudget = heapBytes(spec.commandLine(), instanceHeap);
        out = spec.commandLine().getOut();
        List<String> names = workload.featureNames();
        Properties gru = workload.gruProperties(spec.commandLine());
        StreamSettings settings = GruWorkload.settings(spec.commandLine(), gru);
        Path work = workload.newStateDir("gru-streams-soak-");
        int status;
        try (InProcessKafkaBroker broker = InProcessKafkaBroker.builder().dir(work.resolve("broker")).build()) {
            start = System.currentTimeMillis();
            broker.start();
            String bootstrap = broker.bootstrapServers();
            workload.createTopics(bootstrap, settings);
            StreamBench.publishModel(bootstrap, settings, workload.model(names));
            say(String.format(Locale.ROOT, "bench soak: %d keys, %d events/s for %s min, 1 in %d bad; 2 instances"
                    + " (-Xmx%s, %d thread(s) each), %d partitions, D %d, H %d, settings %s; %s", keys, rate,
                    new BigDecimal(Double.toString(minutes)).stripTrailingZeros().toPlainString(), badEvery,
                    instanceHeap, workload.threads, workload.partitions,
                    workload.inputSize, workload.hidden, workload.set, BenchHarness.machine()));
            say("broker on " + bootstrap + ", model bench@1 published; work directory " + work);
            try (SoakInstance a = instance("a", work, bootstrap, gru);
                    SoakInstance b = instance("b", work, bootstrap, gru)) {
                status = new Run(broker, settings, List.of(a, b), runMs, heapBudget, names).go();
            }
        }
        if (status == 0 && !keep) {
            StreamBench.deleteRecursively(work);
        } else {
            say("work directory kept: " + work + " (instance logs a.log, b.log; GC logs a-gc-N.log, b-gc-N.log)");
        }
        return status;
    }

    /** An instance's config file (the workload's gru.* settings, its own state and HTTP port), not started. */
    private SoakInstance instance(String name, Path work, String bootstrap, Properties gru) throws IOException {
        Path dir = Files.createDirectories(work.resolve(name));
        int httpPort = freePort();
        Properties p = new Properties();
        p.putAll(gru);
        p.setProperty(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.setProperty(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
        p.setProperty(StreamsConfig.STATE_DIR_CONFIG, Files.createDirectories(dir.resolve("state")).toString());
        p.setProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.setProperty(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.toString(workload.threads));
        // A killed member's partitions move once its session expires: 10 s instead of Kafka's 45 s, so
        // the kill costs the soak seconds, not most of a short run.
        p.setProperty(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
        p.setProperty(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "3000");
        p.setProperty(HttpEndpoint.PORT, Integer.toString(httpPort));
        Path config = dir.resolve(name + ".properties");
        try (Writer w = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
            p.store(w, "bench soak, instance " + name);
        }
        return new SoakInstance(name, config, work, instanceHeap, httpPort);
    }

    /** One soak: the threads, the schedule, the drain and the report. */
    private final class Run {
        private final InProcessKafkaBroker broker;
        private final StreamSettings settings;
        private final List<SoakInstance> instances;
        private final SoakInstance victim;
        private final long runMs;
        private final long heapBudget;
        private final List<String> names;
        private final SoakLedger ledger;
        private final String bootstrap;
        private volatile boolean stopProducer;
        private volatile boolean stopReader;
        private final AtomicReference<Throwable> threadFailure = new AtomicReference<>();
        private final AtomicLong badSent = new AtomicLong();
        private final AtomicLong forecasts = new AtomicLong();
        private final AtomicLong deadLetters = new AtomicLong();
        private final AtomicLong malformed = new AtomicLong();
        private final Map<Long, AtomicLong> byVersion = new ConcurrentHashMap<>();
        private final Map<TopicPartition, Long> readerPositions = new ConcurrentHashMap<>();
        private volatile SoakTimeline timeline;
        private volatile double restoreReadySeconds = -1;
        private volatile double restoreForecastSeconds = -1;
        private boolean swapped;
        private boolean restarted;
        private boolean brokerRestarted;

        Run(InProcessKafkaBroker broker, StreamSettings settings, List<SoakInstance> instances, long runMs,
                long heapBudget, List<String> names) {
            this.broker = broker;
            this.settings = settings;
            this.instances = instances;
            this.victim = instances.get(1);
            this.runMs = runMs;
            this.heapBudget = heapBudget;
            this.names = names;
            this.bootstrap = broker.bootstrapServers();
            // Ids count milliseconds from a minute before now: the producer's clock only moves on.
            this.ledger = new SoakLedger(System.currentTimeMillis() - 60_000);
        }

        int go() throws Exception {
            for (SoakInstance i : instances) {
                i.start();
                say("instance " + i.name() + " started (pid " + i.pid() + ")");
            }
            awaitReady();
            long t0 = System.currentTimeMillis();
            timeline = new SoakTimeline(t0, runMs, intervals);
            Thread reader = thread("soak-reader", this::read);
            say(String.format(Locale.ROOT, "[%s] load: both instances RUNNING, producing %d events/s", clock(t0),
                    rate));
            Thread producer = thread("soak-producer", () -> produce(t0));
            say(String.format(Locale.ROOT, "%-13s %11s %11s %8s %8s %s", "interval", "produced/s", "output/s",
                    "p50 ms", "p99 ms", heapHeader()));
            if (!schedule(t0)) {
                stopProducer = true;
            }
            producer.join();
            boolean drained = drain();
            printInterval(timeline.drain());
            stopReader = true;
            reader.join();
            stopInstances();
            return report(drained);
        }

        /** Waits until every instance answers /ready (its Kafka Streams is RUNNING). */
        private void awaitReady() throws InterruptedException {
            long deadline = System.nanoTime() + READY_WAIT.toNanos();
            for (SoakInstance i : instances) {
                while (!i.ready()) {
                    if (!i.isAlive()) {
                        throw new IllegalStateException("instance " + i.name() + " exited with status "
                                + i.exitValue() + " before it was ready; see " + i.log());
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("instance " + i.name() + " not ready within " + READY_WAIT
                                + "; see " + i.log());
                    }
                    Thread.sleep(200);
                }
            }
        }

        /**
         * The faults at 25, 50 and 75 % and a report line at each interval's end, in time order; false
         * if the run had to stop early.
         */
        private boolean schedule(long t0) throws Exception {
            List<long[]> steps = new ArrayList<>();
            // {at ms, kind}: kind 0..2 the faults, 3 an interval's end.
            steps.add(new long[] {runMs / 4, 0});
            steps.add(new long[] {runMs / 2, 1});
            steps.add(new long[] {runMs * 3 / 4, 2});
            for (int i = 1; i <= intervals; i++) {
                steps.add(new long[] {timeline.startOf(i) - t0, 3, i - 1});
            }
            steps.sort((x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(y[1], x[1]));
            for (long[] step : steps) {
                if (!waitUntil(t0 + step[0])) {
                    return false;
                }
                switch ((int) step[1]) {
                    case 0 -> hotSwap();
                    case 1 -> killAndRestart();
                    case 2 -> restartBroker();
                    default -> printInterval((int) step[2]);
                }
            }
            return true;
        }

        /**
         * Sleeps until {@code at}, reading GC logs and checking the instances each second; false if
         * the run must stop.
         */
        private boolean waitUntil(long at) throws InterruptedException {
            while (true) {
                pollHeaps();
                if (!checkAlive() || threadFailure.get() != null) {
                    if (threadFailure.get() != null) {
                        failures.add("the soak's own " + threadFailure.get());
                    }
                    return false;
                }
                long left = at - System.currentTimeMillis();
                if (left <= 0) {
                    return true;
                }
                Thread.sleep(Math.min(left, TICK_MS));
            }
        }

        private boolean checkAlive() {
            for (SoakInstance i : instances) {
                if (!i.isAlive()) {
                    failures.add("instance " + i.name() + " exited with status " + i.exitValue() + " at "
                            + clock(System.currentTimeMillis()) + " (see " + i.log() + ")");
                    say("[" + clock(System.currentTimeMillis()) + "] instance " + i.name() + " exited: the run stops");
                    return false;
                }
            }
            return true;
        }

        private void hotSwap() throws Exception {
            Instant from = Instant.now().plus(SWAP_LEAD);
            GruModel next = workload.model(names, 2, workload.seed + 1, from);
            StreamBench.publishModel(bootstrap, settings, next);
            swapped = true;
            say(String.format(Locale.ROOT, "[%s] hot swap: published %s, effective from %s",
                    clock(System.currentTimeMillis()), ModelRegistry.recordKey(next), from));
        }

        private void killAndRestart() throws InterruptedException {
            say(String.format(Locale.ROOT, "[%s] kill: instance %s (pid %d) with SIGKILL",
                    clock(System.currentTimeMillis()), victim.name(), victim.pid()));
            victim.kill();
            Thread.sleep(1000);
            long restartedAt = System.currentTimeMillis();
            victim.start();
            restarted = true;
            say(String.format(Locale.ROOT, "[%s] restart: instance %s (pid %d), same state directory",
                    clock(restartedAt), victim.name(), victim.pid()));
            thread("soak-restore", () -> watchRestore(restartedAt));
        }

        /** Times the restarted instance to /ready and to its first forecast. */
        private void watchRestore(long restartedAt) {
            long deadline = restartedAt + RESTORE_WAIT.toMillis();
            while (System.currentTimeMillis() < deadline && victim.isAlive()
                    && (restoreReadySeconds < 0 || restoreForecastSeconds < 0)) {
                long now = System.currentTimeMillis();
                if (restoreReadySeconds < 0 && victim.ready()) {
                    restoreReadySeconds = (now - restartedAt) / 1000.0;
                }
                if (restoreForecastSeconds < 0 && victim.forecasts() > 0) {
                    restoreForecastSeconds = (now - restartedAt) / 1000.0;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
            say(String.format(Locale.ROOT, "[%s] restore: instance %s RUNNING %s, first forecast %s",
                    clock(System.currentTimeMillis()), victim.name(), seconds(restoreReadySeconds),
                    seconds(restoreForecastSeconds)));
        }

        private void restartBroker() throws InterruptedException {
            long t = System.currentTimeMillis();
            say(String.format(Locale.ROOT, "[%s] broker restart: stopping the broker", clock(t)));
            broker.stop();
            long stopped = System.currentTimeMillis();
            Thread.sleep(TimeUnit.SECONDS.toMillis(brokerDownSeconds));
            broker.start();
            brokerRestarted = true;
            long up = System.currentTimeMillis();
            say(String.format(Locale.ROOT, "[%s] broker restart: started again on %s, same log directory, after"
                    + " %.1f s down (stopping took %.1f s)", clock(up), broker.bootstrapServers(), (up - stopped)
                    / 1000.0, (stopped - t) / 1000.0));
        }

        /**
         * The steady producer: event n at {@code n / rate} seconds into the run, of key {@code n mod K},
         * timestamped with that time (each key's timestamps strictly increasing). It catches up when it
         * falls behind, so the rate holds on average.
         */
        private void produce(long t0) {
            byte[][] keyBytes = new byte[keys][];
            for (int k = 0; k < keys; k++) {
                keyBytes[k] = (KEY_PREFIX + k).getBytes(StandardCharsets.UTF_8);
            }
            byte[][] payloads = workload.payloads(names);
            byte[] bad = ("{\"values\":{\"" + names.get(0) + "\":\"not a number\"}}").getBytes(StandardCharsets.UTF_8);
            long[] last = new long[keys];
            Map<String, Object> c = new HashMap<>();
            c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            c.put(ProducerConfig.ACKS_CONFIG, "all");
            c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            c.put(ProducerConfig.LINGER_MS_CONFIG, 5);
            // A broker restart must delay sends, never fail them.
            c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) TimeUnit.MINUTES.toMillis(10));
            c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, TimeUnit.MINUTES.toMillis(10));
            long total = runMs * rate / 1000;
            long n = 0;
            try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(c, new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                while (n < total && !stopProducer) {
                    long now = System.currentTimeMillis();
                    long target = Math.min(total, (now - t0) * rate / 1000);
                    for (; n < target && !stopProducer; n++) {
                        int k = (int) (n % keys);
                        // The event's time is when the schedule meant it to happen: if the producer
                        // falls behind (its sends block while the broker is down), the delay is part
                        // of the latency the soak reports, as an event's delay would be in production.
                        long ts = Math.max(t0 + n * 1000 / rate, last[k] + 1);
                        last[k] = ts;
                        boolean isBad = badEvery > 0 && n % badEvery == badEvery - 1;
                        byte[] value = isBad ? bad : payloads[(int) ((n / keys) % payloads.length)];
                        long id = ledger.id(k, ts);
                        ledger.produced(id);
                        timeline.produced(now);
                        if (isBad) {
                            badSent.incrementAndGet();
                        }
                        p.send(new ProducerRecord<>(settings.eventsTopic(), null, ts, keyBytes[k], value),
                                (metadata, e) -> {
                                    if (e != null) {
                                        ledger.failed(id);
                                    }
                                });
                    }
                    sleep(2);
                }
                p.flush();
            }
        }

        /** Reads forecasts and dead letters from the start, read_committed, until told to stop. */
        private void read() {
            Map<String, Object> c = new HashMap<>();
            c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
            c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())) {
                List<TopicPartition> tps = new ArrayList<>();
                for (String topic : List.of(settings.forecastsTopic(), settings.deadLettersTopic())) {
                    for (PartitionInfo pi : consumer.partitionsFor(topic, Duration.ofMinutes(1))) {
                        tps.add(new TopicPartition(topic, pi.partition()));
                    }
                }
                consumer.assign(tps);
                consumer.seekToBeginning(tps);
                while (!stopReader) {
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                    long now = System.currentTimeMillis();
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        boolean forecast = r.topic().equals(settings.forecastsTopic());
                        int key = keyIndex(r.key());
                        if (key < 0 || key >= keys) {
                            malformed.incrementAndGet();
                            continue;
                        }
                        long id;
                        try {
                            id = ledger.id(key, r.timestamp());
                        } catch (IllegalArgumentException e) {
                            malformed.incrementAndGet();
                            continue;
                        }
                        ledger.output(id);
                        if (forecast) {
                            forecasts.incrementAndGet();
                            byVersion.computeIfAbsent(modelVersion(r.value()), v -> new AtomicLong()).incrementAndGet();
                            timeline.output(now, now - r.timestamp());
                        } else {
                            deadLetters.incrementAndGet();
                            timeline.output(now, -1);
                        }
                    }
                    for (TopicPartition tp : tps) {
                        readerPositions.put(tp, consumer.position(tp, Duration.ofMinutes(1)));
                    }
                }
            }
        }

        /**
         * Waits until the instances have committed every event (their group's offsets on the events
         * topic at its end) and the reader has read every committed output (its positions at the
         * outputs' last stable offsets). False if that did not happen within {@link #DRAIN_WAIT}.
         */
        private boolean drain() throws InterruptedException {
            long deadline = System.nanoTime() + DRAIN_WAIT.toNanos();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                while (System.nanoTime() < deadline) {
                    pollHeaps();
                    if (!checkAlive()) {
                        return false;
                    }
                    if (committedAll(admin) && readAll(admin)) {
                        return true;
                    }
                    Thread.sleep(500);
                }
            } catch (ExecutionException | TimeoutException e) {
                failures.add("cannot read offsets while draining: " + e);
                return false;
            }
            failures.add("not drained within " + DRAIN_WAIT + ": the instances did not commit every event, or"
                    + " their outputs could not be read");
            return false;
        }

        private boolean committedAll(Admin admin) throws ExecutionException, InterruptedException, TimeoutException {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(APPLICATION_ID)
                    .partitionsToOffsetAndMetadata().get(ADMIN_WAIT.toSeconds(), TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
            for (int p = 0; p < workload.partitions; p++) {
                ends.put(new TopicPartition(settings.eventsTopic(), p), OffsetSpec.latest());
            }
            for (var e : admin.listOffsets(ends).all().get(ADMIN_WAIT.toSeconds(), TimeUnit.SECONDS).entrySet()) {
                OffsetAndMetadata at = committed.get(e.getKey());
                long end = e.getValue().offset();
                if (end > 0 && (at == null || at.offset() < end)) {
                    return false;
                }
            }
            return true;
        }

        private boolean readAll(Admin admin) throws ExecutionException, InterruptedException, TimeoutException {
            Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
            for (int p = 0; p < workload.partitions; p++) {
                ends.put(new TopicPartition(settings.forecastsTopic(), p), OffsetSpec.latest());
                ends.put(new TopicPartition(settings.deadLettersTopic(), p), OffsetSpec.latest());
            }
            for (var e : admin.listOffsets(ends, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                    .get(ADMIN_WAIT.toSeconds(), TimeUnit.SECONDS).entrySet()) {
                Long at = readerPositions.get(e.getKey());
                if (e.getValue().offset() > 0 && (at == null || at < e.getValue().offset())) {
                    return false;
                }
            }
            return true;
        }

        private void stopInstances() throws InterruptedException {
            for (SoakInstance i : instances) {
                if (!i.isAlive()) {
                    continue;
                }
                int exit = i.stop();
                // 143 = 128 + SIGTERM: how a JVM that shut down on the signal reports it.
                if (exit != 143) {
                    failures.add("instance " + i.name() + " exited with status " + exit + " on SIGTERM, not 143"
                            + " (see " + i.log() + ")");
                }
            }
            pollHeaps();
        }

        private void pollHeaps() {
            for (SoakInstance i : instances) {
                i.pollHeap();
            }
        }

        private String heapHeader() {
            StringBuilder b = new StringBuilder();
            for (SoakInstance i : instances) {
                b.append(String.format(Locale.ROOT, " heap %s MiB", i.name()));
            }
            return b.toString().strip() + " (after GC, largest in the interval)";
        }

        private void printInterval(int i) {
            pollHeaps();
            int[] lat = timeline.latencies(i);
            double seconds = i == timeline.drain()
                    ? Math.max(1, System.currentTimeMillis() - timeline.startOf(i)) / 1000.0
                    : timeline.intervalMs() / 1000.0;
            String label = i == timeline.drain() ? "drain"
                    : clock(timeline.startOf(i)) + "-" + clock(timeline.startOf(i + 1));
            StringBuilder heaps = new StringBuilder();
            for (SoakInstance inst : instances) {
                long peak = -1;
                for (GcLog life : inst.lives()) {
                    peak = Math.max(peak, life.takePeakAfterSinceMark());
                }
                heaps.append(String.format(Locale.ROOT, " %11s", peak < 0 ? "-" : Long.toString(peak >> 20)));
            }
            say(String.format(Locale.ROOT, "%-13s %11.0f %11.0f %8s %8s%s", label, timeline.producedIn(i) / seconds,
                    timeline.outputsIn(i) / seconds, millis(SoakTimeline.percentile(lat, 0.50)),
                    millis(SoakTimeline.percentile(lat, 0.99)), heaps));
        }

        private int report(boolean drained) {
            SoakLedger.Account account = ledger.compare();
            long produced = account.expected() + account.failed();
            say(String.format(Locale.ROOT, "events: %d produced (%d bad) in %.1f min, %d sends failed; read under"
                    + " read_committed: %d forecasts (%s), %d dead letters", produced, badSent.get(),
                    runMs / 60_000.0, account.failed(), forecasts.get(), versions(), deadLetters.get()));
            say(String.format(Locale.ROOT, "restore: instance %s RUNNING %s, first forecast %s", victim.name(),
                    seconds(restoreReadySeconds), seconds(restoreForecastSeconds)));
            int[] all = timeline.allLatencies();
            say(String.format(Locale.ROOT, "latency event -> forecast (read_committed): p50 %s ms, p99 %s ms,"
                    + " max %s ms over %d forecasts", millis(SoakTimeline.percentile(all, 0.50)),
                    millis(SoakTimeline.percentile(all, 0.99)), millis(all.length == 0 ? -1 : all[all.length - 1]),
                    all.length));
            for (SoakInstance i : instances) {
                heapLine(i);
            }
            StringBuilder threads = new StringBuilder("stream threads replaced:");
            for (SoakInstance i : instances) {
                int n = i.threadsReplaced();
                threads.append(' ').append(i.name()).append(' ').append(n);
                if (n > 0) {
                    failures.add("instance " + i.name() + " replaced " + n + " dead stream thread(s) (see " + i.log()
                            + ")");
                }
            }
            say(threads.toString());
            checks(account, drained);
            for (String f : failures) {
                say("FAILED: " + f);
            }
            say("lost " + account.lost() + ", duplicated " + account.duplicated());
            return failures.isEmpty() && account.lost() == 0 && account.duplicated() == 0 ? 0 : 1;
        }

        private void checks(SoakLedger.Account account, boolean drained) {
            if (!swapped || byVersion.getOrDefault(2L, new AtomicLong()).get() == 0) {
                failures.add("the hot swap did not happen or model version 2 served no forecast");
            }
            if (!restarted || restoreForecastSeconds < 0) {
                failures.add("instance " + victim.name() + " was not restarted or emitted no forecast after its"
                        + " restart");
            }
            if (!brokerRestarted) {
                failures.add("the broker was not restarted");
            }
            if (account.failed() > 0) {
                failures.add(account.failed() + " sends failed");
            }
            if (account.unexpected() + malformed.get() > 0) {
                failures.add((account.unexpected() + malformed.get()) + " outputs of no produced event");
            }
            if (!drained && failures.isEmpty()) {
                failures.add("not drained");
            }
        }

        private void heapLine(SoakInstance i) {
            long before = 0;
            long after = 0;
            long pauses = 0;
            long full = 0;
            double longest = 0;
            long lastAfter = -1;
            boolean logged = true;
            List<GcLog> lives = i.lives();
            for (GcLog life : lives) {
                logged &= life.seen();
                before = Math.max(before, life.peakBefore());
                after = Math.max(after, life.peakAfter());
                pauses += life.pauses();
                full += life.fullPauses();
                longest = Math.max(longest, life.longestPauseMs());
                lastAfter = life.lastAfter();
            }
            long limit = heapBudget / 100 * HEAP_LIMIT_PERCENT;
            // No pause at all: the heap never filled the young generation, far below any budget.
            boolean within = logged && after <= limit;
            say(String.format(Locale.ROOT, "heap %s: budget %d MiB (-Xmx%s), %d li%s; peak before GC %d MiB, peak"
                    + " after GC %d MiB (%.0f %%), after the last GC %s MiB; %d pauses (%d full), longest %.0f ms: %s",
                    i.name(), heapBudget >> 20, instanceHeap, lives.size(), lives.size() == 1 ? "fe" : "ves",
                    before >> 20, after >> 20, 100.0 * after / heapBudget, lastAfter < 0 ? "-"
                            : Long.toString(lastAfter >> 20), pauses, full, longest,
                    within ? "within budget" : "OVER BUDGET"));
            if (!logged) {
                failures.add("instance " + i.name() + " wrote no GC log: its heap is unknown");
            } else if (!within) {
                failures.add("instance " + i.name() + "'s heap after GC reached " + (after >> 20) + " MiB, over "
                        + HEAP_LIMIT_PERCENT + " % of its " + (heapBudget >> 20) + " MiB budget");
            }
        }

        private String versions() {
            StringBuilder b = new StringBuilder();
            new TreeMap<>(byVersion).forEach((v, n) -> b.append(b.length() == 0 ? "" : ", ")
                    .append("model v").append(v).append(' ').append(n.get()));
            return b.length() == 0 ? "none" : b.toString();
        }

        private Thread thread(String name, Runnable body) {
            Thread t = new Thread(() -> {
                try {
                    body.run();
                } catch (RuntimeException | Error e) {
                    threadFailure.compareAndSet(null, e);
                    say("[" + clock(System.currentTimeMillis()) + "] " + name + " failed: " + e);
                }
            }, name);
            t.setDaemon(true);
            t.start();
            return t;
        }
    }

    /** The key's index in {@code key-<index>}, or -1 for another key. */
    static int keyIndex(byte[] key) {
        if (key == null || key.length <= KEY_PREFIX.length() || key.length > KEY_PREFIX.length() + 9) {
            return -1;
        }
        int n = 0;
        for (int i = 0; i < key.length; i++) {
            byte b = key[i];
            if (i < KEY_PREFIX.length()) {
                if (b != KEY_PREFIX.charAt(i)) {
                    return -1;
                }
            } else if (b >= '0' && b <= '9') {
                n = n * 10 + (b - '0');
            } else {
                return -1;
            }
        }
        return n;
    }

    /** The {@code modelVersion} of a forecast record, or -1 if it has none. */
    static long modelVersion(byte[] forecast) {
        outer:
        for (int i = 0; i + MODEL_VERSION_FIELD.length < forecast.length; i++) {
            for (int j = 0; j < MODEL_VERSION_FIELD.length; j++) {
                if (forecast[i + j] != MODEL_VERSION_FIELD[j]) {
                    continue outer;
                }
            }
            long v = 0;
            int k = i + MODEL_VERSION_FIELD.length;
            if (k >= forecast.length || forecast[k] < '0' || forecast[k] > '9') {
                return -1;
            }
            while (k < forecast.length && forecast[k] >= '0' && forecast[k] <= '9') {
                v = v * 10 + (forecast[k++] - '0');
            }
            return v;
        }
        return -1;
    }

    /**
     * Bytes of a heap size as {@code -Xmx} takes it: a number with an optional k, m, g or t suffix.
     *
     * @throws CommandLine.ParameterException for anything else
     */
    static long heapBytes(CommandLine cl, String size) {
        Matcher m = HEAP_SIZE.matcher(size);
        if (!m.matches()) {
            throw new CommandLine.ParameterException(cl, "--instance-heap is not a size such as 512m or 1g: " + size);
        }
        long n = Long.parseLong(m.group(1));
        long bytes = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> n << 10;
            case "m" -> n << 20;
            case "g" -> n << 30;
            case "t" -> n << 40;
            default -> n;
        };
        if (bytes < (64L << 20)) {
            throw new CommandLine.ParameterException(cl, "--instance-heap must be at least 64m: " + size);
        }
        return bytes;
    }

    private synchronized void say(String line) {
        out.println(line);
        out.flush();
    }

    /** m:ss since the start of the command. */
    private String clock(long epochMs) {
        long s = Math.max(0, epochMs - start) / 1000;
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    private static String seconds(double s) {
        return s < 0 ? "never (within " + RESTORE_WAIT.toMinutes() + " min)"
                : String.format(Locale.ROOT, "%.1f s after its restart", s);
    }

    private static String millis(int ms) {
        return ms < 0 ? "-" : Integer.toString(ms);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
