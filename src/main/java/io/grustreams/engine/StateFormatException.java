package io.grustreams.engine;

/**
 * A stored per-key state could not be read. The message names the field. {@link #isNewerFormat()}
 * tells a state written by a newer build (never to be overwritten) from a damaged one.
 */
public final class StateFormatException extends IllegalArgumentException {

    private final boolean newerFormat;

    StateFormatException(String message, boolean newerFormat) {
        super(message);
        this.newerFormat = newerFormat;
    }

    /** True when the state carries a format version this build does not know. */
    public boolean isNewerFormat() {
        return newerFormat;
    }
}
