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

/** The output contract of {@code bench stream} (it starts its own broker); no figure is judged here. */
class StreamBenchIT {

    @Test
    void shouldPrintOneJsonObjectWithTheRequiredFields() throws Exception {
        StringWriter out = new StringWriter();
        CommandLine cl = new CommandLine(new StreamBench());
        cl.setOut(new PrintWriter(out));
        int exit = cl.execute("--json", "--events", "300", "--keys", "7", "--features", "2", "--hidden", "4",
                "--warmup", "0", "--rounds", "2", "--set", "gru.ring.size=8", "--state-dir", "target/test-state");
        assertEquals(0, exit, out.toString());
        List<String> lines = out.toString().lines().toList();
        assertEquals(1, lines.size(), out.toString());
        JsonNode line = new ObjectMapper().readTree(lines.get(0));
        assertEquals("stream", line.get("bench").asText());
        assertEquals("exactly_once_v2", line.get("guarantee").asText());
        assertEquals(300, line.get("events_per_round").asInt());
        assertEquals(7, line.get("keys").asInt());
        assertEquals(2, line.get("features").asInt());
        assertEquals(4, line.get("hidden_size").asInt());
        assertEquals(2, line.get("rounds").asInt());
        assertEquals("{gru.ring.size=8}", line.get("settings").asText());
        double min = line.get("min_events_per_s").asDouble();
        double median = line.get("median_events_per_s").asDouble();
        double max = line.get("max_events_per_s").asDouble();
        assertTrue(0 < min && min <= median && median <= max, lines.get(0));
    }

    @Test
    void shouldRejectAnotherGuaranteeAndNonGruSettings() {
        for (String[] args : List.of(new String[] {"--guarantee", "at_most_once"},
                new String[] {"--set", "bootstrap.servers=x:1"}, new String[] {"--set", "gru.ring.size=0"})) {
            StringWriter err = new StringWriter();
            CommandLine cl = new CommandLine(new StreamBench());
            cl.setErr(new PrintWriter(err));
            assertEquals(2, cl.execute(args), String.join(" ", args));
            assertTrue(err.toString().contains(args[1].split("=")[0]), err.toString());
        }
    }
}
