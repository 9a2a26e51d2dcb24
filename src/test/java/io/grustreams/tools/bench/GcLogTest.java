package io.grustreams.tools.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GcLogTest {

    @TempDir
    Path dir;

    @Test
    void shouldTakeHeapBeforeAndAfterFromEveryPauseLineOfG1AndParallel() {
        GcLog log = new GcLog(dir.resolve("gc.log"));
        log.accept("[0.009s][info][gc] Using G1");
        log.accept("[1.234s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 24M->3M(256M) 2.345ms");
        log.accept("[5.100s][info][gc] GC(5) Pause Young (Concurrent Start) (G1 Humongous Allocation)"
                + " 100M->90M(256M) 5.1ms");
        log.accept("[5.200s][info][gc] GC(6) Concurrent Mark Cycle 50.2ms");
        log.accept("[5.210s][info][gc] GC(6) Pause Remark 95M->95M(256M) 1.2ms");
        log.accept("[9.000s][info][gc] GC(7) Pause Full (G1 Compaction Pause) 250M->200M(256M) 300.1ms");
        log.accept("[9.500s][info][gc] GC(8) Pause Young (Allocation Failure) 2G->512K(3G) 12ms");
        assertEquals(5, log.pauses());
        assertEquals(1, log.fullPauses());
        assertEquals(2L << 30, log.peakBefore());
        assertEquals(200L << 20, log.peakAfter());
        assertEquals(512L << 10, log.lastAfter());
        assertEquals(300.1, log.longestPauseMs(), 1e-9);
    }

    @Test
    void shouldReadOnlyWholeLinesAndGiveTheIntervalPeakOnce() throws Exception {
        Path file = dir.resolve("gc.log");
        GcLog log = new GcLog(file);
        log.poll();
        assertFalse(log.seen());
        assertEquals(-1, log.lastAfter());
        Files.writeString(file, "[1.0s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 24M->3M(256M) 2ms\n"
                + "[2.0s][info][gc] GC(1) Pause Young (Normal) (G1 Evacuation Pause) 30M->", StandardCharsets.UTF_8);
        log.poll();
        assertTrue(log.seen());
        assertEquals(1, log.pauses());
        Files.writeString(file, "9M(256M) 1ms\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        log.poll();
        assertEquals(2, log.pauses());
        assertEquals(9L << 20, log.takePeakAfterSinceMark());
        assertEquals(-1, log.takePeakAfterSinceMark());
    }
}
