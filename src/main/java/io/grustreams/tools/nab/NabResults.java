package io.grustreams.tools.nab;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One detector's anomaly scores for every row of a {@link NabCorpus}. Immutable.
 *
 * <p>On disk (NAB's layout): {@code RESULTS_DIR/<detector>/<category>/<detector>_<file>.csv}
 * with a header containing {@code timestamp} and {@code anomaly_score} (NAB's own files carry
 * more columns, e.g. {@code value}, {@code raw_score}, {@code label}, {@code S(t)_<profile>};
 * they are read past). There must be one row per data row, with the data row's timestamp.
 *
 * <p>Scores must be finite and in [0, 1] (a NAB rule; the official sweeper also assumes it: its
 * first candidate threshold, 1.1, is "no detection" only because no score reaches it).
 */
public final class NabResults {

    /** Name of the score column in results files. */
    public static final String SCORE_COLUMN = "anomaly_score";

    private final String detector;
    private final NabCorpus corpus;
    private final double[] scores;

    private NabResults(String detector, NabCorpus corpus, double[] scores) {
        this.detector = detector;
        this.corpus = corpus;
        this.scores = scores;
    }

    /**
     * Scores held in memory, e.g. straight from a detector run.
     *
     * @param scoresByFile one array per corpus file, keyed by relative path, one score per row; not modified
     * @throws IllegalArgumentException if a file is missing, unknown, the wrong length, or a score is out of [0, 1]
     */
    public static NabResults of(String detector, NabCorpus corpus, Map<String, double[]> scoresByFile) {
        checkDetectorName(detector);
        double[] flat = new double[corpus.rowCount()];
        for (String path : scoresByFile.keySet()) {
            corpus.indexOf(path);
        }
        List<NabDataFile> files = corpus.files();
        for (int f = 0; f < files.size(); f++) {
            NabDataFile file = files.get(f);
            double[] s = scoresByFile.get(file.relativePath());
            if (s == null) {
                throw new IllegalArgumentException("detector " + detector + ": no scores for " + file.relativePath());
            }
            if (s.length != file.rowCount()) {
                throw new IllegalArgumentException("detector " + detector + ": " + file.relativePath() + " has "
                        + file.rowCount() + " rows but " + s.length + " scores");
            }
            int off = corpus.offset(f);
            for (int i = 0; i < s.length; i++) {
                flat[off + i] = checkScore(s[i], file.relativePath() + " row " + (i + 1));
            }
        }
        return new NabResults(detector, corpus, flat);
    }

    /**
     * Reads a detector's results directory; the detector name is the directory's name.
     *
     * @param detectorDir {@code RESULTS_DIR/<detector>}
     * @throws IOException              if a results file is missing or unreadable
     * @throws IllegalArgumentException naming the file and row whose header, length, timestamp or score is wrong
     */
    public static NabResults load(Path detectorDir, NabCorpus corpus) throws IOException {
        Path name = detectorDir.toAbsolutePath().normalize().getFileName();
        if (name == null) {
            throw new IllegalArgumentException(detectorDir + ": cannot take a detector name from this path");
        }
        String detector = name.toString();
        checkDetectorName(detector);
        double[] flat = new double[corpus.rowCount()];
        List<NabDataFile> files = corpus.files();
        for (int f = 0; f < files.size(); f++) {
            NabDataFile file = files.get(f);
            Path path = detectorDir.resolve(file.category()).resolve(fileName(detector, file));
            readScores(path, file, flat, corpus.offset(f));
        }
        return new NabResults(detector, corpus, flat);
    }

    /** {@code resultsRoot/<detector>/<category>/<detector>_<file>.csv}, NAB's results path for a data file. */
    public static Path resultsPath(Path resultsRoot, String detector, NabDataFile file) {
        checkDetectorName(detector);
        return resultsRoot.resolve(detector).resolve(file.category()).resolve(fileName(detector, file));
    }

    private static String fileName(String detector, NabDataFile file) {
        return detector + "_" + file.fileName();
    }

    static void checkDetectorName(String detector) {
        if (detector == null || detector.isBlank() || detector.contains("/") || detector.contains("\\")
                || detector.equals(".") || detector.equals("..")) {
            throw new IllegalArgumentException("detector name '" + detector + "' must be a plain directory name");
        }
    }

    static double checkScore(double s, String where) {
        if (!(s >= 0.0 && s <= 1.0)) {
            throw new IllegalArgumentException(where + ": " + SCORE_COLUMN + " " + s + " is not in [0, 1]");
        }
        // -0.0 and 0.0 are one threshold to the official sweeper (Python compares with ==).
        return s == 0.0 ? 0.0 : s;
    }

    private static void readScores(Path path, NabDataFile file, double[] out, int offset) throws IOException {
        List<String> lines = new ArrayList<>(file.rowCount() + 1);
        try (BufferedReader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.isEmpty()) {
                    lines.add(line);
                }
            }
        } catch (NoSuchFileException e) {
            throw new IOException(path + ": results file for " + file.relativePath() + " does not exist", e);
        }
        if (lines.isEmpty()) {
            throw new IllegalArgumentException(path + ": empty file, expected a header with timestamp and "
                    + SCORE_COLUMN);
        }
        String[] header = NabCsv.split(lines.get(0), path, 1);
        int tsCol = NabCsv.column(header, "timestamp", path);
        int scoreCol = NabCsv.column(header, SCORE_COLUMN, path);
        int rows = lines.size() - 1;
        if (rows != file.rowCount()) {
            throw new IllegalArgumentException(path + ": " + rows + " rows, but data file " + file.relativePath()
                    + " has " + file.rowCount());
        }
        for (int i = 0; i < rows; i++) {
            int lineNo = i + 2;
            String[] cells = NabCsv.split(lines.get(i + 1), path, lineNo);
            if (cells.length != header.length) {
                throw new IllegalArgumentException(path + " line " + lineNo + ": " + cells.length
                        + " columns, header has " + header.length);
            }
            String where = path + " line " + lineNo;
            LocalDateTime t = NabTime.parse(cells[tsCol], where);
            if (!t.equals(file.timestamp(i))) {
                throw new IllegalArgumentException(where + ": timestamp " + cells[tsCol] + " but data row "
                        + (i + 1) + " of " + file.relativePath() + " is " + file.timestampText(i));
            }
            double s;
            try {
                s = Double.parseDouble(cells[scoreCol]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + ": " + SCORE_COLUMN + " '" + cells[scoreCol]
                        + "' is not a number", e);
            }
            out[offset + i] = checkScore(s, where);
        }
    }

    public String detector() {
        return detector;
    }

    public NabCorpus corpus() {
        return corpus;
    }

    /** A copy of the scores of one data file, in row order. */
    public double[] scores(String relativePath) {
        int f = corpus.indexOf(relativePath);
        int from = corpus.offset(f);
        double[] out = new double[corpus.offset(f + 1) - from];
        System.arraycopy(scores, from, out, 0, out.length);
        return out;
    }

    /** All scores in corpus row order; shared, callers in this package must not modify it. */
    double[] flatScores() {
        return scores;
    }
}
