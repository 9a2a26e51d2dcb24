package io.grustreams.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shape of a GRU with linear readout and the layout of its flat parameter vector.
 *
 * <p>The flat vector holds the tensors one after another, each row-major, in the order of
 * {@link #tensors()}. Names, shapes and order are those of the PyTorch reference files
 * ({@code param_order}):
 * <ul>
 *   <li>{@link Variant#CHO}: {@code W_r, W_z, W_h} [H][H+D] (columns 0..H-1 act on h, H..H+D-1 on x),
 *       {@code b_r, b_z, b_h} [H], {@code W_y} [O][H], {@code b_y} [O].
 *   <li>{@link Variant#PYTORCH}: {@code weight_ih} [3H][D], {@code weight_hh} [3H][H], {@code bias_ih} [3H],
 *       {@code bias_hh} [3H] (rows in gate order r, z, n), {@code W_y} [O][H], {@code b_y} [O].
 * </ul>
 * D = input size, H = hidden size, O = output size (the readout forecasts O values).
 * Immutable.
 */
public final class GruLayout {

    private final Variant variant;
    private final int inputSize;
    private final int hiddenSize;
    private final int outputSize;
    private final List<Tensor> tensors;
    private final Map<String, Tensor> byName;
    private final int size;

    private GruLayout(Variant variant, int inputSize, int hiddenSize, int outputSize) {
        if (inputSize <= 0 || hiddenSize <= 0 || outputSize <= 0) {
            throw new IllegalArgumentException("sizes must be positive: inputSize " + inputSize
                    + ", hiddenSize " + hiddenSize + ", outputSize " + outputSize);
        }
        this.variant = variant;
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        this.outputSize = outputSize;
        int h = hiddenSize;
        int d = inputSize;
        List<Tensor> list = new ArrayList<>();
        int off = 0;
        if (variant == Variant.CHO) {
            for (String name : new String[] {"W_r", "W_z", "W_h"}) {
                list.add(Tensor.matrix(name, off, h, h + d));
                off += h * (h + d);
            }
            for (String name : new String[] {"b_r", "b_z", "b_h"}) {
                list.add(Tensor.vector(name, off, h));
                off += h;
            }
        } else {
            list.add(Tensor.matrix("weight_ih", off, 3 * h, d));
            off += 3 * h * d;
            list.add(Tensor.matrix("weight_hh", off, 3 * h, h));
            off += 3 * h * h;
            list.add(Tensor.vector("bias_ih", off, 3 * h));
            off += 3 * h;
            list.add(Tensor.vector("bias_hh", off, 3 * h));
            off += 3 * h;
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

    public static GruLayout of(Variant variant, int inputSize, int hiddenSize, int outputSize) {
        return new GruLayout(variant, inputSize, hiddenSize, outputSize);
    }

    public Variant variant() {
        return variant;
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

    /** The tensors in canonical order. */
    public List<Tensor> tensors() {
        return tensors;
    }

    /** @throws IllegalArgumentException if this variant has no tensor of that name */
    public Tensor tensor(String name) {
        Tensor t = byName.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no parameter '" + name + "' in a " + variant.id()
                    + " GRU (has " + byName.keySet() + ")");
        }
        return t;
    }

    /** Total number of parameters, GRU and readout: the length of the flat vector. */
    public int size() {
        return size;
    }

    /**
     * Parameters of the recurrent cell alone, without the readout:
     * {@code 3·(H·(H+D) + H)} for cho, {@code 3H(D+H) + 6H} for pytorch (two bias vectors).
     */
    public int cellParameterCount() {
        int h = hiddenSize;
        int d = inputSize;
        return variant == Variant.CHO ? 3 * (h * (h + d) + h) : 3 * h * (d + h) + 6 * h;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GruLayout other && other.variant == variant && other.inputSize == inputSize
                && other.hiddenSize == hiddenSize && other.outputSize == outputSize;
    }

    @Override
    public int hashCode() {
        return ((variant.hashCode() * 31 + inputSize) * 31 + hiddenSize) * 31 + outputSize;
    }

    @Override
    public String toString() {
        return variant.id() + "(input " + inputSize + ", hidden " + hiddenSize + ", output " + outputSize + ")";
    }
}
