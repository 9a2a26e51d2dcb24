package io.grustreams.tools.nab;

import java.time.LocalDateTime;

/**
 * One labeled anomaly window of a data file: its limits as written in the label file and the
 * rows they resolve to, both ends inclusive.
 *
 * @param start     the window's first timestamp
 * @param end       the window's last timestamp
 * @param firstRow  the row whose timestamp is {@code start}
 * @param lastRow   the row whose timestamp is {@code end}; {@code >= firstRow}
 */
public record NabWindow(LocalDateTime start, LocalDateTime end, int firstRow, int lastRow) {

    public NabWindow {
        if (firstRow < 0 || lastRow < firstRow) {
            throw new IllegalArgumentException("window rows must satisfy 0 <= firstRow <= lastRow, got "
                    + firstRow + ".." + lastRow);
        }
    }

    /** Number of rows in the window, the {@code w} of the NAB scoring equations. */
    public int width() {
        return lastRow - firstRow + 1;
    }

    /** Whether {@code row} lies inside the window. */
    public boolean contains(int row) {
        return row >= firstRow && row <= lastRow;
    }
}
