package io.grustreams.tools.nab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The NAB corpus: the data files named in {@code labels/combined_windows.json}, in the order of
 * that file, with their windows. Immutable.
 *
 * <p>Rows of all files are also numbered corpus-wide (file after file), which is how the scorer
 * lays out its arrays; {@link #offset(int)} gives a file's first corpus row.
 */
public final class NabCorpus {

    /** Label file, relative to the NAB directory. */
    public static final String WINDOWS_FILE = "labels/combined_windows.json";

    /** Data directory, relative to the NAB directory. */
    public static final String DATA_DIR = "data";

    private final List<NabDataFile> files;
    private final Map<String, Integer> indexByPath;
    private final int[] offsets;
    private final int rowCount;
    private final int windowCount;

    private NabCorpus(List<NabDataFile> files) {
        this.files = List.copyOf(files);
        this.indexByPath = new HashMap<>();
        this.offsets = new int[files.size() + 1];
        int windows = 0;
        for (int f = 0; f < files.size(); f++) {
            NabDataFile file = files.get(f);
            if (indexByPath.put(file.relativePath(), f) != null) {
                throw new IllegalArgumentException("data file " + file.relativePath() + " appears twice in the corpus");
            }
            offsets[f + 1] = offsets[f] + file.rowCount();
            windows += file.windows().size();
        }
        this.rowCount = offsets[files.size()];
        this.windowCount = windows;
    }

    /** A corpus of the given files, in that order. */
    public static NabCorpus of(List<NabDataFile> files) {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("a NAB corpus needs at least one data file");
        }
        return new NabCorpus(files);
    }

    /**
     * Loads {@code nabDir/labels/combined_windows.json} and every data file it names from
     * {@code nabDir/data/<category>/<file>.csv} (columns {@code timestamp,value}, more allowed).
     *
     * @throws IOException              if a file cannot be read
     * @throws IllegalArgumentException naming the file, row or field that is malformed
     */
    public static NabCorpus load(Path nabDir) throws IOException {
        Path windowsFile = nabDir.resolve(WINDOWS_FILE);
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(windowsFile.toFile());
        } catch (IOException e) {
            throw new IOException(windowsFile + ": cannot read label windows: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(windowsFile + ": expected a JSON object {\"<category>/<file>.csv\": [[start, end], ...]}");
        }
        List<NabDataFile> files = new ArrayList<>();
        for (Map.Entry<String, JsonNode> entry : root.properties()) {
            String relativePath = entry.getKey();
            List<List<String>> limits = windowLimits(windowsFile, relativePath, entry.getValue());
            files.add(readDataFile(nabDir.resolve(DATA_DIR), relativePath, limits));
        }
        return of(files);
    }

    private static List<List<String>> windowLimits(Path windowsFile, String relativePath, JsonNode node) {
        String where = windowsFile + ": \"" + relativePath + "\"";
        if (!node.isArray()) {
            throw new IllegalArgumentException(where + " must be a list of [start, end] pairs");
        }
        List<List<String>> limits = new ArrayList<>(node.size());
        for (int k = 0; k < node.size(); k++) {
            JsonNode pair = node.get(k);
            if (!pair.isArray() || pair.size() != 2 || !pair.get(0).isTextual() || !pair.get(1).isTextual()) {
                throw new IllegalArgumentException(where + " window " + (k + 1) + " must be [\"start\", \"end\"], got " + pair);
            }
            limits.add(List.of(pair.get(0).asText(), pair.get(1).asText()));
        }
        return limits;
    }

    private static NabDataFile readDataFile(Path dataDir, String relativePath, List<List<String>> limits)
            throws IOException {
        Path path = dataDir.resolve(relativePath);
        List<String> timestamps = new ArrayList<>();
        List<String> values = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            String header = in.readLine();
            if (header == null) {
                throw new IllegalArgumentException(path + ": empty file, expected header timestamp,value");
            }
            String[] names = NabCsv.split(header, path, 1);
            int tsCol = NabCsv.column(names, "timestamp", path);
            int valueCol = NabCsv.column(names, "value", path);
            String line;
            int lineNo = 1;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isEmpty()) {
                    continue;
                }
                String[] cells = NabCsv.split(line, path, lineNo);
                if (cells.length != names.length) {
                    throw new IllegalArgumentException(path + " line " + lineNo + ": " + cells.length
                            + " columns, header has " + names.length);
                }
                timestamps.add(cells[tsCol]);
                values.add(cells[valueCol]);
            }
        } catch (NoSuchFileException e) {
            throw new IOException(path + ": data file named in " + WINDOWS_FILE + " does not exist", e);
        }
        return NabDataFile.of(relativePath, timestamps, values, limits);
    }

    /** The data files in corpus order; unmodifiable. */
    public List<NabDataFile> files() {
        return files;
    }

    /** @throws IllegalArgumentException if no file has that relative path */
    public NabDataFile file(String relativePath) {
        return files.get(indexOf(relativePath));
    }

    /** Position of the file in {@link #files()}; @throws IllegalArgumentException if unknown. */
    public int indexOf(String relativePath) {
        Integer i = indexByPath.get(relativePath);
        if (i == null) {
            throw new IllegalArgumentException("no data file " + relativePath + " in the corpus");
        }
        return i;
    }

    /** Corpus row number of row 0 of file {@code fileIndex}; {@code offset(files().size())} is {@link #rowCount()}. */
    public int offset(int fileIndex) {
        return offsets[fileIndex];
    }

    /** Rows of all files. */
    public int rowCount() {
        return rowCount;
    }

    /** Windows of all files; the perfect score is this times the profile's TP weight. */
    public int windowCount() {
        return windowCount;
    }
}
