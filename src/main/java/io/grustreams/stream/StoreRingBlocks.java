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
final class StoreRingBlocks implements RingBlocks {

    private final KeyValueStore<Bytes, byte[]> store;
    private byte[] key = new byte[0];

    StoreRingBlocks(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
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
        store.put(storeKey(key, block), bytes);
    }

    @Override
    public void delete(long block) {
        store.delete(storeKey(key, block));
    }

    /** The record key's bytes, then the block index, big-endian. */
    static Bytes storeKey(byte[] recordKey, long block) {
        return Bytes.wrap(ByteBuffer.allocate(recordKey.length + Long.BYTES).put(recordKey).putLong(block).array());
    }
}
