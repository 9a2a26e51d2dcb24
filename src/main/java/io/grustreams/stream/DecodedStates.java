package io.grustreams.stream;

import io.grustreams.engine.KeyState;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;

/**
 * The decoded states of a task's recently seen keys, each with the stored array it matches.
 *
 * <p>Why: every event reads its key's state from the store and writes it back, and decoding and
 * validating ~6 KiB of state per event cost more than the GRU step. With Kafka Streams' record
 * cache the store hands back the very array the processor put (the byte-array serde neither
 * copies nor wraps it), so a state whose array is still the one in the store is exactly what
 * decoding that array would give: the processor skips the decode. Any other array (evicted from
 * the cache and read back from RocksDB, restored after a crash or a rebalance, written by another
 * instance) is decoded as before. The cache therefore never changes what is processed, only how
 * often bytes are decoded.
 *
 * <p>Least recently used keys are dropped, and a dropped key's {@link KeyState} recycled, beyond
 * either bound: a number of keys, and a byte budget. A kept key costs about twice its encoded size
 * (the decoded state holds the same numbers, and the saved array is kept for the identity check
 * after the record cache lets it go), so the budget counts {@code 2 × length} of each key's last
 * saved array: with 8 features or a long ring a state is tens of KiB, and a key count alone would
 * let a task hold hundreds of MiB. Not thread-safe: one per processor.
 */
final class DecodedStates {

    /** One key's decoded state and the stored array it equals, or null when they may differ. */
    static final class Slot {
        final KeyState state;
        /**
         * The array the store held when {@link #state} was decoded from it, or that {@link #state}
         * was encoded to and put; null from the moment the state starts to change until it is put.
         */
        byte[] bytes;
        /** What this slot is counted as against the byte budget: 2 × the length of its last saved array. */
        private long cost;

        Slot(KeyState state) {
            this.state = state;
        }

        /** Whether {@code stored}, the array the store returned for this key, is the one {@link #state} equals. */
        boolean matches(byte[] stored) {
            return stored != null && stored == bytes;
        }
    }

    private final int features;
    private final int ringCapacity;
    private final int capacity;
    private final long maxBytes;
    private final Map<Bytes, Slot> slots;
    private Slot recycled;
    /** Sum of the kept slots' costs. */
    private long bytes;

    /**
     * @param capacity keys kept; 0 keeps none (every {@link #slot} call then returns the same
     *     slot, which never matches)
     * @param maxBytes budget of the kept keys' costs (see the class comment); 0 keeps none
     */
    DecodedStates(int features, int ringCapacity, int capacity, long maxBytes) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must be >= 0: " + capacity);
        }
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must be >= 0: " + maxBytes);
        }
        this.features = features;
        this.ringCapacity = ringCapacity;
        this.capacity = maxBytes == 0 ? 0 : capacity;
        this.maxBytes = maxBytes;
        this.slots = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Bytes, Slot> eldest) {
                if (size() > DecodedStates.this.capacity) {
                    drop(eldest.getValue());
                    return true;
                }
                return false;
            }
        };
        this.recycled = new Slot(new KeyState(features, ringCapacity));
    }

    /** Uncounts a slot leaving the map and keeps it for the next new key. */
    private void drop(Slot slot) {
        bytes -= slot.cost;
        slot.cost = 0;
        recycled = slot;
    }

    /**
     * Records that {@code slot}'s state was encoded to {@code saved} and put, then drops least
     * recently used keys while the kept ones cost more than the budget ({@code slot}, the most
     * recently used, last).
     *
     * @param slot the slot {@link #slot} returned for the key being processed
     * @param saved the array put into the store. Not modified; kept.
     */
    void saved(Slot slot, byte[] saved) {
        slot.bytes = saved;
        if (capacity == 0) {
            return;
        }
        long cost = 2L * saved.length;
        bytes += cost - slot.cost;
        slot.cost = cost;
        if (bytes <= maxBytes) {
            // The per-event case: no iterator allocated.
            return;
        }
        Iterator<Slot> eldestFirst = slots.values().iterator();
        while (bytes > maxBytes && eldestFirst.hasNext()) {
            Slot eldest = eldestFirst.next();
            eldestFirst.remove();
            drop(eldest);
        }
    }

    /**
     * The slot of {@code key}: its decoded state if the key is kept, otherwise a slot whose state
     * must be loaded (its {@link Slot#bytes} is null). Allocates only while fewer than
     * {@code capacity} keys are kept.
     */
    Slot slot(Bytes key) {
        if (capacity == 0) {
            recycled.bytes = null;
            return recycled;
        }
        Slot slot = slots.get(key);
        if (slot == null) {
            slot = recycled != null ? recycled : new Slot(new KeyState(features, ringCapacity));
            recycled = null;
            slot.bytes = null;
            slots.put(key, slot);
        }
        return slot;
    }

    /** Forgets every key (their states are garbage from then on). */
    void clear() {
        slots.clear();
        bytes = 0;
        recycled = new Slot(new KeyState(features, ringCapacity));
    }

    /** Keys kept. */
    int size() {
        return slots.size();
    }

    /** What the kept keys cost against the byte budget. */
    long bytes() {
        return bytes;
    }
}
