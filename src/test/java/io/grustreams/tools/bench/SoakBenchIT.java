package io.grustreams.tools.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code bench soak} for two minutes of load (about three in all): two instances as JVMs of their
 * own, a hot swap, a SIGKILL and restart, a broker restart, and then every event has exactly one
 * forecast or dead letter. Its own broker, not the shared fixture's.
 */
class SoakBenchIT {

    @TempDir
    Path dir;

    @Test
    void shouldLoseAndDuplicateNothingThroughAHotSwapASigkillAndABrokerRestart() {
        StringWriter out = new StringWriter();
        CommandLine cl = new CommandLine(new SoakBench());
        cl.setOut(new PrintWriter(out));
        int exit = cl.execute("--minutes", "2", "--keys", "1000", "--rate", "400", "--partitions", "4",
                "--instance-heap", "384m", "--state-dir", dir.toString());
        String text = out.toString();
        List<String> lines = text.lines().toList();
        assertEquals(0, exit, text);
        assertEquals("lost 0, duplicated 0", lines.get(lines.size() - 1), text);
        assertHas(lines, "\\[\\d+:\\d\\d\\] hot swap: published bench@2, effective from \\S+Z");
        assertHas(lines, "\\[\\d+:\\d\\d\\] kill: instance b \\(pid \\d+\\) with SIGKILL");
        assertHas(lines, "\\[\\d+:\\d\\d\\] restart: instance b \\(pid \\d+\\), same state directory");
        assertHas(lines, "\\[\\d+:\\d\\d\\] broker restart: stopping the broker");
        assertHas(lines, "\\[\\d+:\\d\\d\\] broker restart: started again on 127\\.0\\.0\\.1:\\d+, same log"
                + " directory,.*");
        assertHas(lines, "restore: instance b RUNNING \\d+\\.\\d s after its restart, first forecast \\d+\\.\\d s after"
                + " its restart");
        // 400 events/s for 120 s, one in 1000 bad: 48 dead letters, every other event a forecast of model 1 or 2.
        assertHas(lines, "events: 48000 produced \\(48 bad\\) in 2\\.0 min, 0 sends failed; read under read_committed:"
                + " 47952 forecasts \\(model v1 \\d+, model v2 \\d+\\), 48 dead letters");
        assertHas(lines, "latency event -> forecast \\(read_committed\\): p50 \\d+ ms, p99 \\d+ ms, max \\d+ ms over"
                + " 47952 forecasts");
        assertHas(lines, "heap a: budget 384 MiB \\(-Xmx384m\\), 1 life; .*: within budget");
        assertHas(lines, "heap b: budget 384 MiB \\(-Xmx384m\\), 2 lives; .*: within budget");
        assertHas(lines, "stream threads replaced: a 0 b 0");
        assertEquals(10, lines.stream().filter(l -> l.matches("\\d+:\\d\\d-\\d+:\\d\\d +\\d+ +\\d+ .*")).count(), text);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("drain ")), text);
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("FAILED")), text);
    }

    private static void assertHas(List<String> lines, String regex) {
        assertTrue(lines.stream().anyMatch(l -> l.matches(regex)), "no line matches " + regex + " in\n"
                + String.join("\n", lines));
    }
}
