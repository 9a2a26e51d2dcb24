package io.grustreams.tools.nab;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a detector's scores for one data file in NAB's results format, readable by
 * {@link NabResults#load} and by the official Python scorer.
 *
 * <p>Format: header {@code timestamp,value,anomaly_score,label}, then one line per data row:
 * the row's timestamp and value exactly as in the data file, the score in Java's round-trip
 * decimal form ({@link Double#toString(double)}, so reading it back gives the same double), and
 * the label, 1 when the row lies in a labeled window (ends included) and 0 otherwise, the
 * official detector runner's {@code label} column. Lines end with {@code \n}. The format is
 * NAB's and carries no version of ours; a golden file pins it.
 */
public final class NabResultsWriter {

    /** The header line, without line terminator. */
    public static final String HEADER = "timestamp,value," + NabResults.SCORE_COLUMN + ",label";

    private NabResultsWriter() {
    }

    /**
     * Writes {@code resultsRoot/<detector>/<category>/<detector>_<file>.csv}, creating directories.
     *
     * @param scores one per row of {@code file}, each in [0, 1]; not modified
     * @return the path written
     */
    public static Path write(Path resultsRoot, String detector, NabDataFile file, double[] scores) throws IOException {
        Path path = NabResults.resultsPath(resultsRoot, detector, file);
        check(file, scores);
        Files.createDirectories(path.getParent());
        try (BufferedWriter out = Files.newBufferedWriter(path, StandardCharsets.UTF_8)) {
            writeRows(out, file, scores);
        }
        return path;
    }

    /**
     * Writes the header and rows of {@code file} to {@code out}; does not close it.
     *
     * @param scores one per row of {@code file}, each in [0, 1]; not modified
     * @param out    modified
     */
    public static void write(Writer out, NabDataFile file, double[] scores) throws IOException {
        check(file, scores);
        writeRows(out, file, scores);
    }

    private static void check(NabDataFile file, double[] scores) {
        if (scores.length != file.rowCount()) {
            throw new IllegalArgumentException(file.relativePath() + " has " + file.rowCount() + " rows but "
                    + scores.length + " scores were given");
        }
        for (int i = 0; i < scores.length; i++) {
            NabResults.checkScore(scores[i], file.relativePath() + " row " + (i + 1));
        }
    }

    private static void writeRows(Writer out, NabDataFile file, double[] scores) throws IOException {
        StringBuilder line = new StringBuilder(64);
        out.write(HEADER);
        out.write('\n');
        for (int i = 0; i < scores.length; i++) {
            line.setLength(0);
            line.append(file.timestampText(i)).append(',')
                    .append(file.valueText(i)).append(',')
                    .append(scores[i] == 0.0 ? 0.0 : scores[i]).append(',')
                    .append(file.label(i)).append('\n');
            out.append(line);
        }
    }
}
