package io.grustreams.stream;

import io.grustreams.engine.RingBlocks;
import java.nio.ByteBuffer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The ring blocks of the key being processed, in the ring store ({@code gru.store.ring}): the
 * store key is the record key's bytes followed by the block index as 8 big-endian bytes. The
 * suffix has a fixed length, so two (key, block) pairs never share a store key. Keys in the same
 * task share the store and its changelog partition with their per-key states. Not thread-safe: one
 * per processor, bound to each record's key before it is processed.
 */
public final class StoreRingBlocks implements RingBlocks {

    private final KeyValueStore<Bytes, byte[]> store;
    private final StreamMetrics metrics;
    private byte[] key = new byte[0];

    StoreRingBlocks(KeyValueStore<Bytes, byte[]> store, StreamMetrics metrics) {
        this.store = store;
        this.metrics = metrics;
    }

    /** The key the next calls are about. @param recordKey not modified; kept until the next bind */
    void bind(byte[] recordKey) {
        this.key = recordKey;
    }

    @Override
    public byte[] get(long block) {
        return store.get(storeKey(key, block));
    }

    @Override
    public void put(long block, byte[] bytes) {
        Bytes k = storeKey(key, block);
        store.put(k, bytes);
        metrics.ringBytes(k.get().length + bytes.length);
    }

    @Override
    public void delete(long block) {
        Bytes k = storeKey(key, block);
        store.delete(k);
        metrics.ringBytes(k.get().length);
    }

    /** The record key's bytes, then the block index, big-endian: the ring store's key (benchmarks write it too). */
    public static Bytes storeKey(byte[] recordKey, long block) {
        return Bytes.wrap(ByteBuffer.allocate(recordKey.length + Long.BYTES).put(recordKey).putLong(block).array());
    }
}
