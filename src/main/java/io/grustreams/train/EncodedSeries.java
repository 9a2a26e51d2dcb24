package io.grustreams.train;

import io.grustreams.model.InputEncoder;
import io.grustreams.model.KeyScale;
import java.util.Arrays;

/**
 * A key's events as the stream computes a model's inputs for them, with the training targets: for
 * every event t of {@code [0, limit)} its network inputs ({@link InputEncoder#inputs}, the key's
 * {@link KeyScale} folded in event by event from the first one, as the stream does) and, where the
 * events are there, the readout that would forecast the next {@code rows} events exactly
 * ({@link InputEncoder#target}). One code path with the stream, so that what a model is trained on
 * is what it is served. Immutable once built.
 */
public final class EncodedSeries {

    private final int length;
    private final int inputWidth;
    private final int outputWidth;
    private final int rows;
    private final double[] inputs;
    private final double[] targets;

    /**
     * @param series the key's events; values in model feature order
     * @param limit events encoded, from the first; targets use only these
     * @param encoder the new model's encoder
     * @param scaleAlpha α of the stream's per-key scale
     * @param rows forecast rows of the readout (the horizon of a direct readout, else 1)
     */
    public EncodedSeries(History.KeySeries series, int limit, InputEncoder encoder, double scaleAlpha, int rows) {
        int d = encoder.features();
        this.length = limit;
        this.inputWidth = encoder.inputs();
        this.outputWidth = rows * d;
        this.rows = rows;
        this.inputs = new double[limit * inputWidth];
        this.targets = new double[limit * outputWidth];
        Arrays.fill(targets, Double.NaN);
        KeyScale scale = new KeyScale(d);
        double[] raw = new double[d];
        double[] previous = new double[d];
        double[] in = new double[inputWidth];
        double[] scales = new double[limit * d];
        for (int t = 0; t < limit; t++) {
            for (int j = 0; j < d; j++) {
                previous[j] = scale.last(j);
            }
            series.copyValues(t, raw);
            scale.observe(raw, scaleAlpha);
            System.arraycopy(scale.scales(), 0, scales, t * d, d);
            encoder.inputs(raw, t == 0 ? null : previous, scale.scales(), series.timestamp(t),
                    t == 0 ? Long.MIN_VALUE : series.timestamp(t - 1), in);
            System.arraycopy(in, 0, inputs, t * inputWidth, inputWidth);
        }
        for (int t = 0; t + rows < limit; t++) {
            for (int h = 1; h <= rows; h++) {
                for (int j = 0; j < d; j++) {
                    targets[t * outputWidth + (h - 1) * d + j] = encoder.target(j, h, series.value(t + h, j),
                            series.value(t, j), scales[t * d + j]);
                }
            }
        }
    }

    /** Events encoded. */
    public int length() {
        return length;
    }

    /** Events whose targets are all known: the first {@code length − rows}. */
    public int usable() {
        return Math.max(0, length - rows);
    }

    /** Network inputs of event t, {@link #inputWidth()} values. */
    public double input(int t, int i) {
        return inputs[t * inputWidth + i];
    }

    /** Target o of event t (NaN where it reaches past the encoded events). */
    public double target(int t, int o) {
        return targets[t * outputWidth + o];
    }

    public int inputWidth() {
        return inputWidth;
    }

    public int outputWidth() {
        return outputWidth;
    }

    /** A training window of {@code steps} events from {@code from}, sharing this series' storage. */
    TrainingSequence window(int from, int steps) {
        return TrainingSequence.window(inputs, inputWidth, targets, outputWidth, from, steps);
    }
}
