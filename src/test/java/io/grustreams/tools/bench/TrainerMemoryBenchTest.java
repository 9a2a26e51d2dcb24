package io.grustreams.tools.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The output contract of {@code bench trainer-memory} on a small window; no figure of time or heap is judged. */
class TrainerMemoryBenchTest {

    @Test
    void shouldPrintOneJsonObjectWithWhatWasKeptAndTheHeap() throws Exception {
        StringWriter out = new StringWriter();
        CommandLine cl = new CommandLine(new TrainerMemoryBench());
        cl.setOut(new PrintWriter(out));
        assertEquals(0, cl.execute("--json", "--keys", "200", "--events", "60", "--max-keys", "20",
                "--max-events-per-key", "50", "--max-steps", "2000", "--epochs", "1", "--threads", "1"));
        List<String> lines = out.toString().lines().toList();
        assertEquals(1, lines.size(), out.toString());
        JsonNode line = new ObjectMapper().readTree(lines.get(0));
        assertEquals("trainer-memory", line.get("bench").asText());
        assertEquals(200, line.get("keys").asInt());
        assertEquals(20, line.get("keys_kept").asInt());
        assertEquals(12_000, line.get("events_seen").asLong());
        assertEquals(20 * 50, line.get("events_kept").asLong());
        assertTrue(line.get("heap_held_after_read_mib").asDouble() > 0, lines.get(0));
        assertTrue(line.get("training_steps").asLong() > 0, lines.get(0));
    }
}
