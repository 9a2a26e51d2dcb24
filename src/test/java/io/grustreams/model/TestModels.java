package io.grustreams.model;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Deterministic parameters and models for tests. */
public final class TestModels {

    private TestModels() {
    }

    /** Every parameter uniform in [-scale, scale), from {@code seed}. */
    public static Parameters randomParameters(GruLayout layout, long seed, double scale) {
        Random rnd = new Random(seed);
        double[] v = new double[layout.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (2 * rnd.nextDouble() - 1) * scale;
        }
        return new Parameters(layout, v);
    }

    /** Per-key scaling with a half-life of 20 events, time of day and day of week in UTC, a direct readout of {@code horizon}. */
    public static InputSpec perKeyInputs(int horizon) {
        return new InputSpec(InputSpec.Scaling.PER_KEY, 20, List.of(TimeInput.TIME_OF_DAY, TimeInput.DAY_OF_WEEK),
                java.time.ZoneId.of("UTC"), horizon, InputSpec.Readout.DIRECT);
    }

    /** A cho model of {@code inputs} over {@code features}, H hidden units, random parameters in ±scale. */
    public static GruModel model(List<String> features, InputSpec inputs, int hidden, long seed, double scale) {
        int d = features.size();
        GruLayout layout = GruLayout.of(Variant.CHO, inputs.networkInputs(d), hidden, inputs.networkOutputs(d));
        Normalization norm = inputs.scaling() == InputSpec.Scaling.GLOBAL
                ? new Normalization(filled(d, 0.5), filled(d, 2.0)) : Normalization.identity(d);
        return new GruModel("m", 1, Instant.EPOCH, Instant.EPOCH, features, norm, inputs,
                randomParameters(layout, seed, scale), Map.of());
    }

    /** The same model with a readout of zeros: per-key, it forecasts every horizon as the last value. */
    public static GruModel withZeroReadout(GruModel m) {
        Parameters p = m.parameters().copy();
        GruLayout layout = p.layout();
        for (String t : List.of("W_y", "b_y")) {
            Tensor tensor = layout.tensor(t);
            for (int i = 0; i < tensor.rows(); i++) {
                for (int j = 0; j < tensor.cols(); j++) {
                    p.values()[tensor.index(i, j)] = 0.0;
                }
            }
        }
        return new GruModel(m.name(), m.version(), m.createdAt(), m.effectiveFrom(), m.featureNames(),
                m.normalization(), m.inputs(), p, m.provenance());
    }

    private static double[] filled(int n, double v) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    /**
     * The model pinned by the format-3 golden files and the one-layer GRU ones of format 4: D = 2,
     * per-key scaling with a half-life of 288 events, time of day and the gap in Europe/Berlin, a
     * direct readout of 2 horizons (5 inputs, H = 3, 4 outputs), parameters from exact binary
     * arithmetic plus values that exercise the number syntax.
     */
    public static GruModel goldenModelV3(Variant variant) {
        return goldenModelV4(Cell.GRU, variant, 1);
    }

    /** The model of {@link #goldenModelV3} with another cell and layer count (format 4), named by its cell. */
    public static GruModel goldenModelV4(Cell cell, Variant variant, int layers) {
        InputSpec inputs = new InputSpec(InputSpec.Scaling.PER_KEY, 288, List.of(TimeInput.TIME_OF_DAY, TimeInput.GAP),
                java.time.ZoneId.of("Europe/Berlin"), 2, InputSpec.Readout.DIRECT);
        GruLayout layout = GruLayout.of(cell, variant, layers, inputs.networkInputs(2), 3, inputs.networkOutputs(2));
        double[] v = new double[layout.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = ((i * 37) % 101 - 50) / 64.0 + i * 1e-3;
        }
        v[1] = 1e-300;
        v[2] = -2.5e-7;
        v[3] = 12345.678;
        v[4] = -0.0;
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("trainer", "golden-test");
        provenance.put("seed", 42);
        String name = "golden-" + (cell == Cell.GRU ? variant.id() : cell.id());
        return new GruModel(name, 7, Instant.parse("2025-01-02T03:04:05Z"),
                Instant.parse("2025-01-02T04:00:00Z"), List.of("cpu", "latency_ms"), Normalization.identity(2), inputs,
                new Parameters(layout, v), provenance);
    }

    /**
     * The model pinned by the format-1 and -2 golden files: D = 2, H = 3, parameters from exact binary arithmetic
     * (no transcendental functions, so no platform can round them differently), plus a few values
     * that exercise the number syntax.
     */
    public static GruModel goldenModel(Variant variant) {
        GruLayout layout = GruLayout.of(variant, 2, 3, 2);
        double[] v = new double[layout.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = ((i * 37) % 101 - 50) / 64.0 + i * 1e-3;
        }
        // Values whose text needs an exponent or many digits, and a negative zero.
        v[1] = 1e-300;
        v[2] = -2.5e-7;
        v[3] = 12345.678;
        v[4] = -0.0;
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("trainer", "golden-test");
        provenance.put("seed", 42);
        provenance.put("learningRate", 0.001);
        provenance.put("data", Map.of("topic", "events"));
        provenance.put("keys", List.of("a", "b"));
        return new GruModel("golden-" + variant.id(), 7, Instant.parse("2025-01-02T03:04:05Z"),
                Instant.parse("2025-01-02T04:00:00Z"), List.of("cpu", "latency_ms"),
                new Normalization(new double[] {0.5, 120.0}, new double[] {0.25, 30.0}),
                new Parameters(layout, v), provenance);
    }
}
