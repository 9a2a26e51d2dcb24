package io.grustreams.stream;

import io.grustreams.model.EventOrder;

/**
 * Why an input event was sent to the dead-letter topic: bad input, or an event the model could not
 * process. The {@link #code()} is what the
 * {@link DeadLetters#REASON} header and the {@code reason} tag of the dead-letter metric carry;
 * codes are stable (dashboards and replay tools match on them).
 */
public enum BadInput {
    /** Record key null, empty, or not UTF-8: the entity id is unknown. */
    BAD_KEY("bad-key"),
    /** Record value null or zero bytes. */
    EMPTY_VALUE("empty-value"),
    /** Value larger than {@code gru.event.max.bytes}; not parsed. */
    TOO_LARGE("too-large"),
    /** Not well-formed JSON (including duplicate fields and trailing content). */
    NOT_JSON("not-json"),
    /** Well-formed JSON, but not an object. */
    NOT_AN_OBJECT("not-an-object"),
    /** Neither {@code value} nor {@code values}. */
    MISSING_VALUE("missing-value"),
    /** Both {@code value} and {@code values}. */
    CONFLICTING_VALUE("conflicting-value"),
    /** {@code value} or a feature of {@code values} is not a number, or {@code values} is not an object. */
    WRONG_TYPE("wrong-type"),
    /** A value is NaN or infinite, or overflows a double (such as {@code 1e999}). */
    NOT_FINITE("not-finite"),
    /** The event carries another number of features than {@code gru.features} names. */
    WRONG_FEATURE_COUNT("wrong-feature-count"),
    /** A key of {@code values} is not one of {@code gru.features}. */
    UNKNOWN_FEATURE("unknown-feature"),
    /** {@code ts} is neither a non-negative epoch-millisecond number nor an ISO-8601 instant. */
    BAD_TIMESTAMP("bad-timestamp"),
    /**
     * A well-formed event on which the served model's step gave a non-finite hidden state or forecast
     * (finite weights can still overflow on some inputs); the key's state is left as it was.
     */
    NON_FINITE_FORECAST("non-finite-forecast"),
    /** The event's time is before its key's last event's ({@link EventOrder#OUT_OF_ORDER}). */
    OUT_OF_ORDER(EventOrder.OUT_OF_ORDER.code()),
    /** The key's last event again: same time, same values ({@link EventOrder#DUPLICATE}). */
    DUPLICATE(EventOrder.DUPLICATE.code());

    private final String code;

    BadInput(String code) {
        this.code = code;
    }

    /** The stable code, such as {@code "not-json"}. */
    public String code() {
        return code;
    }

    /** The reason an event left out for its order is dead-lettered with. */
    static BadInput of(EventOrder order) {
        return switch (order) {
            case OUT_OF_ORDER -> OUT_OF_ORDER;
            case DUPLICATE -> DUPLICATE;
            case NEXT -> throw new IllegalArgumentException("an event in order is not bad input");
        };
    }
}
