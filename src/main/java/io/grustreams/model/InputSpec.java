package io.grustreams.model;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;

/**
 * How a model turns a key's events into network inputs and its outputs into forecasts: the
 * scaling of the values, the time inputs, and the forecast horizons of the readout. Recorded in
 * the model file; the stream serves a model only if its settings compute the same inputs.
 * Immutable.
 *
 * <h2>Scaling</h2>
 * <ul>
 *   <li>{@link Scaling#GLOBAL}: {@code x' = (x − mean) / std} with the model's {@link Normalization}
 *       (one for all keys); the readout forecasts normalized values. The form of format-1 and -2 model
 *       files and of models imported from PyTorch.</li>
 *   <li>{@link Scaling#PER_KEY}: each key is scaled by its own past ({@link KeyScale}): the input of
 *       feature j is the change since the key's previous event in units of the key's typical change,
 *       {@code u = clip((x_t − x_{t−1}) / s_t, ±CLIP)}, where {@code s_t} is the exponentially
 *       weighted mean of {@code |x_t − x_{t−1}|} with half-life {@link #scaleHalfLife()} events, and
 *       the readout forecasts the change from the current value in the same unit:
 *       {@code x̂_{t+h} = x_t + s_t · y_h}. A key in the thousands and one around 20 look alike to
 *       the network, an output of 0 is the persistence forecast, and a key that goes quiet
 *       ({@code s → 0}) is forecast ever closer to its last value.</li>
 * </ul>
 *
 * <h2>Readout</h2>
 * {@link Readout#DIRECT}: the readout has {@code horizon · D} outputs, row h − 1 the forecast h events
 * ahead. {@link Readout#ITERATED}: D outputs, the next event; further horizons feed each forecast
 * back in as if it had been observed, one gap later.
 *
 * <p>Network inputs, in order: the D scaled values (feature order of the model), then the time
 * inputs in the order given ({@link TimeFeatures}).
 */
public final class InputSpec {

    /** How values are scaled; see the class comment. */
    public enum Scaling {
        GLOBAL("global"),
        PER_KEY("per-key");

        private final String id;

