package io.grustreams.tools.bench;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What {@code bench soak} saw over time: the run cut into equal intervals plus one last interval,
 * the drain, for whatever came after the run's end. Per interval, by wall-clock time: events
 * produced, outputs (forecasts and dead letters) read back, and the latency of each forecast read,
 * from its event's timestamp (the time it was produced) to the moment it was read under
 * {@code read_committed}. Thread-safe: the producer and the reader add, the main thread reports.
 */
final class SoakTimeline {

    private final long start;
    private final long intervalMs;
    private final int intervals;
    private final AtomicLongArray produced;
    private final AtomicLongArray outputs;
    private final int[][] latencies;
    private final int[] latencyCounts;

    /**
     * @param start epoch ms of the run's start
     * @param runMs the run's length
     * @param intervals how many intervals the run is cut into, at least 1
     */
    SoakTimeline(long start, long runMs, int intervals) {
        this.start = start;
        this.intervals = intervals;
        this.intervalMs = Math.max(1, runMs / intervals);
        this.produced = new AtomicLongArray(intervals + 1);
        this.outputs = new AtomicLongArray(intervals + 1);
        this.latencies = new int[intervals + 1][];
        this.latencyCounts = new int[intervals + 1];
        for (int i = 0; i <= intervals; i++) {
            latencies[i] = new int[256];
        }
    }

    /** The interval of a wall-clock time: 0 for any time before the start, {@link #drain()} for any after the end. */
    int interval(long nowMs) {
        long i = (nowMs - start) / intervalMs;
        return (int) Math.max(0, Math.min(intervals, i));
    }

    /** The index of the drain, the interval after the run. */
    int drain() {
        return intervals;
    }

    /** Epoch ms at which interval {@code i} starts. */
    long startOf(int i) {
        return start + i * intervalMs;
    }

    long intervalMs() {
        return intervalMs;
    }

    void produced(long nowMs) {
        produced.incrementAndGet(interval(nowMs));
    }

    /** An output read at {@code nowMs}; {@code latencyMs} is the forecast's latency, or negative for a dead letter. */
    void output(long nowMs, long latencyMs) {
        int i = interval(nowMs);
        outputs.incrementAndGet(i);
        if (latencyMs >= 0) {
            synchronized (this) {
                if (latencyCounts[i] == latencies[i].length) {
                    latencies[i] = Arrays.copyOf(latencies[i], latencies[i].length * 2);
                }
                latencies[i][latencyCounts[i]++] = (int) Math.min(Integer.MAX_VALUE, latencyMs);
            }
        }
    }

    long producedIn(int i) {
        return produced.get(i);
    }

    long outputsIn(int i) {
        return outputs.get(i);
    }

    /** The latencies of interval {@code i}, sorted. */
    synchronized int[] latencies(int i) {
        int[] copy = Arrays.copyOf(latencies[i], latencyCounts[i]);
        Arrays.sort(copy);
        return copy;
    }

    /** Every latency, sorted. */
    synchronized int[] allLatencies() {
        int n = 0;
        for (int c : latencyCounts) {
            n += c;
        }
        int[] all = new int[n];
        int at = 0;
        for (int i = 0; i <= intervals; i++) {
            System.arraycopy(latencies[i], 0, all, at, latencyCounts[i]);
            at += latencyCounts[i];
        }
        Arrays.sort(all);
        return all;
    }

    /**
     * The nearest-rank percentile of sorted values: the smallest value with at least {@code p} of
     * them at or below it; -1 for none.
     *
     * @param p in (0, 1]
     */
    static int percentile(int[] sorted, double p) {
        if (sorted.length == 0) {
            return -1;
        }
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }
}
