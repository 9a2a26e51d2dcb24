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

/** The output contract of {@code bench pipeline} (it starts its own broker); no figure is judged here. */
class PipelineBenchIT {

    private static String run(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cl = new CommandLine(new PipelineBench());
        cl.setOut(new PrintWriter(out));
        assertEquals(0, cl.execute(args), out.toString());
        return out.toString();
    }

    @Test
    void shouldPrintBothRatesAndTheirRatioAsOneJsonObject() throws Exception {
        List<String> lines = run("--json", "--events", "2000", "--keys", "20", "--input-size", "2", "--hidden", "4",
                "--rounds", "2", "--set", "gru.ring.size=8").lines().toList();
        assertEquals(1, lines.size(), lines.toString());
        JsonNode line = new ObjectMapper().readTree(lines.get(0));
        assertEquals("pipeline", line.get("bench").asText());
        assertEquals("exactly_once_v2", line.get("guarantee").asText());
        assertEquals(2000, line.get("events").asInt());
        assertEquals(20, line.get("keys").asInt());
        assertEquals(2, line.get("input_size").asInt());
        assertEquals(4, line.get("hidden_size").asInt());
        assertEquals(2, line.get("rounds").asInt());
        double pass = line.get("passthrough_records_per_s").asDouble();
        double gru = line.get("gru_records_per_s").asDouble();
        double ratio = line.get("ratio").asDouble();
        assertTrue(pass > 0 && gru > 0, lines.get(0));
        // The JSON line rounds figures to a few significant digits.
        assertEquals(gru / pass, ratio, 1e-4 * ratio);
        assertTrue(line.get("min_ratio").asDouble() <= ratio && ratio <= line.get("max_ratio").asDouble(), lines.get(0));
        // 8 doubles of ring per event of 2 features, a 4-unit hidden state and the anomaly windows.
        assertTrue(line.get("state_bytes").asLong() > 8 * 8 * 2, lines.get(0));
        // Every event puts its key's state and one ring slot; the stores' total is their sum.
        double state = line.get("state_store_bytes_per_event").asDouble();
        double ring = line.get("ring_store_bytes_per_event").asDouble();
        assertTrue(state > 0 && ring > 0, lines.get(0));
        assertEquals(state + ring, line.get("store_bytes_per_event").asDouble(), 1e-6 * (state + ring));
        assertTrue(line.get("changelog_bytes_per_event").asDouble() > 0, lines.get(0));
    }

    @Test
    void shouldEndTheTextReportWithTheBytesPerEventAndTheRatio() {
        List<String> lines = run("--events", "500", "--keys", "5", "--input-size", "1", "--hidden", "4").lines()
                .toList();
        assertTrue(lines.get(lines.size() - 4).startsWith("passthrough: "), lines.toString());
        assertTrue(lines.get(lines.size() - 3).startsWith("gru: "), lines.toString());
        assertTrue(lines.get(lines.size() - 2).matches("gru writes per event: \\d+ bytes put into stores"
                + " \\(state \\d+, ring \\d+\\), \\d+ bytes to their changelogs"), lines.toString());
        assertTrue(lines.get(lines.size() - 1).matches("ratio gru/passthrough: \\d+\\.\\d{3}"), lines.toString());
    }
}
