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

    /**
     * The model pinned by the golden files: D = 2, H = 3, parameters from exact binary arithmetic
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
