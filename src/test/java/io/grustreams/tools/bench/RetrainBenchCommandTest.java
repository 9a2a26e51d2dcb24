package io.grustreams.tools.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grustreams.train.History;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The output contract of {@code bench retrain}; no figure is judged here (timing belongs to the benchmark). */
class RetrainBenchCommandTest {

    @Test
    void shouldPrintOneJsonObjectWithTheRunsFigures() throws Exception {
        StringWriter out = new StringWriter();
        CommandLine cl = new CommandLine(new RetrainBenchCommand());
        cl.setOut(new PrintWriter(out));
        assertEquals(0, cl.execute("--json", "--keys", "3", "--events", "400", "--hidden", "4", "--epochs", "1",
                "--rounds", "2"));
        List<String> lines = out.toString().lines().toList();
        assertEquals(1, lines.size(), out.toString());
        JsonNode line = new ObjectMapper().readTree(lines.get(0));
        assertEquals("retrain", line.get("bench").asText());
        assertEquals(3, line.get("keys").asInt());
        assertEquals(400, line.get("events").asInt());
        assertEquals(4, line.get("hidden").asInt());
        assertEquals(1, line.get("epochs").asInt());
        assertEquals(2, line.get("rounds").asInt());
        double min = line.get("min_s").asDouble();
        double median = line.get("median_s").asDouble();
        assertTrue(0 < min && min <= median && median <= line.get("max_s").asDouble(), lines.get(0));
        assertTrue(line.get("validation_rmse_vs_persistence").asDouble() > 0, lines.get(0));
    }

    @Test
    void shouldGenerateTheSameHistoryForTheSameSeed() {
        History a = RetrainBenchCommand.history(3, 50, 9);
        History b = RetrainBenchCommand.history(3, 50, 9);
        assertEquals(150, a.events());
        for (int k = 0; k < 3; k++) {
            for (int t = 0; t < 50; t++) {
                assertEquals(a.series().get(k).value(t, 0), b.series().get(k).value(t, 0));
            }
        }
    }
}
