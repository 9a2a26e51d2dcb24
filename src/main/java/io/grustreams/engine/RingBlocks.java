package io.grustreams.engine;

/**
 * Where the sealed ring blocks of the key being processed live: in the stream a changelogged
 * state store keyed by (key, block index), in the backtest a map. A block is written once, when
 * B events have filled it, read only when the key is re-warmed under a new model, and deleted
 * when it falls out of the last W events. Implementations are bound to one key at a time by
 * their owner; {@link KeyProcessor} calls them for the key it processes.
 */
public interface RingBlocks {

    /** The block's bytes as {@link #put} stored them, or null if there are none. */
    byte[] get(long block);

    /** Stores a block; the array is the store's from now on. */
    void put(long block, byte[] bytes);

    /** Forgets a block (nothing happens if it is not stored). */
    void delete(long block);
}
