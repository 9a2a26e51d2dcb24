package io.grustreams.train;

/**
 * How much of a window a training run holds, whatever the window holds: at most {@code maxKeys} keys,
 * chosen uniformly at random from the seed ({@link HistorySampler}), and of each the most recent
 * {@code maxEventsPerKey} events. The heap a run needs grows with {@code maxKeys × maxEventsPerKey}, not
 * with the window.
 *
 * @param maxKeys keys kept at most, positive
 * @param maxEventsPerKey a key's newest events kept at most, positive
 */
public record SampleLimits(int maxKeys, int maxEventsPerKey) {

    /** See {@link #defaults()}. */
    public static final int DEFAULT_MAX_KEYS = 20_000;

    /** See {@link #defaults()}. */
    public static final int DEFAULT_MAX_EVENTS_PER_KEY = 512;

    public SampleLimits {
        if (maxKeys < 1) {
            throw new IllegalArgumentException("maxKeys must be positive: " + maxKeys);
        }
        if (maxEventsPerKey < 1) {
            throw new IllegalArgumentException("maxEventsPerKey must be positive: " + maxEventsPerKey);
        }
    }

    /**
     * 20,000 keys of 512 events. 512 events hold, at the trainer's defaults, a validation fifth of 102
     * events and a training part of 410: five windows of 256 steps at stride 32 and the 256 events the
     * stream re-warms a key from. 20,000 × 512 events is what a run holds, encodes and validates
     * within the launcher's {@code -Xmx2g} with room to spare (docs/training.md, "At fleet scale").
     */
    public static SampleLimits defaults() {
        return new SampleLimits(DEFAULT_MAX_KEYS, DEFAULT_MAX_EVENTS_PER_KEY);
    }
}
