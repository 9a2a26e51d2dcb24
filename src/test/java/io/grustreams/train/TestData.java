package io.grustreams.train;

import io.grustreams.model.GruLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Seeded random parameters and sequences for tests. */
final class TestData {

    private TestData() {
    }

    /** Every parameter uniform in (-scale, scale). */
    static double[] params(GruLayout layout, SplittableRandom rng, double scale) {
        double[] p = new double[layout.size()];
        for (int i = 0; i < p.length; i++) {
            p[i] = (2 * rng.nextDouble() - 1) * scale;
        }
        return p;
    }

    static double[][] matrix(SplittableRandom rng, int rows, int cols) {
        double[][] m = new double[rows][cols];
        for (double[] row : m) {
            for (int j = 0; j < cols; j++) {
                row[j] = 2 * rng.nextDouble() - 1;
            }
        }
        return m;
    }

    static double[] vector(SplittableRandom rng, int n, double scale) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = (2 * rng.nextDouble() - 1) * scale;
        }
        return v;
    }

    /** A random sequence; with a random initial state when {@code withState}. */
    static TrainingSequence sequence(SplittableRandom rng, GruLayout layout, int length, boolean withState) {
        return new TrainingSequence(matrix(rng, length, layout.inputSize()), matrix(rng, length, layout.outputSize()),
                withState ? vector(rng, layout.hiddenSize(), 0.5) : null);
    }

    static List<TrainingSequence> sequences(SplittableRandom rng, GruLayout layout, int count, int length) {
        List<TrainingSequence> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            list.add(sequence(rng, layout, length, i % 2 == 0));
        }
        return list;
    }

    /** Noisy sines, next-step targets: a series a GRU can learn. */
    static List<TrainingSequence> sines(SplittableRandom rng, int count, int length, int features) {
        List<TrainingSequence> list = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            double[][] series = new double[length + 1][features];
            for (int f = 0; f < features; f++) {
                double period = 8 + 8 * rng.nextDouble();
                double phase = 2 * Math.PI * rng.nextDouble();
                for (int t = 0; t <= length; t++) {
                    series[t][f] = Math.sin(2 * Math.PI * t / period + phase) + 0.05 * (2 * rng.nextDouble() - 1);
                }
            }
            list.add(TrainingSequence.nextStep(series));
        }
        return list;
    }

    /** The largest |a − b| / max(1, |b|). */
    static double maxError(double[] a, double[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
        }
        return max;
    }
}
