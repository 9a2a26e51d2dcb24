package io.grustreams.model;

/**
 * The two GRU formulations this project runs. They are not convertible into each other exactly.
 *
 * <ul>
 *   <li>{@link #CHO}: the course notes' form. The reset gate acts before the hidden matmul and
 *       the update gate z gates the new candidate: {@code h = (1 - z) * h_prev + z * h~}.
 *   <li>{@link #PYTORCH}: {@code torch.nn.GRU}. The reset gate acts after the hidden matmul,
 *       {@code n = tanh(W_in x + b_in + r * (W_hn h + b_hn))}, and z gates the old state,
 *       {@code h = (1 - z) * n + z * h_prev}. Weight rows in gate order r, z, n.
 * </ul>
 */
public enum Variant {
    CHO("cho"),
    PYTORCH("pytorch");

    private final String id;

    Variant(String id) {
        this.id = id;
    }

    /** The identifier used in model files and reference files ({@code "cho"}, {@code "pytorch"}). */
    public String id() {
        return id;
    }

    /**
     * @throws IllegalArgumentException naming the unknown value and the known ones
     */
    public static Variant fromId(String id) {
        for (Variant v : values()) {
            if (v.id.equals(id)) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown GRU variant '" + id + "' (known: cho, pytorch)");
    }
}
