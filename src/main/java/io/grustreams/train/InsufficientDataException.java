package io.grustreams.train;

/**
 * The history cannot train or validate a model: no events, no key long enough for one training
 * sequence, or nothing left to validate on. The message is one line that says what is missing and
 * which setting would change it. Nothing should be published after it.
 */
public final class InsufficientDataException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public InsufficientDataException(String message) {
        super(message);
    }
}
