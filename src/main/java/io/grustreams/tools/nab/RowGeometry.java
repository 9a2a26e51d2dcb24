package io.grustreams.tools.nab;

import java.util.List;

/**
 * Where each corpus row sits relative to the windows, and its unweighted NAB value: what a
 * detection on that row would be worth before the profile's weights. Independent of scores and
 * profiles, so computed once per corpus. This is the per-row part of nab/sweeper.py
 * {@code calcSweepScore}.
 */
final class RowGeometry {

    /** {@link #window} value of a row outside every window. */
    static final int OUTSIDE = -1;

    /** {@link #window} value of a row in the probationary period (never scored). */
    static final int PROBATION = -2;

    /** Per corpus row: corpus-wide window index, {@link #OUTSIDE} or {@link #PROBATION}. */
    final int[] window;

    /**
     * Per corpus row: {@code S(p)} where, inside a window of width {@code w} ending at row
     * {@code R}, {@code p = −(R − i + 1)/w} (step 4 of the NAB scoring), and outside, after a
     * window of width {@code w} ending at {@code R}, {@code p = |R − i|/(w − 1)} (step 5), or
     * {@code −1} before a file's first window.
     */
    final double[] unweighted;

    /** Per corpus-wide window: whether it has a row after the probationary period. */
    final boolean[] windowScorable;

    /** Per corpus-wide window: its file's index. */
    final int[] windowFile;

    /** Per file: its first corpus-wide window index; entry {@code files} is the window count. */
    final int[] firstWindow;

    final int scorableWindows;

    /** Rows after the probationary period inside, respectively outside, a window. */
    final int scorableInside;
    final int scorableOutside;

    RowGeometry(NabCorpus corpus) {
        int rows = corpus.rowCount();
        List<NabDataFile> files = corpus.files();
        window = new int[rows];
        unweighted = new double[rows];
        windowScorable = new boolean[corpus.windowCount()];
        windowFile = new int[corpus.windowCount()];
        firstWindow = new int[files.size() + 1];
        int windowBase = 0;
        int scorable = 0;
        for (int f = 0; f < files.size(); f++) {
            NabDataFile file = files.get(f);
            firstWindow[f] = windowBase;
            layOut(file, corpus.offset(f), windowBase);
            for (int k = 0; k < file.windows().size(); k++) {
                windowFile[windowBase + k] = f;
                windowScorable[windowBase + k] = file.windows().get(k).lastRow() >= file.probationaryLength();
                scorable += windowScorable[windowBase + k] ? 1 : 0;
            }
            windowBase += file.windows().size();
        }
        firstWindow[files.size()] = windowBase;
        scorableWindows = scorable;
        int in = 0;
        int out = 0;
        for (int w : window) {
            in += w >= 0 ? 1 : 0;
            out += w == OUTSIDE ? 1 : 0;
        }
        scorableInside = in;
        scorableOutside = out;
    }

    private void layOut(NabDataFile file, int offset, int windowBase) {
        List<NabWindow> windows = file.windows();
        int probation = file.probationaryLength();
        int next = 0;
        int prevRight = -1;
        int prevWidth = 0;
        for (int i = 0; i < file.rowCount(); i++) {
            NabWindow w = next < windows.size() ? windows.get(next) : null;
            boolean inside = w != null && i >= w.firstRow();
            double u;
            if (inside) {
                // Step 4: p = −(R − i + 1)/w, so −1 at the left edge and −1/w at the right edge.
                u = ScaledSigmoid.value(-(w.lastRow() - i + 1) / (double) w.width());
            } else if (prevRight < 0) {
                // Step 5, before the first window: as far from any window as can be, S = −1.
                u = -1.0;
            } else {
                // Step 5: p = |R − i|/(w − 1). A one-row window makes this +∞ (S = −1) where the
                // official Python divides by zero.
                u = ScaledSigmoid.value(Math.abs(prevRight - i) / (double) (prevWidth - 1));
            }
            window[offset + i] = i < probation ? PROBATION : inside ? windowBase + next : OUTSIDE;
            unweighted[offset + i] = u;
            if (inside && i == w.lastRow()) {
                prevRight = i;
                prevWidth = w.width();
                next++;
            }
        }
    }
}
