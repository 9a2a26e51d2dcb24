package io.grustreams.model;

/**
 * Where an event stands against its key's last accepted event: the rule that keeps every key's
 * sequence in time order. A recurrent model's state summarizes the key's past in time order, and
 * the event after it is scored against the forecast made for it, so:
 * <ul>
 *   <li>an event older than the key's last one cannot be folded in without pretending it is the newest
 *       (it would be scored against the forecast of a later event, and its time inputs would run
 *       backwards): it is {@link #OUT_OF_ORDER}, left out;</li>
 *   <li>an event with the key's last time and the same values is that event sent again: it is a
 *       {@link #DUPLICATE}, left out, so a re-sent event does not step the model twice;</li>
 *   <li>anything else is {@link #NEXT}: an event at the same time with other values (a burst) is
 *       processed after the last one, its time-gap input 0; an event after any gap, of seconds or of
 *       months, is processed with the gap as it is ({@link TimeInput#GAP} compresses it).</li>
 * </ul>
 * The stream, the backtest and the trainer apply this one rule, so what a model is trained on is the
 * sequence it is served. A key's last accepted time is therefore also its largest.
 */
public enum EventOrder {
    /** At or after the key's last event and not a copy of it: processed. */
    NEXT("next"),
    /** Older than the key's last event: left out. */
    OUT_OF_ORDER("out-of-order"),
    /** The key's last event again (same time, same values): left out. */
    DUPLICATE("duplicate");

    private final String code;

    EventOrder(String code) {
        this.code = code;
    }

    /** The stable code, such as {@code "out-of-order"} (the stream's dead-letter reason). */
    public String code() {
        return code;
    }

    /**
     * Classifies an event against its key's last accepted one.
     *
     * @param timestamp the event's time, epoch ms
     * @param values the event's D values. Not modified.
     * @param lastTimestamp the key's last accepted event's time, or {@link Long#MIN_VALUE} when it has none
     * @param last the values of that event, D of them from {@code lastAt}. Not modified.
     */
    public static EventOrder of(long timestamp, double[] values, long lastTimestamp, double[] last, int lastAt) {
        if (lastTimestamp == Long.MIN_VALUE || timestamp > lastTimestamp) {
            return NEXT;
        }
        if (timestamp < lastTimestamp) {
            return OUT_OF_ORDER;
        }
        for (int j = 0; j < values.length; j++) {
            // == and not the bits: a value read as -0.0 is the same reading as 0.0.
            if (values[j] != last[lastAt + j]) {
                return NEXT;
            }
        }
        return DUPLICATE;
    }

    /** A sentence for a left-out event: what it was compared with. */
    public static String detail(EventOrder order, long timestamp, long lastTimestamp) {
        return switch (order) {
            case OUT_OF_ORDER -> "event time " + timestamp + " is before the key's last event time " + lastTimestamp;
            case DUPLICATE -> "same time " + timestamp + " and values as the key's last event";
            case NEXT -> "in order";
        };
    }
}