        Scaling(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        /** @throws IllegalArgumentException naming the unknown value */
        public static Scaling fromId(String id) {
            for (Scaling s : values()) {
                if (s.id.equals(id)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown scaling '" + id + "' (known: global, per-key)");
        }
    }

    /** How forecasts beyond the next event are made; see the class comment. */
    public enum Readout {
        DIRECT("direct"),
        ITERATED("iterated");

        private final String id;

        Readout(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        /** @throws IllegalArgumentException naming the unknown value */
        public static Readout fromId(String id) {
            for (Readout r : values()) {
                if (r.id.equals(id)) {
                    return r;
                }
            }
            throw new IllegalArgumentException("unknown readout '" + id + "' (known: direct, iterated)");
        }
    }

    /** Bound of a scaled input or training target: a jump of many typical changes does not saturate the cell. */
    public static final double CLIP = 8.0;
    /** Largest forecast horizon a model may have. */
    public static final int MAX_HORIZON = 1024;

    private final Scaling scaling;
    private final double scaleHalfLife;
    private final List<TimeInput> time;
    private final ZoneId zone;
    private final int horizon;
    private final Readout readout;

    /**
     * @param scaleHalfLife half-life of the per-key scale in events, at least 1 (ignored, and recorded as
     *     0, for {@link Scaling#GLOBAL})
     * @param time distinct time inputs, in input order
     * @param horizon N, in [1, {@value #MAX_HORIZON}]; 1 for an iterated readout
     * @throws IllegalArgumentException naming the inconsistent field
     */
    public InputSpec(Scaling scaling, double scaleHalfLife, List<TimeInput> time, ZoneId zone, int horizon,
            Readout readout) {
        this.scaling = Objects.requireNonNull(scaling, "scaling");
        if (scaling == Scaling.PER_KEY && !(scaleHalfLife >= 1 && scaleHalfLife <= 1e9)) {
            throw new IllegalArgumentException("scaleHalfLife must be in [1, 1e9] events: " + scaleHalfLife);
        }
        this.scaleHalfLife = scaling == Scaling.PER_KEY ? scaleHalfLife : 0.0;
        this.time = List.copyOf(time);
        if (!this.time.isEmpty() && EnumSet.copyOf(this.time).size() != this.time.size()) {
            throw new IllegalArgumentException("time inputs repeat: " + this.time);
        }
        this.zone = Objects.requireNonNull(zone, "zone");
        if (horizon < 1 || horizon > MAX_HORIZON) {
            throw new IllegalArgumentException("horizon must be in [1, " + MAX_HORIZON + "]: " + horizon);
        }
        this.horizon = horizon;
        this.readout = Objects.requireNonNull(readout, "readout");
        if (readout == Readout.ITERATED && horizon != 1) {
            throw new IllegalArgumentException("an iterated readout forecasts one event: horizon must be 1, not "
                    + horizon);
        }
    }

    /**
     * What format-1 and -2 model files meant: global normalization, no time inputs, the next event
     * only, further horizons iterated.
     */
    public static InputSpec legacy() {
        return new InputSpec(Scaling.GLOBAL, 0, List.of(), ZoneId.of("UTC"), 1, Readout.ITERATED);
    }

    public Scaling scaling() {
        return scaling;
    }

    /** Half-life of the per-key scale in events; 0 for global scaling. */
    public double scaleHalfLife() {
        return scaleHalfLife;
    }

    /**
     * The half-life a stream with these inputs keeps every key's {@link KeyScale} with: the scale
     * half-life, or 1 event for global scaling (the scale is then kept but unused).
     */
    public double keyScaleHalfLife() {
        return scaling == Scaling.PER_KEY ? scaleHalfLife : 1.0;
    }

    public List<TimeInput> time() {
        return time;
    }

    public ZoneId zone() {
        return zone;
    }

    /** N: forecasts the readout makes directly (1 for an iterated readout). */
    public int horizon() {
        return horizon;
    }

    public Readout readout() {
        return readout;
    }

    /** Network inputs for {@code features} values per event. */
    public int networkInputs(int features) {
        int w = features;
        for (TimeInput t : time) {
            w += t.width();
        }
        return w;
    }

    /** Readout outputs for {@code features} values per event. */
    public int networkOutputs(int features) {
        return readout == Readout.DIRECT ? horizon * features : features;
    }

    /** Whether the stream serving this model needs no per-key statistics and no time settings (a legacy model). */
    public boolean isLegacy() {
        return equals(legacy());
    }

    /**
     * What in {@code other} computes other inputs than this spec, or an empty list if the two
     * compute the same inputs (horizon and readout are not compared: any of them serves).
     */
    public List<String> inputMismatches(InputSpec other) {
        List<String> out = new ArrayList<>();
        if (scaling != other.scaling) {
            out.add("scaling " + other.scaling.id + " (here " + scaling.id + ")");
        } else if (scaleHalfLife != other.scaleHalfLife) {
            out.add("scale half-life " + other.scaleHalfLife + " events (here " + scaleHalfLife + ")");
        }
        if (!time.equals(other.time)) {
            out.add("time inputs " + ids(other.time) + " (here " + ids(time) + ")");
        }
        if (!time.isEmpty() && !other.time.isEmpty() && !zone.equals(other.zone)) {
            out.add("time zone " + other.zone + " (here " + zone + ")");
        }
        return out;
    }

    private static List<String> ids(List<TimeInput> ts) {
        List<String> out = new ArrayList<>();
        for (TimeInput t : ts) {
            out.add(t.id());
        }
        return out;
    }

    /** The same spec with another horizon and readout. */
    public InputSpec withHorizon(int n, Readout r) {
        return new InputSpec(scaling, scaleHalfLife, time, zone, n, r);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InputSpec s && s.scaling == scaling && s.scaleHalfLife == scaleHalfLife
                && s.time.equals(time) && s.zone.equals(zone) && s.horizon == horizon && s.readout == readout;
    }

    @Override
    public int hashCode() {
        return Objects.hash(scaling, scaleHalfLife, time, zone, horizon, readout);
    }

    @Override
    public String toString() {
        return "inputs[" + scaling.id + (scaling == Scaling.PER_KEY ? " half-life " + scaleHalfLife : "")
                + ", time " + ids(time) + (time.isEmpty() ? "" : " in " + zone) + ", horizon " + horizon + " "
                + readout.id + "]";
    }
}
