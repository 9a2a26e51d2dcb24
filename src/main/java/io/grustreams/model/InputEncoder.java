package io.grustreams.model;

/**
 * The arithmetic of an {@link InputSpec}, in the model's feature order: an event's network inputs,
 * a readout's forecasts in original units, and (its inverse) a training target in readout units.
 * One place, used by the stream, the backtest, the validation and the trainer, so that a model is
 * served exactly the inputs it was trained on. Holds only the spec, the normalization and a
 * {@link TimeFeatures} cache; not thread-safe (the cache).
 */
public final class InputEncoder {

    private final InputSpec spec;
    private final Normalization normalization;
    private final int d;
    private final TimeFeatures time;
    private final boolean perKey;

    /**
     * @param normalization the model's (used by {@link InputSpec.Scaling#GLOBAL} only)
     * @param features D
     */
    public InputEncoder(InputSpec spec, Normalization normalization, int features) {
        this.spec = spec;
        this.normalization = normalization;
        this.d = features;
        this.time = new TimeFeatures(spec.time(), spec.zone());
        this.perKey = spec.scaling() == InputSpec.Scaling.PER_KEY;
    }

    public InputSpec spec() {
        return spec;
    }

    /** D. */
    public int features() {
        return d;
    }

    /** Network inputs per event. */
    public int inputs() {
        return d + time.width();
    }

    /**
     * The network inputs of one event: per feature {@code clip((x_t − x_{t−1}) / s_t, ±CLIP)} (per-key;
     * 0 without a previous event) or {@code (x_t − mean) / std} (global), then the time inputs.
     *
     * @param raw x_t, D values, original units. Not modified.
     * @param previous x_{t−1}, or null when the key has no earlier event. Not modified.
     * @param scale s_t per feature, the key's {@link KeyScale#scales()} after x_t (per-key scaling; may be
     *     null for global). Not modified.
     * @param timestamp event time, epoch ms
     * @param previousTimestamp the previous event's, or {@link Long#MIN_VALUE}
     * @param in at least {@link #inputs()} long. Modified.
     */
    public void inputs(double[] raw, double[] previous, double[] scale, long timestamp, long previousTimestamp,
            double[] in) {
        if (perKey) {
            for (int j = 0; j < d; j++) {
                in[j] = previous == null ? 0.0 : clip((raw[j] - previous[j]) / scale[j]);
            }
        } else {
            for (int j = 0; j < d; j++) {
                in[j] = (raw[j] - normalization.mean(j)) / normalization.std(j);
            }
        }
        time.write(timestamp, previousTimestamp, in, d);
    }

    /**
     * Forecasts in original units from a readout: per-key {@code x̂ = x_t + s_t · y}, global
     * {@code x̂ = y · std + mean}, for every output row (horizon) of the readout.
     *
     * @param y the readout, {@code rows · D} values. Not modified.
     * @param raw x_t, the anchor of per-key forecasts. Not modified.
     * @param scale s_t (per-key). Not modified.
     * @param out at least {@code rows · D} long; row r holds the forecast r + 1 events ahead. Modified.
     */
    public void forecasts(double[] y, int rows, double[] raw, double[] scale, double[] out) {
        for (int r = 0; r < rows; r++) {
            int at = r * d;
            for (int j = 0; j < d; j++) {
                out[at + j] = perKey ? raw[j] + scale[j] * y[at + j] : normalization.denormalize(j, y[at + j]);
            }
        }
    }

    /**
     * The readout value that would forecast {@code future} exactly: the inverse of
     * {@link #forecasts}, clipped for per-key scaling to ±{@link InputSpec#CLIP} · h (a jump of many
     * typical changes must not dominate a training batch; over h events the typical change grows).
     *
     * @param j feature, model order
     * @param steps h, the events between the anchor and {@code future}
     * @param anchor x_t (per-key)
     * @param scale s_t of feature j (per-key)
     */
    public double target(int j, int steps, double future, double anchor, double scale) {
        if (!perKey) {
            return (future - normalization.mean(j)) / normalization.std(j);
        }
        double bound = InputSpec.CLIP * steps;
        double v = (future - anchor) / scale;
        return v >= bound ? bound : v <= -bound ? -bound : v == v ? v : 0.0;
    }

    /** Clamps to ±{@link InputSpec#CLIP}; NaN (∞ − ∞) becomes 0. */
    static double clip(double v) {
        if (v >= InputSpec.CLIP) {
            return InputSpec.CLIP;
        }
        if (v <= -InputSpec.CLIP) {
            return -InputSpec.CLIP;
        }
        return v == v ? v : 0.0;
    }
}
