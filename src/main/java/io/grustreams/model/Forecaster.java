package io.grustreams.model;

import java.util.Arrays;

/**
 * A model run on one key's events, in original units: inputs ({@link InputEncoder}), one step of
 * the recurrent layers ({@link Stepper}), the readout, forecasts. Arrays are in the model's feature
 * order. The caller owns the key's recurrent state ({@link GruLayout#stateSize()} doubles) and
 * {@link KeyScale}; this object owns only scratch, so one serves every key of a processor.
 * Allocates nothing per call. Not thread-safe.
 */
public final class Forecaster {

    private final GruModel model;
    private final Stepper stepper;
    private final InputEncoder encoder;
    private final int d;
    private final int rows;
    private final double alpha;
    private final double[] in;
    private final double[] y;
    /** Scratch of {@link #ahead}: a copy of h, of the scale, and the fed-back event. */
    private final double[] aheadH;
    private final KeyScale aheadScale;
    private final double[] aheadRaw;
    private final double[] aheadPrev;
    private final double[] aheadY;

    public Forecaster(GruModel model) {
        this.model = model;
        this.stepper = Stepper.of(model.parameters());
        this.d = model.featureNames().size();
        this.encoder = new InputEncoder(model.inputs(), model.normalization(), d);
        this.rows = model.inputs().readout() == InputSpec.Readout.DIRECT ? model.inputs().horizon() : 1;
        this.alpha = model.inputs().scaling() == InputSpec.Scaling.PER_KEY
                ? KeyScale.alpha(model.inputs().scaleHalfLife()) : 0.0;
        this.in = new double[encoder.inputs()];
        this.y = new double[model.layout().outputSize()];
        this.aheadH = new double[model.layout().stateSize()];
        this.aheadScale = new KeyScale(d);
        this.aheadRaw = new double[d];
        this.aheadPrev = new double[d];
        this.aheadY = new double[d];
    }

    public GruModel model() {
        return model;
    }

    public InputEncoder encoder() {
        return encoder;
    }

    /** Forecast rows one {@link #observe} writes: the horizon of a direct readout, else 1. */
    public int rows() {
        return rows;
    }

    /**
     * One event: state ← step(state, inputs(x_t)), then the forecasts of the next {@link #rows()} events.
     *
     * @param h the key's recurrent state, length {@link GruLayout#stateSize()}. Modified.
     * @param raw x_t. Not modified.
     * @param previous x_{t−1} or null for a key's first event. Not modified.
     * @param scale s_t per feature (per-key scaling), after x_t was folded in. Not modified.
     * @param timestamp t, epoch ms
     * @param previousTimestamp the previous event's time, or {@link Long#MIN_VALUE}
     * @param forecasts at least {@code rows() · D}; row r the forecast r + 1 events ahead. Modified.
     */
    public void observe(double[] h, double[] raw, double[] previous, double[] scale, long timestamp,
            long previousTimestamp, double[] forecasts) {
        encoder.inputs(raw, previous, scale, timestamp, previousTimestamp, in);
        stepper.step(h, in);
        stepper.readout(h, y);
        encoder.forecasts(y, rows, raw, scale, forecasts);
    }

    /**
     * Forecasts {@code steps} events ahead of the key's last event. A direct readout's rows are
     * {@code first} itself; an iterated one rolls forward from copies of the key's state, feeding
     * each forecast back as the next event, {@code gap} ms after the one before.
     *
     * @param h the key's recurrent state after its last event. Not modified.
     * @param scale the key's scale after its last event. Not modified.
     * @param timestamp the last event's time
     * @param gap ms between consecutive forecast events (the key's last gap; 0 when unknown)
     * @param first the rows {@link #observe} wrote for the last event. Not modified.
     * @param steps N ≥ 1; for a direct readout at most {@link #rows()}
     * @param out at least {@code steps · D}. Modified.
     */
    public void ahead(double[] h, KeyScale scale, long timestamp, long gap, double[] first, int steps,
            double[] out) {
        if (rows >= steps) {
            System.arraycopy(first, 0, out, 0, steps * d);
            return;
        }
        if (rows != 1) {
            throw new IllegalArgumentException("the model forecasts " + rows + " events ahead, not " + steps);
        }
        System.arraycopy(first, 0, out, 0, d);
        System.arraycopy(h, 0, aheadH, 0, aheadH.length);
        aheadScale.copyFrom(scale);
        long t = timestamp;
        for (int k = 1; k < steps; k++) {
            // The forecast of event k stands in for it: observed one gap after event k − 1.
            for (int j = 0; j < d; j++) {
                aheadPrev[j] = aheadScale.last(j);
            }
            System.arraycopy(out, (k - 1) * d, aheadRaw, 0, d);
            aheadScale.observe(aheadRaw, alpha);
            long next = t + gap;
            observe(aheadH, aheadRaw, aheadPrev, aheadScale.scales(), next, t, aheadY);
            System.arraycopy(aheadY, 0, out, k * d, d);
            t = next;
        }
    }

    /** For tests: the network inputs of the last {@link #observe}. */
    double[] lastInputs() {
        return Arrays.copyOf(in, in.length);
    }
}
