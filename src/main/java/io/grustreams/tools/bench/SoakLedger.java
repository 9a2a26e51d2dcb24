package io.grustreams.tools.bench;

import java.util.Arrays;

/**
 * The exactly-once account of {@code bench soak}: the id of every event the producer sent and of
 * every output (forecast or dead letter) read back, compared once both sides are done.
 *
 * <p>An id is the event's key index and its timestamp, packed into one {@code long}: the key index
 * in the high bits, the timestamp less a base in the low {@value #TS_BITS} bits (34 years of
 * milliseconds). The producer gives each key strictly increasing timestamps and the stream keeps
 * an event's timestamp on both its forecast and its dead letter, so an id names one event.
 *
 * <p>Thread confinement, no locks on the hot side: {@link #produced} is called by the producer
 * thread only, {@link #output} by the reader thread only, {@link #failed} by any thread (it is
 * synchronized); {@link #compare} after both threads have ended.
 */
final class SoakLedger {

    static final int TS_BITS = 40;
    /** Key indexes fit the bits above the timestamp. */
    static final int MAX_KEYS = 1 << (Long.SIZE - 1 - TS_BITS);

    private static final long TS_MASK = (1L << TS_BITS) - 1;

    private final long base;
    private final LongList produced = new LongList();
    private final LongList outputs = new LongList();
    private final LongList failed = new LongList();

    /** @param base the earliest timestamp an id may carry, in epoch ms */
    SoakLedger(long base) {
        this.base = base;
    }

    /**
     * The id of key {@code key} at timestamp {@code ts}.
     *
     * @throws IllegalArgumentException for a key index or timestamp outside the id's range
     */
    long id(int key, long ts) {
        long t = ts - base;
        if (key < 0 || key >= MAX_KEYS || t < 0 || t > TS_MASK) {
            throw new IllegalArgumentException("no id for key " + key + " at " + ts + " (base " + base + ")");
        }
        return ((long) key << TS_BITS) | t;
    }

    /** An event the producer handed to Kafka. Producer thread only. */
    void produced(long id) {
        produced.add(id);
    }

    /** An event whose send failed: it is not expected back, and the run fails. Any thread. */
    synchronized void failed(long id) {
        failed.add(id);
    }

    synchronized long failedCount() {
        return failed.size();
    }

    /** A forecast or dead letter read back. Reader thread only. */
    void output(long id) {
        outputs.add(id);
    }

    /**
     * What was produced against what was read: an event with no output is lost; each output beyond
     * an event's first is a duplicate; an output of no produced event is unexpected.
     *
     * @throws IllegalStateException if the producer sent two events with one id (a fault of the soak, not the stream)
     */
    synchronized Account compare() {
        long[] p = produced.sorted();
        long[] o = outputs.sorted();
        long[] f = failed.sorted();
        long expected = 0;
        long lost = 0;
        long duplicated = 0;
        long unexpected = 0;
        int j = 0;
        int k = 0;
        for (int i = 0; i < p.length; i++) {
            long id = p[i];
            if (i > 0 && p[i - 1] == id) {
                throw new IllegalStateException("the producer sent id " + id + " twice");
            }
            while (k < f.length && f[k] < id) {
                k++;
            }
            boolean notSent = k < f.length && f[k] == id;
            while (j < o.length && o[j] < id) {
                unexpected++;
                j++;
            }
            int copies = 0;
            while (j < o.length && o[j] == id) {
                copies++;
                j++;
            }
            if (notSent) {
                unexpected += copies;
                continue;
            }
            expected++;
            if (copies == 0) {
                lost++;
            } else {
                duplicated += copies - 1;
            }
        }
        unexpected += o.length - j;
        return new Account(expected, o.length, lost, duplicated, unexpected, f.length);
    }

    /**
     * The comparison.
     *
     * @param expected events sent successfully
     * @param outputs forecasts and dead letters read
     * @param lost expected events without an output
     * @param duplicated outputs beyond an event's first
     * @param unexpected outputs of no successfully sent event
     * @param failed sends that failed
     */
    record Account(long expected, long outputs, long lost, long duplicated, long unexpected, long failed) {
    }

    /** A growable array of longs. */
    static final class LongList {
        private long[] values = new long[1024];
        private int size;

        void add(long v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, values.length * 2);
            }
            values[size++] = v;
        }

        int size() {
            return size;
        }

        long[] sorted() {
            long[] copy = Arrays.copyOf(values, size);
            Arrays.sort(copy);
            return copy;
        }
    }
}
