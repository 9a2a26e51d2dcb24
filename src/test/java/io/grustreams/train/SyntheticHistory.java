package io.grustreams.train;

import java.util.SplittableRandom;

/** Seeded multi-key histories for retraining tests: sums of sines plus noise. */
final class SyntheticHistory {

    private SyntheticHistory() {
    }

    /**
     * {@code keys} keys of {@code length} events, D features each: per key and feature the sum of two
     * sines (periods 12–30 and 40–80 events, random phases and amplitudes), an offset, plus uniform noise
     * of half-width {@code noise}. Timestamps one second apart.
     */
    static History sines(long seed, int keys, int length, int features, double noise) {
        SplittableRandom rng = new SplittableRandom(seed);
        History.Builder b = History.builder(features);
        double[] v = new double[features];
        for (int k = 0; k < keys; k++) {
            double[] p1 = new double[features];
            double[] p2 = new double[features];
            double[] a1 = new double[features];
            double[] a2 = new double[features];
            double[] ph1 = new double[features];
            double[] ph2 = new double[features];
            double[] offset = new double[features];
            for (int j = 0; j < features; j++) {
                p1[j] = 12 + 18 * rng.nextDouble();
                p2[j] = 40 + 40 * rng.nextDouble();
                a1[j] = 1 + rng.nextDouble();
                a2[j] = 0.5 * rng.nextDouble();
                ph1[j] = 2 * Math.PI * rng.nextDouble();
                ph2[j] = 2 * Math.PI * rng.nextDouble();
                offset[j] = 10 + 5 * rng.nextDouble();
            }
            for (int t = 0; t < length; t++) {
                for (int j = 0; j < features; j++) {
                    v[j] = offset[j] + a1[j] * Math.sin(2 * Math.PI * t / p1[j] + ph1[j])
                            + a2[j] * Math.sin(2 * Math.PI * t / p2[j] + ph2[j]) + noise * (2 * rng.nextDouble() - 1);
                }
                b.add(String.format("key-%03d", k), 1_700_000_000_000L + 1000L * t, v);
            }
        }
        return b.build();
    }

    /** The first {@code n} events of every key of {@code h}. */
    static History prefix(History h, int n) {
        History.Builder b = History.builder(h.features());
        double[] v = new double[h.features()];
        for (History.KeySeries s : h.series()) {
            for (int t = 0; t < Math.min(n, s.length()); t++) {
                s.copyValues(t, v);
                b.add(s.key(), s.timestamp(t), v);
            }
        }
        return b.build();
    }
}
