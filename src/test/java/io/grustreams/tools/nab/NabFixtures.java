package io.grustreams.tools.nab;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** Test data: small synthetic NAB files, and the real NAB directory. */
public final class NabFixtures {

    /** System property naming the NAB directory; default {@code ../shared/nab} relative to the project. */
    public static final String NAB_DIR_PROPERTY = "gru.nab.dir";

    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final LocalDateTime T0 = LocalDateTime.of(2020, 1, 1, 0, 0);

    private static NabCorpus corpus;

    private NabFixtures() {
    }

    /** Timestamp text of row {@code i} of a synthetic file: 5-minute steps from 2020-01-01 00:00:00. */
    public static String timestamp(int i) {
        return T0.plusMinutes(5L * i).format(TS);
    }

    /**
     * A synthetic data file of {@code rows} rows (values 0, 1, 2, ...) with windows given as
     * inclusive row ranges {@code {first, last}}.
     */
    public static NabDataFile file(String relativePath, int rows, int[]... windowRows) {
        List<String> ts = new ArrayList<>(rows);
        List<String> values = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            ts.add(timestamp(i));
            values.add(Integer.toString(i));
        }
        List<List<String>> limits = new ArrayList<>();
        for (int[] w : windowRows) {
            limits.add(List.of(timestamp(w[0]) + ".000000", timestamp(w[1]) + ".000000"));
        }
        return NabDataFile.of(relativePath, ts, values, limits);
    }

    /** The real NAB directory; fails the test (never skips) when it is missing. */
    public static Path nabDir() {
        Path dir = Path.of(System.getProperty(NAB_DIR_PROPERTY, "../shared/nab"));
        if (!Files.isRegularFile(dir.resolve(NabCorpus.WINDOWS_FILE))) {
            fail("NAB directory not found at " + dir.toAbsolutePath() + "; set -D" + NAB_DIR_PROPERTY + "=DIR");
        }
        return dir;
    }

    /** The real NAB corpus, loaded once per test JVM. */
    public static synchronized NabCorpus corpus() {
        if (corpus == null) {
            try {
                corpus = NabCorpus.load(nabDir());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return corpus;
    }
}
