package io.grustreams.app.train;

import io.grustreams.train.RetrainListener;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress of a training run on the console: a line when training starts, a line within an epoch at
 * most every {@code interval} (epoch, share of the epoch, recent loss, elapsed, ETA), and a line per
 * epoch with its training loss and validation MSE. The ETA assumes every remaining epoch runs (early
 * stopping can only make the run shorter), so it is printed as an upper bound. Keeps the per-epoch
 * durations for the report.
 */
final class ConsoleProgress implements RetrainListener {

    private final PrintWriter out;
    private final LongSupplier nanoTime;
    private final long intervalNanos;
    private int maxEpochs;
    private long updatesPerEpoch;
    private long trainingSteps;
    private long start;
    private long epochStart;
    private long lastLine;
    private long updates;
    private final List<Double> epochSeconds = new ArrayList<>();

    /**
     * @param nanoTime the clock ({@code System::nanoTime}; tests pass their own)
     * @param intervalNanos least time between two in-epoch lines
     */
    ConsoleProgress(PrintWriter out, LongSupplier nanoTime, long intervalNanos) {
        this.out = out;
        this.nanoTime = nanoTime;
        this.intervalNanos = intervalNanos;
    }

    @Override
    public void onStart(int maxEpochs, long updatesPerEpoch, long trainingSteps, long validationSteps) {
        this.maxEpochs = maxEpochs;
        this.updatesPerEpoch = updatesPerEpoch;
        this.trainingSteps = trainingSteps;
        out.printf(Locale.ROOT, "training: at most %d epochs of %,d steps (%,d updates each); validation on %,d events%n",
                maxEpochs, trainingSteps, updatesPerEpoch, validationSteps);
        out.flush();
        start = nanoTime.getAsLong();
        epochStart = start;
        lastLine = start;
    }

    @Override
    public void onUpdate(long update, double loss, double gradNorm, double clipCoefficient) {
        updates = update;
        long now = nanoTime.getAsLong();
        if (now - lastLine < intervalNanos) {
            return;
        }
        lastLine = now;
        int epoch = (int) ((update - 1) / Math.max(1, updatesPerEpoch)) + 1;
        long inEpoch = update - (epoch - 1L) * updatesPerEpoch;
        out.printf(Locale.ROOT, "  epoch %d/%d  %3.0f%%  loss %.5g  elapsed %s  ETA %s%n", epoch, maxEpochs,
                100.0 * inEpoch / Math.max(1, updatesPerEpoch), loss, clock(now - start), eta(now));
        out.flush();
    }

    @Override
    public void onEpoch(int epoch, double trainLoss, double validationMse, boolean best) {
        long now = nanoTime.getAsLong();
        if (epoch == 0) {
            out.printf(Locale.ROOT, "epoch 0/%d  validation %.5g (starting point)%n", maxEpochs, validationMse);
        } else {
            double seconds = (now - epochStart) / 1e9;
            epochSeconds.add(seconds);
            out.printf(Locale.ROOT, "epoch %d/%d  train %.5g  validation %.5g%s  %.1f s (%,.0f steps/s)  ETA %s%n",
                    epoch, maxEpochs, trainLoss, validationMse, best ? " (best)" : "", seconds,
                    trainingSteps / Math.max(seconds, 1e-9), eta(now));
        }
        out.flush();
        epochStart = now;
        lastLine = now;
    }

    /** Seconds of each epoch run (training and its validation), epoch 1 first. */
    List<Double> epochSeconds() {
        return List.copyOf(epochSeconds);
    }

    /** "≤ m:ss" for the remaining updates of every remaining epoch at the rate so far, "?" before any. */
    private String eta(long now) {
        long total = (long) maxEpochs * updatesPerEpoch;
        if (updates == 0 || now <= start) {
            return "?";
        }
        double perUpdate = (double) (now - start) / updates;
        return "≤ " + clock((long) (perUpdate * Math.max(0, total - updates)));
    }

    static String clock(long nanos) {
        long s = Math.round(nanos / 1e9);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
