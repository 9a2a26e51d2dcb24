package io.grustreams.anomaly;

import java.util.ArrayList;
import java.util.List;

/** Test support: every number of an {@link AnomalyState}, and a copy made through its public restore methods. */
final class AnomalyStates {

    private AnomalyStates() {
    }

    /** Everything the state holds, in a fixed order; doubles compare bit for bit through {@link Double#equals}. */
    static List<Object> fields(AnomalyState s) {
        List<Object> f = new ArrayList<>();
        int d = s.features();
        f.add(s.residualCount());
        for (int i = 0; i < d; i++) {
            f.add(s.residualMean(i));
            f.add(s.residualVariance(i));
            f.add(s.low(i));
            f.add(s.high(i));
        }
        f.add(s.shortWindow());
        for (int i = 0; i < s.shortCount(); i++) {
            f.add(s.shortScore(i));
        }
        f.add("lag");
        for (int i = 0; i < s.lagCount(); i++) {
            f.add(s.lagMean(i));
        }
        f.add(s.referenceCount());
        f.add(s.referenceMean());
        f.add(s.referenceVariance());
        f.add(s.alertOpen());
        f.add(s.openStreak());
        f.add(s.resolveStreak());
        f.add(s.cooldownRemaining());
        f.add(s.valueCount());
        f.add(s.noveltyFill());
        f.add(s.noveltyMax());
        for (int k = 0; k < AnomalyDetector.NOVELTY_BLOCKS; k++) {
            f.add(s.noveltyMaximum(k));
        }
        return f;
    }

    /** A new state set field by field from {@code s}'s accessors, as a stored state is read back. */
    static AnomalyState copy(AnomalyState s) {
        int d = s.features();
        AnomalyState c = new AnomalyState(d, s.shortWindow());
        double[] a = new double[d];
        double[] b = new double[d];
        for (int i = 0; i < d; i++) {
            a[i] = s.residualMean(i);
            b[i] = s.residualVariance(i);
        }
        c.restoreResiduals(s.residualCount(), a, b);
        for (int i = 0; i < d; i++) {
            a[i] = s.low(i);
            b[i] = s.high(i);
        }
        c.restoreRange(s.valueCount(), a, b);
        double[] scores = new double[s.shortCount()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = s.shortScore(i);
        }
        double[] means = new double[s.lagCount()];
        for (int i = 0; i < means.length; i++) {
            means[i] = s.lagMean(i);
        }
        c.restoreWindows(scores, scores.length, means, means.length);
        c.restoreReference(s.referenceCount(), s.referenceMean(), s.referenceVariance());
        c.restoreAlert(s.alertOpen(), s.openStreak(), s.resolveStreak(), s.cooldownRemaining());
        double[] maxima = new double[AnomalyDetector.NOVELTY_BLOCKS];
        for (int k = 0; k < maxima.length; k++) {
            maxima[k] = s.noveltyMaximum(k);
        }
        c.restoreNovelty(s.noveltyFill(), s.noveltyMax(), maxima);
        return c;
    }
}
