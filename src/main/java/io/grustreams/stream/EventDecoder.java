package io.grustreams.stream;

import java.util.List;

/**
 * The stream's event parser for readers outside the topology (the trainer reads the events topic with
 * a plain consumer): the same rules, so a record the stream would send to the dead-letter topic is
 * bad here too, with the same {@link BadInput} reason. Formats in README "Records".
 *
 * <p>Holds one reused result: after {@link #decode} the accessors describe the last record until the
 * next call. Not thread-safe.
 */
public final class EventDecoder {

    private final EventParser parser;
    private final ParsedEvent event;

    /**
     * @param features the feature names of {@code gru.features}, in order
     * @param maxBytes {@code gru.event.max.bytes}: larger values are {@link BadInput#TOO_LARGE}
     */
    public EventDecoder(List<String> features, int maxBytes) {
        this.parser = new EventParser(features, maxBytes);
        this.event = new ParsedEvent(features.size());
    }

    /**
     * Parses one record.
     *
     * @param key record key, not modified
     * @param value record value, not modified
     * @return whether the record is a good event; if not, {@link #reason()} says why
     */
    public boolean decode(byte[] key, byte[] value) {
        return parser.parse(key, value, event);
    }

    /** The entity id of a good event. */
    public String key() {
        return event.key;
    }

    /** Whether the good event carries its own {@code ts} (else the record timestamp is its time). */
    public boolean hasTimestamp() {
        return event.hasTimestamp;
    }

    /** The event's {@code ts} in epoch milliseconds, when {@link #hasTimestamp()}. */
    public long timestamp() {
        return event.timestamp;
    }

    /** The good event's values in {@code gru.features} order: the decoder's own array, read-only by contract. */
    public double[] values() {
        return event.values;
    }

    /** Why the last record is bad; null after a good one. */
    public BadInput reason() {
        return event.reason();
    }

    /** The human-readable detail of {@link #reason()}; null after a good record. */
    public String detail() {
        return event.detail();
    }
}
