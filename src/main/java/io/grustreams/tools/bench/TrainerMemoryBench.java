package io.grustreams.tools.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.grustreams.train.History;
import io.grustreams.train.HistorySampler;
import io.grustreams.train.RetrainConfig;
import io.grustreams.train.RetrainListener;
import io.grustreams.train.RetrainRequest;
import io.grustreams.train.RetrainResult;
import io.grustreams.train.Retrainer;
import io.grustreams.train.SampleLimits;
import io.grustreams.train.SampleSummary;
import java.io.PrintWriter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gru-streams bench trainer-memory}: whether {@code train} holds a fleet's window in a bounded
 * heap. A seeded synthetic window of K keys × N events (one feature: an offset, a sine and noise per
 * key; one event a minute) is generated in time order, every key's event of a minute before the next
 * minute's, as a topic of many keys reads, and streamed event by event through the same
 * {@link HistorySampler} {@code train} reads into, with {@code train}'s caps unless options change
 * them; then one training run ({@link Retrainer}, {@code train}'s defaults) with a small step budget.
 *
 * <p>Reports the time of each phase and the heap: the peak used after any garbage collection (what the
 * run held, plus old garbage not yet collected) and the used heap after a full collection once the
 * window is read (what the sample holds). Run it under the launcher's {@code -Xmx2g}: finishing at all
 * is the claim; the figures say by how much.
 */
@Command(name = "trainer-memory",
        mixinStandardHelpOptions = true,
        description = "Heap and time of train's read and one training run on a synthetic window of K keys x N events.")
public final class TrainerMemoryBench implements Callable<Integer> {

    @Option(names = "--keys", defaultValue = "1000000", description = "Keys K in the window. Default: ${DEFAULT-VALUE}.")
    int keys;

    @Option(names = "--events", defaultValue = "100", description = "Events per key N. Default: ${DEFAULT-VALUE}.")
    int events;

    @Option(names = "--max-keys", description = "train's --max-keys. Default: train's.")
    Integer maxKeys;

    @Option(names = "--max-events-per-key", description = "train's --max-events-per-key. Default: train's.")
    Integer maxEventsPerKey;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the data, sample and training. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--max-steps", defaultValue = "200000",
            description = "Training steps of the run (train's --max-steps). Default: ${DEFAULT-VALUE}.")
    long maxSteps;

    @Option(names = "--epochs", defaultValue = "2", description = "Epochs at most. Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--threads", description = "Training threads. Default: train's.")
    Integer threads;

    @Option(names = "--json", description = "One JSON object.")
    boolean json;

    @Spec
    CommandSpec spec;

    private static final long START = 1_700_000_000_000L;
    private static final long MINUTE = 60_000L;
    private static final double MIB = 1024.0 * 1024.0;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        SampleLimits d = SampleLimits.defaults();
        SampleLimits limits = new SampleLimits(maxKeys != null ? maxKeys : d.maxKeys(),
                maxEventsPerKey != null ? maxEventsPerKey : d.maxEventsPerKey());
        RetrainConfig config = RetrainConfig.defaults().withMaxSteps(maxSteps);
        config = config.withTrainer(config.trainer().withEpochs(epochs).withSeed(seed));
        if (threads != null) {
            config = config.withTrainer(config.trainer().withThreads(threads));
        }
        try (GcWatch gc = new GcWatch()) {
            long t0 = System.nanoTime();
            HistorySampler sampler = new HistorySampler(1, limits, seed);
            feed(sampler);
            History history = sampler.build();
            SampleSummary sample = sampler.summary();
            double readSeconds = (System.nanoTime() - t0) / 1e9;
            // A full collection: what is left is what the run holds before training.
            System.gc();
            long heldAfterRead = heapUsed();

            long t1 = System.nanoTime();
            RetrainRequest request = new RetrainRequest("bench", List.of("value"), 1, Instant.EPOCH, Optional.empty(),
                    Map.of());
            RetrainResult result = new Retrainer(config).run(history, request, RetrainListener.NONE);
            double trainSeconds = (System.nanoTime() - t1) / 1e9;
            long max = Runtime.getRuntime().maxMemory();
            if (json) {
                Map<String, Object> f = BenchHarness.fields();
                f.put("bench", "trainer-memory");
                f.put("keys", keys);
                f.put("events_per_key", events);
                f.put("max_keys", limits.maxKeys());
                f.put("max_events_per_key", limits.maxEventsPerKey());
                f.put("keys_kept", sample.keysKept());
                f.put("events_seen", sample.eventsSeen());
                f.put("events_kept", sample.eventsKept());
                f.put("read_s", readSeconds);
                f.put("train_s", trainSeconds);
                f.put("training_steps", result.stepsTrained());
                f.put("heap_max_mib", max / MIB);
                f.put("heap_held_after_read_mib", heldAfterRead / MIB);
                f.put("heap_peak_after_gc_mib", gc.peakAfterGc() / MIB);
                f.put("gc_count", gc.collections());
                f.put("gc_s", gc.seconds());
                out.println(BenchHarness.jsonLine(f));
            } else {
                out.printf(Locale.ROOT, "bench trainer-memory: %s; heap max %.0f MiB%n", BenchHarness.machine(), max / MIB);
                out.printf(Locale.ROOT, "window: %,d keys x %,d events = %,d events, in time order%n", keys, events,
                        (long) keys * events);
                out.printf(Locale.ROOT, "read: %.1f s (%,.0f events/s); kept %,d keys of %s%,d and %,d events"
                        + " (caps %,d keys, %,d events per key, seed %d)%n", readSeconds,
                        sample.eventsSeen() / readSeconds, sample.keysKept(), sample.keysSeenExact() ? "" : "about ",
                        sample.keysSeen(), sample.eventsKept(), limits.maxKeys(), limits.maxEventsPerKey(), seed);
                out.printf(Locale.ROOT, "train: %.1f s; %d epochs, %,d training steps, %,d sequences of %,d keys;"
                        + " validation on %,d events, RMSE %.4g x persistence's%n", trainSeconds, result.epochsRun(),
                        result.stepsTrained(), result.data().sequences(), result.data().keysTrained(),
                        result.data().validationSteps(), Math.sqrt(result.validationScore()));
                out.printf(Locale.ROOT, "heap: %.0f MiB held after reading (after a full GC), peak %.0f MiB used after"
                        + " any GC; %d collections, %.1f s in GC%n", heldAfterRead / MIB, gc.peakAfterGc() / MIB,
                        gc.collections(), gc.seconds());
            }
        }
        out.flush();
        return 0;
    }

    /** The window, minute by minute: at minute t one event of every key, keys in order. */
    private void feed(HistorySampler sampler) {
        double[] v = new double[1];
        for (int t = 0; t < events; t++) {
            long ts = START + MINUTE * t;
            for (int k = 0; k < keys; k++) {
                long a = mix(seed * 0x9E3779B97F4A7C15L + k);
                double period = 20 + 100 * unit(a);
                double phase = 2 * Math.PI * unit(mix(a + 1));
                double offset = 100 * unit(mix(a + 2));
                double noise = unit(mix(a + 3 + t)) - 0.5;
                v[0] = offset + Math.sin(2 * Math.PI * t / period + phase) + 0.1 * noise;
                // A new String per event, as a topic's records decode to.
                sampler.add("device-" + k, ts, v);
            }
        }
    }

    /** SplitMix64's finalizer: per key and event parameters without holding them for a million keys. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static double unit(long x) {
        return (x >>> 11) * 0x1.0p-53;
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** The heap pools' use after every garbage collection while open, by the collectors' notifications. */
    private static final class GcWatch implements AutoCloseable {
        private final Set<String> heapPools = new HashSet<>();
        private final AtomicLong peak = new AtomicLong();
        private final List<NotificationEmitter> emitters = new ArrayList<>();
        private final NotificationListener listener = (n, handback) -> {
            if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
                GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo
                        .from((CompositeData) n.getUserData());
                long used = 0;
                for (Map.Entry<String, MemoryUsage> e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                    if (heapPools.contains(e.getKey())) {
                        used += e.getValue().getUsed();
                    }
                }
                peak.accumulateAndGet(used, Math::max);
            }
        };
        private final long collections0;
        private final long millis0;

        GcWatch() {
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    heapPools.add(pool.getName());
                }
            }
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                if (gc instanceof NotificationEmitter e) {
                    e.addNotificationListener(listener, null, null);
                    emitters.add(e);
                }
            }
            collections0 = collections();
            millis0 = millis();
        }

        long peakAfterGc() {
            return peak.get();
        }

        long collections() {
            long n = 0;
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                n += Math.max(0, gc.getCollectionCount());
            }
            return n - collections0;
        }

        double seconds() {
            return (millis() - millis0) / 1e3;
        }

        private long millis() {
            long ms = 0;
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                ms += Math.max(0, gc.getCollectionTime());
            }
            return ms;
        }

        @Override
        public void close() {
            for (NotificationEmitter e : emitters) {
                try {
                    e.removeNotificationListener(listener);
                } catch (javax.management.ListenerNotFoundException ignored) {
                    // Added in the constructor; nothing to remove is nothing to do.
                }
            }
        }
    }
}
