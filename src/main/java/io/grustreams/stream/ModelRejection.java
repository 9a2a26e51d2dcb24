package io.grustreams.stream;

/**
 * Why a record of the models topic was refused. The {@link #code()} is the {@code reason} tag of the
 * models-rejected metric; codes are stable (dashboards and alerts match on them). The full reason,
 * naming the field, is in the log and under {@code rejected} in {@code GET /models}.
 */
public enum ModelRejection {
    /** The record has no key; a model is published under its key {@code name@version}. */
    NO_KEY("no-key"),
    /** The record is larger than {@code gru.model.max.bytes}; not read. */
    TOO_LARGE("too-large"),
    /** Not a model file: malformed, an invalid or hostile field, a size beyond what the record holds. */
    INVALID("invalid"),
    /** A valid model this stream cannot serve: other features, name or inputs, or a key that names another version. */
    NOT_SERVABLE("not-servable");

    private final String code;

    ModelRejection(String code) {
        this.code = code;
    }

    /** The stable code, such as {@code "too-large"}. */
    public String code() {
        return code;
    }
}
