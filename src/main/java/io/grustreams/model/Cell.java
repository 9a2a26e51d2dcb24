package io.grustreams.model;

/**
 * The recurrent cells a model can be built from. Every layer of a model has the same cell; the
 * GRU comes in the two forms of {@link Variant}, the RNN and the LSTM in PyTorch's form only.
 *
 * <ul>
 *   <li>{@link #RNN}: {@code torch.nn.RNN} with tanh, {@code h' = tanh(W_ih u + b_ih + W_hh h + b_hh)}.
 *   <li>{@link #LSTM}: {@code torch.nn.LSTM} without projection: gates i, f, g, o (rows in that
 *       order), {@code c' = f ⊙ c + i ⊙ g}, {@code h' = o ⊙ tanh(c')}; the state is (h, c).
 *   <li>{@link #GRU}: either {@link Variant}.
 * </ul>
 */
public enum Cell {
    RNN("rnn", 1, false),
    LSTM("lstm", 4, true),
    GRU("gru", 3, false);

    private final String id;
    private final int gates;
    private final boolean cellState;

    Cell(String id, int gates, boolean cellState) {
        this.id = id;
        this.gates = gates;
        this.cellState = cellState;
    }

    /** The identifier used in model files and on the command line ({@code "rnn"}, {@code "lstm"}, {@code "gru"}). */
    public String id() {
        return id;
    }

    /** Blocks of H rows in PyTorch's {@code weight_ih}: 1 (rnn), 4 (lstm: i, f, g, o), 3 (gru: r, z, n). */
    public int gates() {
        return gates;
    }

    /** True for the LSTM, whose state per layer is (h, c) rather than h alone. */
    public boolean hasCellState() {
        return cellState;
    }

    /** @throws IllegalArgumentException naming the unknown value and the known ones */
    public static Cell fromId(String id) {
        for (Cell c : values()) {
            if (c.id.equals(id)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown cell '" + id + "' (known: rnn, lstm, gru)");
    }
}
