package io.grustreams.app;

/**
 * A bad configuration: a missing file, an unknown key, or a value of the wrong type or out of range.
 * The message is one line naming the key, the value and where it came from; the command line prints
 * it without the usage text and exits with status 2.
 */
public final class ConfigurationError extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public ConfigurationError(String message) {
        super(message);
    }

    public ConfigurationError(String message, Throwable cause) {
        super(message, cause);
    }
}
