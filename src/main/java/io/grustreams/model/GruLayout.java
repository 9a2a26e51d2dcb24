package io.grustreams.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shape of a recurrent network with linear readout (any {@link Cell}, L stacked layers; the
 * class keeps the product's name) and the layout of its flat parameter vector.
 *
 * <p>Layer 0 reads the D network inputs; layer k ≥ 1 reads layer k−1's new h (its input size is
 * H), as {@code nn.RNN/LSTM/GRU(num_layers=L)} does; the readout reads the top layer's h.
 *
 * <p>The flat vector holds the tensors one after another, each row-major, in the order of
 * {@link #tensors()}: layer 0's tensors, layer 1's, …, then the readout. Names, shapes and order are
 * those of the PyTorch reference files ({@code param_order}), with D_k = D for k = 0 and H above and
 * G = {@link Cell#gates()}:
 * <ul>
 *   <li>{@link Cell#RNN}, {@link Cell#LSTM}, {@link Cell#GRU} {@link Variant#PYTORCH}:
 *       {@code weight_ih_l{k}} [G·H][D_k], {@code weight_hh_l{k}} [G·H][H], {@code bias_ih_l{k}} [G·H],
 *       {@code bias_hh_l{k}} [G·H] (rows in gate order: rnn one block, lstm i, f, g, o, gru r, z, n).
 *   <li>{@link Cell#GRU} {@link Variant#CHO}: {@code W_r_l{k}, W_z_l{k}, W_h_l{k}} [H][H+D_k]
 *       (columns 0..H-1 act on h, H..H+D_k-1 on the input), {@code b_r_l{k}, b_z_l{k}, b_h_l{k}} [H].
 *   <li>readout: {@code W_y} [O][H], {@code b_y} [O].
 * </ul>
 * D = input size, H = hidden size, O = output size (the readout forecasts O values).
 * Model files before format 4 name layer 0's tensors without the {@code _l0} suffix
 * ({@link #legacyName}). Immutable.
 */
public final class GruLayout {

    /** Most layers a layout may have: bounds what a model file can make this build allocate. */
    public static final int MAX_LAYERS = 64;

    private final Cell cell;
    private final Variant variant;
    private final int layers;
    private final int inputSize;
    private final int hiddenSize;
    private final int outputSize;
    private final List<Tensor> tensors;
    private final Map<String, Tensor> byName;
    private final int size;

    private GruLayout(Cell cell, Variant variant, int layers, int inputSize, int hiddenSize, int outputSize) {
        if (inputSize <= 0 || hiddenSize <= 0 || outputSize <= 0) {
            throw new IllegalArgumentException("sizes must be positive: inputSize " + inputSize
                    + ", hiddenSize " + hiddenSize + ", outputSize " + outputSize);
        }
        if (layers < 1 || layers > MAX_LAYERS) {
            throw new IllegalArgumentException("layers must be in [1, " + MAX_LAYERS + "], found " + layers);
        }
        if (cell != Cell.GRU && variant != Variant.PYTORCH) {
            throw new IllegalArgumentException("variant must be pytorch for the " + cell.id() + " cell, found "
                    + variant.id());
        }
        long total = parameterCount(cell, variant, layers, inputSize, hiddenSize, outputSize);
        if (total > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("hiddenSize " + hiddenSize + " with " + layers + " layers, inputSize "
                    + inputSize + " and outputSize " + outputSize + " needs " + total + " parameters, too many");
        }
        this.cell = cell;
        this.variant = variant;
        this.layers = layers;
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        this.outputSize = outputSize;
        int h = hiddenSize;
        List<Tensor> list = new ArrayList<>();
        int off = 0;
        for (int k = 0; k < layers; k++) {
            int d = k == 0 ? inputSize : hiddenSize;
            if (variant == Variant.CHO) {
                for (String name : new String[] {"W_r", "W_z", "W_h"}) {
                    list.add(Tensor.matrix(name + "_l" + k, off, h, h + d));
                    off += h * (h + d);
                }
                for (String name : new String[] {"b_r", "b_z", "b_h"}) {
                    list.add(Tensor.vector(name + "_l" + k, off, h));
                    off += h;
                }
            } else {
                int g = cell.gates() * h;
                list.add(Tensor.matrix("weight_ih_l" + k, off, g, d));
                off += g * d;
                list.add(Tensor.matrix("weight_hh_l" + k, off, g, h));
                off += g * h;
                list.add(Tensor.vector("bias_ih_l" + k, off, g));
                off += g;
                list.add(Tensor.vector("bias_hh_l" + k, off, g));
                off += g;
            }
        }
        list.add(Tensor.matrix("W_y", off, outputSize, h));
        off += outputSize * h;
        list.add(Tensor.vector("b_y", off, outputSize));
        off += outputSize;
        this.tensors = Collections.unmodifiableList(list);
        Map<String, Tensor> map = new LinkedHashMap<>();
        for (Tensor t : list) {
            map.put(t.name(), t);
        }
        this.byName = Collections.unmodifiableMap(map);
        this.size = off;
    }

    /** A one-layer GRU of the given variant. */
    public static GruLayout of(Variant variant, int inputSize, int hiddenSize, int outputSize) {
        return new GruLayout(Cell.GRU, variant, 1, inputSize, hiddenSize, outputSize);
    }

    /**
     * @param variant the GRU's form; {@link Variant#PYTORCH} for rnn and lstm
     * @throws IllegalArgumentException on a non-positive size, layers outside [1, {@link #MAX_LAYERS}],
     *     a cho rnn or lstm, or more parameters than an array can hold
     */
    public static GruLayout of(Cell cell, Variant variant, int layers, int inputSize, int hiddenSize, int outputSize) {
        return new GruLayout(cell, variant, layers, inputSize, hiddenSize, outputSize);
    }

    /**
     * The length of the flat vector of such a layout, computed without building it, so that a
     * reader can bound what a file declares before allocating anything. Per layer (D_k as in the
     * class comment): cho {@code 3·(H·(H+D_k) + H)}, otherwise {@code G·H·(D_k+H) + 2·G·H}; plus
     * {@code O·H + O}. Positive sizes assumed. Saturates at {@link Long#MAX_VALUE}: a file may
     * declare sizes whose product overflows a long, and a wrapped count could pass a bound.
     */
    public static long parameterCount(Cell cell, Variant variant, long layers, long inputSize, long hiddenSize,
            long outputSize) {
        try {
            long h = hiddenSize;
            long total = Math.addExact(Math.multiplyExact(outputSize, h), outputSize);
            for (long k = 0; k < layers; k++) {
                long d = k == 0 ? inputSize : h;
                long g = cell.gates();
                long hd = Math.multiplyExact(h, Math.addExact(h, d));
                long layer = variant == Variant.CHO ? Math.multiplyExact(3, Math.addExact(hd, h))
                        : Math.addExact(Math.multiplyExact(g, hd), Math.multiplyExact(2 * g, h));
                total = Math.addExact(total, layer);
            }
            return total;
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE;
        }
    }

    public Cell cell() {
        return cell;
    }

    public Variant variant() {
        return variant;
    }

    /** L ≥ 1. */
    public int layers() {
        return layers;
    }

    public int inputSize() {
        return inputSize;
    }

    public int hiddenSize() {
        return hiddenSize;
    }

    public int outputSize() {
        return outputSize;
    }

    /** The input size of layer k: D for layer 0, H above. */
    public int layerInputSize(int k) {
        return k == 0 ? inputSize : hiddenSize;
    }

    /**
     * Doubles of recurrent state per key: L·H, and 2·L·H for the LSTM. Laid out
     * {@code [h_0 | h_1 | … | h_{L-1}]}, then for the LSTM {@code [c_0 | … | c_{L-1}]}, each H long.
     */
    public int stateSize() {
        return (cell.hasCellState() ? 2 : 1) * layers * hiddenSize;
    }

    /** The tensors in canonical order. */
    public List<Tensor> tensors() {
        return tensors;
    }

    /** @throws IllegalArgumentException if this layout has no tensor of that name */
    public Tensor tensor(String name) {
        Tensor t = byName.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no parameter '" + name + "' in a " + this + " (has " + byName.keySet()
                    + ")");
        }
        return t;
    }

    /** Tensor {@code base + "_l" + layer}, e.g. {@code tensor("weight_hh", 1)}. */
    public Tensor tensor(String base, int layer) {
        return tensor(base + "_l" + layer);
    }

    /**
     * The name model files before format 4 (and {@code gru-reference/1} files) give tensor
     * {@code t} of a one-layer GRU: layer 0's names without the {@code _l0} suffix; the readout's
     * names are unchanged.
     */
    public static String legacyName(Tensor t) {
        String n = t.name();
        return n.endsWith("_l0") ? n.substring(0, n.length() - 3) : n;
    }

    /** Total number of parameters, all layers and readout: the length of the flat vector. */
    public int size() {
        return size;
    }

    /**
     * Parameters of the recurrent layers alone, without the readout. One layer:
     * {@code 3·(H·(H+D) + H)} for cho, {@code 3H(D+H) + 6H} for the pytorch GRU,
     * {@code 4H(D+H) + 8H} for the LSTM, {@code H(D+H) + 2H} for the RNN (two bias vectors).
     */
    public int cellParameterCount() {
        return size - outputSize * hiddenSize - outputSize;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GruLayout other && other.cell == cell && other.variant == variant
                && other.layers == layers && other.inputSize == inputSize
                && other.hiddenSize == hiddenSize && other.outputSize == outputSize;
    }

    @Override
    public int hashCode() {
        return ((((cell.hashCode() * 31 + variant.hashCode()) * 31 + layers) * 31 + inputSize) * 31 + hiddenSize) * 31
                + outputSize;
    }

    /** {@code cho(input 1, hidden 4, output 1)} for a one-layer GRU, else e.g. {@code lstm(layers 2, input 1, …)}. */
    @Override
    public String toString() {
        String sizes = "input " + inputSize + ", hidden " + hiddenSize + ", output " + outputSize + ")";
        if (cell == Cell.GRU && layers == 1) {
            return variant.id() + "(" + sizes;
        }
        String name = cell == Cell.GRU ? "gru-" + variant.id() : cell.id();
        return name + "(layers " + layers + ", " + sizes;
    }
}
