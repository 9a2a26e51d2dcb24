package io.grustreams.tools.nab;

import java.nio.file.Path;

/**
 * The CSV dialect of NAB files: comma separated, one header line, no quoting (no NAB field
 * contains a comma). A quote character is rejected rather than misread.
 */
final class NabCsv {

    private NabCsv() {
    }

    /** Splits one line into cells; @throws IllegalArgumentException on a quoted field. */
    static String[] split(String line, Path file, int lineNo) {
        if (line.indexOf('"') >= 0) {
            throw new IllegalArgumentException(file + " line " + lineNo + ": quoted CSV fields are not supported");
        }
        return line.split(",", -1);
    }

    /** Index of column {@code name} in the header; @throws IllegalArgumentException naming it if absent. */
    static int column(String[] header, String name, Path file) {
        for (int i = 0; i < header.length; i++) {
            if (header[i].strip().equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException(file + ": header has no column '" + name + "' (columns: "
                + String.join(",", header) + ")");
    }
}
