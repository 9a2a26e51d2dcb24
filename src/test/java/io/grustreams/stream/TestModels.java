package io.grustreams.stream;

import io.grustreams.model.GruLayout;
import io.grustreams.model.GruModel;
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
