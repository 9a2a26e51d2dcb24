package io.grustreams.stream;

import java.util.Arrays;

/**
 * The result of parsing one input event, reused from event to event by its owner. Either
 * {@link #ok()} and the fields describe the event, or {@link #reason()} and {@link #detail()} say
 * why it is bad input.
 */
final class ParsedEvent {

    /** Raw feature values in {@code gru.features} order. */
    final double[] values;
    final boolean[] seen;
    boolean hasTimestamp;
    long timestamp;
    String key;
    private BadInput reason;
    private String detail;

    ParsedEvent(int features) {
        this.values = new double[features];
        this.seen = new boolean[features];
    }

    void reset() {
        Arrays.fill(seen, false);
        hasTimestamp = false;
        timestamp = 0L;
        key = null;
        reason = null;
        detail = null;
    }

    /** Marks the event bad; the first reason wins. */
    boolean fail(BadInput why, String message) {
        if (reason == null) {
            reason = why;
            detail = message;
        }
        return false;
    }

    boolean ok() {
        return reason == null;
    }

    /** Null when {@link #ok()}. */
    BadInput reason() {
        return reason;
    }

    /** Null when {@link #ok()}. */
    String detail() {
        return detail;
    }
}
