package io.grustreams.engine;

import io.grustreams.model.KeyScale;

/**
 * The ring's two operations on a key's state: seal full open blocks into the block store (and
 * delete the blocks that fell out of the last W events), and load the last W events with their
 * scales for a re-warm. Owns the replay arrays, so a re-warm allocates nothing but what the block
 * store returns. Not thread-safe: one per {@link KeyProcessor}.
 */
final class KeyRing {

    private final int features;
    private final int capacity;
    private final int blockCapacity;
    private final double scaleAlpha;
    private final RingBlockCodec codec;
    private final KeyScale replayScale;
    private final KeyScale blockScale;
    private final double[] row;

    /** The loaded events, oldest first: times, raw values and the scale s_t the stream used for each. */
    long[] timestamps;
    double[] values;
    double[] scales;

    KeyRing(int features, int ringCapacity, double scaleAlpha) {
        this.features = features;
        this.capacity = ringCapacity;
        this.blockCapacity = KeyState.blockCapacity(features);
        this.scaleAlpha = scaleAlpha;
        this.codec = new RingBlockCodec(features);
        this.replayScale = new KeyScale(features);
        this.blockScale = new KeyScale(features);
        this.row = new double[features];
        int events = (ringCapacity / blockCapacity + 2) * blockCapacity;
        this.timestamps = new long[events];
        this.values = new double[events * features];
        this.scales = new double[events * features];
    }

    /**
     * Seals the open events into blocks of B while at least B are open (exactly B after an
     * event; more only after a legacy ring was read), each block starting with the scale before
     * its first event; then deletes the blocks older than the last R = ⌈W/B⌉.
     *
     * @param s modified
     * @param blocks modified
     */
    void seal(KeyState s, RingBlocks blocks) {
        int b = blockCapacity;
        if (s.openSize < b) {
            return;
        }
        int from = 0;
        while (s.openSize - from >= b) {
            blocks.put(s.nextBlock, codec.encodeBlock(s.openScale, s.openTimestamps, s.openValues, from, b));
            // The next block starts from the scale after these B events: fold them in, as the stream did.
            for (int i = from; i < from + b; i++) {
                System.arraycopy(s.openValues, i * features, row, 0, features);
                s.openScale.observe(row, scaleAlpha);
            }
            s.nextBlock++;
            from += b;
        }
        int left = s.openSize - from;
        System.arraycopy(s.openTimestamps, from, s.openTimestamps, 0, left);
        System.arraycopy(s.openValues, from * features, s.openValues, 0, left * features);
        s.openSize = left;
        long keepFrom = s.nextBlock - s.blocksKept();
        for (long old = s.oldestBlock; old < keepFrom; old++) {
            blocks.delete(old);
        }
        s.oldestBlock = Math.max(s.oldestBlock, keepFrom);
    }

    /**
     * Loads the key's last min(W, available) events into {@link #timestamps}, {@link #values} and
     * {@link #scales}, oldest first: the open events and as many sealed blocks, newest first, as
     * W needs. A block that is missing or unreadable ends the history there: the re-warm replays
     * the newer events only.
     *
     * @param s not modified (its open events number fewer than B: {@link #seal} ran)
     * @return the number of events loaded
     */
    int load(KeyState s, RingBlocks blocks) {
        int b = blockCapacity;
        int open = s.openSize;
        int need = Math.max(0, capacity - open);
        int k = (int) Math.min((need + b - 1) / b, s.nextBlock - s.oldestBlock);
        ensure((k + 1) * b + open);
        // Blocks nextBlock-k .. nextBlock-1 go to event slots 0, B, 2B, ...; read newest first so
        // that the scale left in replayScale is the oldest readable block's.
        replayScale.copyFrom(s.openScale);
        int first = k;
        for (int j = k - 1; j >= 0; j--) {
            byte[] bytes = blocks.get(s.nextBlock - k + j);
            if (bytes == null) {
                break;
            }
            try {
                codec.decodeBlock(bytes, b, blockScale, timestamps, values, j * b);
            } catch (StateFormatException e) {
                break;
            }
            replayScale.copyFrom(blockScale);
            first = j;
        }
        System.arraycopy(s.openTimestamps, 0, timestamps, k * b, open);
        System.arraycopy(s.openValues, 0, values, k * b * features, open * features);
        // s_t of every event: its block's starting scale, folded forward event by event.
        int end = k * b + open;
        for (int i = first * b; i < end; i++) {
            System.arraycopy(values, i * features, row, 0, features);
            replayScale.observe(row, scaleAlpha);
            System.arraycopy(replayScale.scales(), 0, scales, i * features, features);
        }
        // Keep the last W of them, moved to the front.
        int n = Math.min(capacity, end - first * b);
        int start = end - n;
        if (start > 0) {
            System.arraycopy(timestamps, start, timestamps, 0, n);
            System.arraycopy(values, start * features, values, 0, n * features);
            System.arraycopy(scales, start * features, scales, 0, n * features);
        }
        return n;
    }

    private void ensure(int events) {
        if (timestamps.length < events) {
            timestamps = new long[events];
            values = new double[events * features];
            scales = new double[events * features];
        }
    }
}
