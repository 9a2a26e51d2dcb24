package io.grustreams.tools.reference;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the shared PyTorch reference files are: {@code -Dgru.reference.dir}, else {@code ../shared/reference/gru}. */
final class ReferenceFiles {

    private ReferenceFiles() {
    }

    /** The directory; fails the test (never skips) when it is missing. */
    static Path directory() {
        Path dir = Path.of(System.getProperty("gru.reference.dir", "../shared/reference/gru")).toAbsolutePath().normalize();
        assertTrue(Files.isDirectory(dir), "reference directory " + dir
                + " is missing: set -Dgru.reference.dir=PATH to shared/reference/gru");
        return dir;
    }
}
