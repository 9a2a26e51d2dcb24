package io.grustreams.train;

import io.grustreams.model.Cell;
import io.grustreams.model.GruLayout;
import io.grustreams.model.GruModel;
import io.grustreams.model.InputSpec;
import io.grustreams.model.Normalization;
import io.grustreams.model.Parameters;
import io.grustreams.model.Tensor;
import io.grustreams.model.Variant;
import java.util.List;
import java.util.Optional;

/**
 * Starting a training run from the current model. A new run has its own normalization, so the
 * champion's parameters are re-expressed for it first: the result computes the champion's forecasts
 * (in original units) from inputs normalized by the new statistics, up to rounding. Training then
 * starts where the champion is, not at a shifted copy of it. Stateless.
 */
public final class WarmStart {

    private WarmStart() {
    }

    /** {@link #mismatch(GruModel, Cell, int, Variant, int, List, InputSpec)} for a one-layer GRU. */
    public static Optional<String> mismatch(GruModel champion, Variant variant, int hiddenSize, List<String> features,
            InputSpec inputs) {
        return mismatch(champion, Cell.GRU, 1, variant, hiddenSize, features, inputs);
    }

    /**
     * Why {@code champion} cannot seed a model of this shape, or empty if it can: the cell, the layer
     * count, the variant, the hidden size, the feature names (in order) and the inputs (scaling, time
     * inputs, horizon, readout) must be the same.
     */
    public static Optional<String> mismatch(GruModel champion, Cell cell, int layers, Variant variant, int hiddenSize,
            List<String> features, InputSpec inputs) {
        GruLayout l = champion.layout();
        if (l.cell() != cell || l.layers() != layers) {
            return Optional.of("cell " + l.cell().id() + " with " + l.layers() + " layers is not " + cell.id()
                    + " with " + layers);
        }
        if (champion.variant() != variant) {
            return Optional.of("variant " + champion.variant().id() + " is not " + variant.id());
        }
        if (l.hiddenSize() != hiddenSize) {
            return Optional.of("hidden size " + l.hiddenSize() + " is not " + hiddenSize);
        }
        if (!champion.featureNames().equals(features)) {
            return Optional.of("features " + champion.featureNames() + " are not " + features);
        }
        if (!champion.inputs().equals(inputs)) {
            return Optional.of(champion.inputs() + " are not " + inputs);
        }
        return Optional.empty();
    }

    /**
     * The champion's parameters for inputs and outputs normalized by {@code target}.
     *
     * <p>With the champion's statistics (m0, s0) and the new ones (m, s), an input the champion saw as
     * {@code u = (x − m0) / s0} arrives as {@code x' = (x − m) / s}, so {@code u = x' · s/s0 + (m − m0)/s0}.
     * Every block W_x that multiplies the input becomes {@code W_x · diag(s/s0)} and its gate's bias
     * gains {@code W_x · (m − m0)/s0} (only layer 0 reads the inputs; cho: columns H..H+D−1 of W_r,
     * W_z, W_h with b_r, b_z, b_h; rnn, lstm and the pytorch GRU: weight_ih with bias_ih); the time inputs that follow the D values are left alone. The
     * readout forecast {@code f = y0 · s0 + m0} must equal {@code y' · s + m}: {@code W_y' = diag(s0/s) · W_y}
     * and {@code b_y' = (b_y · s0 + m0 − m) / s}, output row i forecasting feature {@code i mod D}. With
     * per-key scaling there is no normalization and the parameters are the champion's.
     *
     * @param champion not modified
     * @param target the new run's normalization, of the champion's feature count
     * @return new parameters of the champion's layout
     */
    public static Parameters renormalize(GruModel champion, Normalization target) {
        if (champion.inputs().scaling() == InputSpec.Scaling.PER_KEY) {
            return champion.parameters().copy();
        }
        Normalization old = champion.normalization();
        GruLayout layout = champion.layout();
        int d = champion.featureNames().size();
        int h = layout.hiddenSize();
        if (target.size() != d) {
            throw new IllegalArgumentException("normalization of " + target.size() + " features for a model of " + d);
        }
        double[] ratio = new double[d];
        double[] shift = new double[d];
        for (int j = 0; j < d; j++) {
            ratio[j] = target.std(j) / old.std(j);
            shift[j] = (target.mean(j) - old.mean(j)) / old.std(j);
        }
        Parameters p = champion.parameters().copy();
        double[] v = p.values();
        if (layout.variant() == Variant.CHO) {
            String[][] gates = {{"W_r", "b_r"}, {"W_z", "b_z"}, {"W_h", "b_h"}};
            for (String[] gate : gates) {
                rescaleInputColumns(v, layout.tensor(gate[0], 0), h, d, layout.tensor(gate[1], 0), ratio, shift);
            }
        } else {
            rescaleInputColumns(v, layout.tensor("weight_ih", 0), 0, d, layout.tensor("bias_ih", 0), ratio, shift);
        }
        Tensor wy = layout.tensor("W_y");
        Tensor by = layout.tensor("b_y");
        for (int i = 0; i < layout.outputSize(); i++) {
            int f = i % d;
            double back = old.std(f) / target.std(f);
            for (int c = 0; c < h; c++) {
                v[wy.index(i, c)] *= back;
            }
            int b = by.index(i, 0);
            v[b] = (v[b] * old.std(f) + old.mean(f) - target.mean(f)) / target.std(f);
        }
        return p;
    }

    /**
     * Columns {@code col0..col0+d−1} of {@code w} act on the input: bias += W_x · shift (with the old
     * columns), then each column j is scaled by ratio[j].
     *
     * @param v modified
     */
    private static void rescaleInputColumns(double[] v, Tensor w, int col0, int d, Tensor bias, double[] ratio,
            double[] shift) {
        for (int r = 0; r < w.rows(); r++) {
            double add = 0;
            for (int j = 0; j < d; j++) {
                int idx = w.index(r, col0 + j);
                add += v[idx] * shift[j];
                v[idx] *= ratio[j];
            }
            v[bias.index(r, 0)] += add;
        }
    }
}
