package io.grustreams.model;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What the CPU offers, for tests whose running time depends on it. The step's polynomials use
 * {@link Math#fma}: with the FMA instructions it is one instruction, without them the JDK computes it
 * exactly in software (through {@code BigDecimal}), hundreds of times slower, and a test that runs
 * millions of steps would not finish.
 */
final class CpuFeatures {

    private CpuFeatures() {
    }

    /** The CPU flags from {@code /proc/cpuinfo}, or empty where the file does not exist (not Linux). */
    static Optional<String[]> linuxFlags(Path cpuinfo) {
        try {
            return Files.readAllLines(cpuinfo).stream()
                    .filter(l -> l.toLowerCase(Locale.ROOT).startsWith("flags"))
                    .findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim().split("\\s+"));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Skips the calling test on a Linux CPU without FMA; elsewhere the test's timeout guards it. */
    static void assumeFma() {
        linuxFlags(Path.of("/proc/cpuinfo")).ifPresent(flags -> assumeTrue(Arrays.asList(flags).contains("fma"),
                "this CPU has no FMA instructions: Math.fma runs in software, too slow for millions of steps"));
    }
}
