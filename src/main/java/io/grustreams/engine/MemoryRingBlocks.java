package io.grustreams.engine;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * The ring blocks of one key in memory: for a {@link KeyProcessor} that serves one key (the
 * backtest keeps one per key) or for tests. Counts what it is asked to write, for tests and
 * benchmarks of the bytes a key's events cost. Not thread-safe.
 */
public final class MemoryRingBlocks implements RingBlocks {

    private final Map<Long, byte[]> blocks = new HashMap<>();
    private long puts;
    private long deletes;
    private long bytesPut;

    @Override
    public byte[] get(long block) {
        return blocks.get(block);
    }

    @Override
    public void put(long block, byte[] bytes) {
        blocks.put(block, bytes);
        puts++;
        bytesPut += bytes.length;
    }

    @Override
    public void delete(long block) {
        blocks.remove(block);
        deletes++;
    }

    /** The blocks held now by index, read-only: for tools that copy a key's ring elsewhere. */
    public Map<Long, byte[]> view() {
        return Collections.unmodifiableMap(blocks);
    }

    /** Blocks held now. */
    public int size() {
        return blocks.size();
    }

    /** Blocks put so far. */
    public long puts() {
        return puts;
    }

    /** Deletes asked for so far. */
    public long deletes() {
        return deletes;
    }

    /** Bytes of all blocks put so far. */
    public long bytesPut() {
        return bytesPut;
    }

    /** Sum of the lengths of the blocks held now. */
    public long bytesHeld() {
        long n = 0;
        for (byte[] b : blocks.values()) {
            n += b.length;
        }
        return n;
    }
}
