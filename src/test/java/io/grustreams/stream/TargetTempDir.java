package io.grustreams.stream;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDirFactory;

/**
 * Temp dirs under {@code target/}: Kafka Streams warns about state dirs in the OS temp dir
 * (which the OS may clear under a running instance).
 */
final class TargetTempDir implements TempDirFactory {

    @Override
    public Path createTempDirectory(AnnotatedElementContext element, ExtensionContext context) throws IOException {
        Path base = Files.createDirectories(Path.of("target", "test-state"));
        return Files.createTempDirectory(base, context.getRequiredTestClass().getSimpleName() + "-");
    }
}
