package io.grustreams.model.codec;

/**
 * A model file (or an imported state dict) that cannot be loaded. {@link #field()} names the
 * offending field as a path into the JSON document, e.g. {@code "formatVersion"},
 * {@code "parameters.W_r[2]"} or {@code "normalization.std[0]"}; {@code "$"} is the document as a
 * whole (not JSON, not an object). The message starts with the same path.
 */
public class ModelFormatException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String field;

    /**
     * @param field the path of the offending field, {@code "$"} for the whole document
     * @param detail what is wrong with it
     */
    public ModelFormatException(String field, String detail) {
        super(field + ": " + detail);
        this.field = field;
    }

    public ModelFormatException(String field, String detail, Throwable cause) {
        super(field + ": " + detail, cause);
        this.field = field;
    }

    /** The path of the offending field, {@code "$"} for the whole document. */
    public String field() {
        return field;
    }
}
