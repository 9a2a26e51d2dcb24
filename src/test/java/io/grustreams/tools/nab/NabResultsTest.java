package io.grustreams.tools.nab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NabResultsTest {

    @TempDir
    Path tmp;

    private static final NabDataFile FILE = NabFixtures.file("realX/sample.csv", 8, new int[] {3, 5});

    private static final double[] SCORES = {0.0, 0.5, 1.0, 0.1 + 0.2, 1e-300, 0.0301029996659, 0.75, -0.0};

    @Test
    void shouldWriteResultsFileLikeGoldenFile() throws IOException {
        StringWriter out = new StringWriter();
        NabResultsWriter.write(out, FILE, SCORES);
        assertEquals(golden("golden/nab-results.csv"), out.toString());
    }

    @Test
    void shouldReadBackWrittenScoresExactly() throws IOException {
        NabCorpus corpus = NabCorpus.of(List.of(FILE, NabFixtures.file("other/b.csv", 50)));
        Random rnd = new Random(3);
        double[] b = new double[50];
        for (int i = 0; i < b.length; i++) {
            b[i] = rnd.nextDouble();
        }
        Path written = NabResultsWriter.write(tmp, "myDetector", FILE, SCORES);
        NabResultsWriter.write(tmp, "myDetector", corpus.files().get(1), b);

        assertEquals(tmp.resolve("myDetector/realX/myDetector_sample.csv"), written);
        NabResults back = NabResults.load(tmp.resolve("myDetector"), corpus);
        assertEquals("myDetector", back.detector());
        double[] expected = SCORES.clone();
        expected[7] = 0.0;
        assertArrayEquals(expected, back.scores("realX/sample.csv"), 0.0);
        assertArrayEquals(b, back.scores("other/b.csv"), 0.0);
    }

    @Test
    void shouldReadExtraColumnsInAnyOrder() throws IOException {
        Path dir = tmp.resolve("det/realX");
        Files.createDirectories(dir);
        StringBuilder csv = new StringBuilder("anomaly_score,raw_score,timestamp,value,label,S(t)_standard\n");
        for (int i = 0; i < 8; i++) {
            csv.append(i / 10.0).append(",1.0,").append(NabFixtures.timestamp(i)).append(",").append(i)
                    .append(",0,0.0\n");
        }
        Files.writeString(dir.resolve("det_sample.csv"), csv);
        NabResults r = NabResults.load(tmp.resolve("det"), NabCorpus.of(List.of(FILE)));
        assertArrayEquals(new double[] {0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7}, r.scores("realX/sample.csv"), 0.0);
    }

    @Test
    void shouldNameFileAndProblemOfMalformedResults() throws IOException {
        NabCorpus corpus = NabCorpus.of(List.of(FILE));
        Path file = tmp.resolve("det/realX/det_sample.csv");
        Files.createDirectories(file.getParent());

        assertLoadFails(corpus, file, "timestamp,value,score\n", "no column 'anomaly_score'");
        assertLoadFails(corpus, file, rows(7, 0.5), "7 rows, but data file realX/sample.csv has 8");
        assertLoadFails(corpus, file, rows(8, 1.5), "line 2: anomaly_score 1.5 is not in [0, 1]");
        assertLoadFails(corpus, file, rows(8, Double.NaN), "anomaly_score NaN is not in [0, 1]");
        String shifted = rows(8, 0.5).replace(NabFixtures.timestamp(2), NabFixtures.timestamp(9));
        assertLoadFails(corpus, file, shifted, "line 4: timestamp " + NabFixtures.timestamp(9));

        Files.delete(file);
        IOException missing = assertThrows(IOException.class, () -> NabResults.load(tmp.resolve("det"), corpus));
        assertTrue(missing.getMessage().contains("det_sample.csv"), missing.getMessage());
    }

    @Test
    void shouldRejectScoresOfWrongLengthOrUnknownFile() {
        NabCorpus corpus = NabCorpus.of(List.of(FILE));
        IllegalArgumentException len = assertThrows(IllegalArgumentException.class,
                () -> NabResults.of("d", corpus, Map.of("realX/sample.csv", new double[3])));
        assertTrue(len.getMessage().contains("8 rows but 3 scores"), len.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> NabResults.of("d", corpus, Map.of("realX/sample.csv", new double[8], "x/y.csv", new double[1])));
        assertTrue(unknown.getMessage().contains("x/y.csv"), unknown.getMessage());
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
                () -> NabResultsWriter.write(new StringWriter(), FILE, new double[] {0, 0, 0, 0, 0, 0, 0, 2}));
        assertTrue(range.getMessage().contains("realX/sample.csv row 8"), range.getMessage());
    }

    private void assertLoadFails(NabCorpus corpus, Path file, String content, String expected) throws IOException {
        Files.writeString(file, content);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NabResults.load(tmp.resolve("det"), corpus));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    private static String rows(int n, double score) {
        StringBuilder sb = new StringBuilder(NabResultsWriter.HEADER).append('\n');
        for (int i = 0; i < n; i++) {
            sb.append(NabFixtures.timestamp(i)).append(',').append(i).append(',').append(score).append(",0\n");
        }
        return sb.toString();
    }

    private static String golden(String resource) throws IOException {
        try (InputStream in = NabResultsTest.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("missing test resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
