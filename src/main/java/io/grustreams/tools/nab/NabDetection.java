package io.grustreams.tools.nab;

import io.grustreams.anomaly.FeatureRange;
import io.grustreams.app.backtest.Backtest;
import io.grustreams.app.backtest.BacktestConfig;
import io.grustreams.engine.KeyProcessor;
import io.grustreams.tools.nab.NabCorpus;
import io.grustreams.tools.nab.NabDataFile;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Runs every file of a NAB corpus through the {@link Backtest} path with one configuration: each
 * file is one key with one feature, its first model trained on its probationary part only (NAB's
 * first 15%, at most 750 rows, whose scores the benchmark ignores), retrained on schedule over past
 * rows. Under {@link Protocol#STRICT} nothing of a file is read before its row is replayed, not even
 * its range; under {@link Protocol#STANDARD} the file's minimum and maximum are declared as the
 * feature's range before its first row, as NAB's own runner hands every detector
 * {@code inputMin}/{@code inputMax}, and nothing else of the future is. The first model of a file serves even if it does not beat the naive forecasts (a detector needs
 * a forecast to judge).
 *
 * <p>A row's NAB score is {@link #score}: the anomaly score of the stream's verdict
 * ({@link io.grustreams.anomaly.AnomalyVerdict#anomalyScore()}).
 */
public final class NabDetection {

    /** What a detector may know of a file before its rows arrive. */
    public enum Protocol {
        /** NAB's own: the file's minimum and maximum ({@code inputMin}/{@code inputMax}), nothing else. */
        STANDARD("standard"),
        /** Nothing at all: every row is scored knowing only the rows before it. */
        STRICT("strict");

        private final String id;

        Protocol(String id) {
            this.id = id;
        }

        /** The command-line spelling. */
        public String id() {
            return id;
        }

        /** @throws IllegalArgumentException naming the known ids */
        public static Protocol fromId(String id) {
            for (Protocol p : values()) {
                if (p.id.equals(id)) {
                    return p;
                }
            }
            throw new IllegalArgumentException("unknown protocol '" + id + "' (known: standard, strict)");
        }
    }

    private final BacktestConfig config;
    private final int threads;
    private final Protocol protocol;

    /**
     * @param config the backtest configuration; its {@code initialEvents} is replaced per file by the
     *     file's probationary length
     * @param threads files replayed at once
     * @param protocol what is declared of each file before its rows: its range, or nothing
     */
    public NabDetection(BacktestConfig config, int threads, Protocol protocol) {
        if (config.features().size() != 1) {
            throw new IllegalArgumentException("NAB files have one value: configure one feature, not "
                    + config.features());
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be positive: " + threads);
        }
        // A detector judges residuals, so every file needs a forecaster from its first model on: the
        // first model is not held back for failing to beat the naive forecasts (later ones must still
        // beat the model serving).
        this.config = config.withRetrain(config.retrain().withBeatNaive(false));
        this.threads = threads;
        this.protocol = Objects.requireNonNull(protocol, "protocol");
    }

    /**
     * Scores every file of {@code corpus}.
     *
     * @param progress called with one line after each file (from worker threads, one at a time)
     * @return per relative path, one score in [0, 1] per row, in corpus order
     */
    public Map<String, double[]> run(NabCorpus corpus, Consumer<String> progress) throws InterruptedException {
        List<NabDataFile> files = corpus.files();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "nab-detection");
            t.setDaemon(true);
            return t;
        });
        AtomicInteger done = new AtomicInteger();
        long start = System.nanoTime();
        try {
            List<Future<double[]>> futures = new ArrayList<>();
            for (NabDataFile file : files) {
                futures.add(pool.submit(() -> {
                    long t0 = System.nanoTime();
                    double[] scores = score(file);
                    synchronized (progress) {
                        progress.accept(String.format(Locale.ROOT,
                                "[%2d/%d] %-55s %6d rows %6.1f s (elapsed %.0f s)", done.incrementAndGet(),
                                files.size(), file.relativePath(), file.rowCount(), (System.nanoTime() - t0) / 1e9,
                                (System.nanoTime() - start) / 1e9));
                    }
                    return scores;
                }));
            }
            Map<String, double[]> out = new LinkedHashMap<>();
            for (int i = 0; i < files.size(); i++) {
                out.put(files.get(i).relativePath(), futures.get(i).get());
            }
            return Collections.unmodifiableMap(out);
        } catch (ExecutionException e) {
            throw new IllegalStateException("detection failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Replays one file; one score per row. */
    public double[] score(NabDataFile file) {
        int n = file.rowCount();
        long[] ts = new long[n];
        List<double[]> values = new ArrayList<>(n);
        List<String> keys = Collections.nCopies(n, file.relativePath());
        for (int i = 0; i < n; i++) {
            ts[i] = file.timestamp(i).toInstant(ZoneOffset.UTC).toEpochMilli();
            values.add(new double[] {file.value(i)});
        }
        double[] scores = new double[n];
        Backtest backtest = new Backtest(declared(file).withInitialEvents(Math.max(2, file.probationaryLength())));
        backtest.run(keys, ts, values, (index, key, timestamp, v, forecasts, outcome) ->
                scores[index] = score(outcome));
        return scores;
    }

    /**
     * The configuration a file is replayed with: under {@link Protocol#STANDARD} its one feature's range
     * is declared as the file's minimum and maximum (none for a constant file, which has no width).
     */
    BacktestConfig declared(NabDataFile file) {
        if (protocol == Protocol.STRICT) {
            return config;
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < file.rowCount(); i++) {
            min = Math.min(min, file.value(i));
            max = Math.max(max, file.value(i));
        }
        return min < max ? config.withRanges(Map.of(config.features().get(0), new FeatureRange(min, max))) : config;
    }

    /**
     * The NAB score of one event: the stream detector's anomaly score; 0 before the key's first model
     * and for a row left out for its order (NAB scores every row; the stream would dead-letter it).
     */
    static double score(KeyProcessor.Outcome outcome) {
        return !outcome.accepted() || outcome.modelless() || outcome.nonFinite() ? 0.0
                : outcome.verdict().anomalyScore();
    }
}
