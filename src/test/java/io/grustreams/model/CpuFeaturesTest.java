package io.grustreams.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuFeaturesTest {

    @Test
    void shouldReadTheFirstProcessorsFlags(@TempDir Path dir) throws IOException {
        Path cpuinfo = Files.writeString(dir.resolve("cpuinfo"), "processor\t: 0\nmodel name\t: Test CPU\n"
                + "flags\t\t: fpu sse2 avx2\nbugs\t\t: none\n\nprocessor\t: 1\nflags\t\t: fpu fma\n");
        assertArrayEquals(new String[] {"fpu", "sse2", "avx2"}, CpuFeatures.linuxFlags(cpuinfo).orElseThrow());
    }

    @Test
    void shouldReportNoFlagsWhereThereIsNoCpuinfo(@TempDir Path dir) {
        assertTrue(CpuFeatures.linuxFlags(dir.resolve("missing")).isEmpty());
    }
}
