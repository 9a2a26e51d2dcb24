package io.grustreams.stream;

import io.grustreams.model.GruLayout;
import io.grustreams.model.GruModel;
import io.grustreams.model.InputSpec;
import io.grustreams.model.Normalization;
import io.grustreams.model.Parameters;
import io.grustreams.model.Variant;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Seeded random models for tests: small weights, a non-trivial normalization. */
final class TestModels {

    private TestModels() {
    }

    /**
     * A one-feature cho GRU that forecasts persistence, {@code y_t ≈ x_t}: z = σ(20) ≈ 1 so
     * h_t = tanh(a·x_t) (the candidate, ignoring h), and the readout divides by a. With a = 0.1 the
     * tanh is nearly linear over normalized inputs of a few units. Mean 10, std 2.
     */
    static GruModel persistence(String name, long version) {
        return persistence(name, version, 0.0);
    }

    /** {@link #persistence} whose forecasts are all {@code offset} higher (raw units): a biased model. */
    static GruModel persistence(String name, long version, double offset) {
        GruLayout layout = GruLayout.of(Variant.CHO, 1, 1, 1);
        Parameters p = Parameters.zeros(layout);
        double a = 0.1;
        p.set("b_z_l0", 0, 0, 20.0);
        p.set("W_h_l0", 0, 1, a);
        p.set("W_y", 0, 0, 1.0 / a);
        // The readout works in normalized units: std 2.
        p.set("b_y", 0, 0, offset / 2.0);
        return new GruModel(name, version, Instant.parse("2024-05-01T00:00:00Z"), List.of("value"),
                new Normalization(new double[] {10.0}, new double[] {2.0}), p, Map.of("kind", "persistence"));
    }

    /** A seeded cho model of {@code inputs} (per-key scaling, time inputs, a direct readout): small random weights. */
    static GruModel perKey(String name, long version, List<String> features, int hidden, long seed, InputSpec inputs) {
        Random rnd = new Random(seed);
        int d = features.size();
        GruLayout layout = GruLayout.of(Variant.CHO, inputs.networkInputs(d), hidden, inputs.networkOutputs(d));
        double[] w = new double[layout.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = 0.3 * rnd.nextGaussian();
        }
        return new GruModel(name, version, Instant.parse("2024-05-01T00:00:00Z"), Instant.EPOCH, features,
                Normalization.identity(d), inputs, new Parameters(layout, w), Map.of("seed", seed));
    }

    static GruModel random(String name, long version, List<String> features, int hidden, long seed) {
        return random(name, version, features, hidden, seed, Variant.CHO);
    }

    static GruModel random(String name, long version, List<String> features, int hidden, long seed,
            Variant variant) {
        Random rnd = new Random(seed);
        int d = features.size();
        GruLayout layout = GruLayout.of(variant, d, hidden, d);
        double[] w = new double[layout.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = 0.4 * rnd.nextGaussian();
        }
        double[] mean = new double[d];
        double[] std = new double[d];
        for (int i = 0; i < d; i++) {
            mean[i] = 10.0 * (i + 1);
            std[i] = 2.0 + i;
        }
        return new GruModel(name, version, Instant.parse("2024-05-01T00:00:00Z"), features,
                new Normalization(mean, std), new Parameters(layout, w), Map.of("seed", seed));
    }
}
