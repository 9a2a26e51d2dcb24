package io.grustreams.model;

/**
 * A named block of a flat parameter vector, stored row-major: element (i, j) is at
 * {@code offset + i * cols + j}. A vector (bias) has {@code vector == true}, {@code rows} elements
 * and {@code cols == 1}.
 */
public record Tensor(String name, int offset, int rows, int cols, boolean vector) {

    public Tensor {
        if (rows <= 0 || cols <= 0 || offset < 0) {
            throw new IllegalArgumentException("bad tensor " + name + ": offset " + offset + ", " + rows + "x" + cols);
        }
        if (vector && cols != 1) {
            throw new IllegalArgumentException("vector tensor " + name + " must have cols == 1");
        }
    }

    static Tensor matrix(String name, int offset, int rows, int cols) {
        return new Tensor(name, offset, rows, cols, false);
    }

    static Tensor vector(String name, int offset, int length) {
        return new Tensor(name, offset, length, 1, true);
    }

    /** Number of elements. */
    public int size() {
        return rows * cols;
    }

    /** Index into the flat vector of element (row, col). */
    public int index(int row, int col) {
        return offset + row * cols + col;
    }

    /** The shape as in the PyTorch tensor: {@code [rows]} for a vector, {@code [rows, cols]} for a matrix. */
    public int[] shape() {
        return vector ? new int[] {rows} : new int[] {rows, cols};
    }
}
