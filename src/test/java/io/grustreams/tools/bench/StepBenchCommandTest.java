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

/** The output contract of {@code bench step}; no figure is judged here (timing belongs to the benchmark). */
class StepBenchCommandTest {

    @Test
    void shouldPrintOneJsonObjectPerCaseWithTheRequiredFields() throws Exception {
        StringWriter out = new StringWriter();
        CommandLine cl = new CommandLine(new StepBenchCommand());
        cl.setOut(new PrintWriter(out));
        int exit = cl.execute("--json", "--sizes", "1x4,2x3", "--variants", "cho,pytorch", "--warmup", "0",
                "--rounds", "3", "--round-ms", "1");
        assertEquals(0, exit);
        List<String> lines = out.toString().lines().toList();
        assertEquals(4, lines.size(), out.toString());
        ObjectMapper json = new ObjectMapper();
        String[][] expected = {{"cho", "1", "4"}, {"pytorch", "1", "4"}, {"cho", "2", "3"}, {"pytorch", "2", "3"}};
        for (int i = 0; i < 4; i++) {
            JsonNode line = json.readTree(lines.get(i));
            assertEquals("step", line.get("bench").asText());
            assertEquals("gru", line.get("cell").asText());
            assertEquals(1, line.get("layers").asInt());
            assertEquals(expected[i][0], line.get("variant").asText());
            assertEquals(Integer.parseInt(expected[i][1]), line.get("input_size").asInt());
            assertEquals(Integer.parseInt(expected[i][2]), line.get("hidden_size").asInt());
            assertEquals(3, line.get("rounds").asInt());
            double min = line.get("min_ns_per_step").asDouble();
            double median = line.get("median_ns_per_step").asDouble();
            double max = line.get("max_ns_per_step").asDouble();
            assertTrue(0 < min && min <= median && median <= max, lines.get(i));
            assertEquals(1e9 / median, line.get("median_steps_per_s").asDouble(), 1e9 / median * 1e-5);
            assertTrue(line.get("median_cpu_ns_per_step").asDouble() > 0, lines.get(i));
        }
    }

    @Test
    void shouldTimeEveryCellAndLayerCountAskedFor() throws Exception {
        StringWriter out = new StringWriter();
        CommandLine cl = new CommandLine(new StepBenchCommand());
        cl.setOut(new PrintWriter(out));
        int exit = cl.execute("--json", "--sizes", "2x3", "--cells", "rnn,lstm", "--layers", "1,2", "--warmup", "0",
                "--rounds", "1", "--round-ms", "1");
        assertEquals(0, exit);
        List<String> lines = out.toString().lines().toList();
        assertEquals(4, lines.size(), out.toString());
        ObjectMapper json = new ObjectMapper();
        String[][] expected = {{"rnn", "1"}, {"rnn", "2"}, {"lstm", "1"}, {"lstm", "2"}};
        for (int i = 0; i < 4; i++) {
            JsonNode line = json.readTree(lines.get(i));
            assertEquals(expected[i][0], line.get("cell").asText());
            assertEquals("pytorch", line.get("variant").asText());
            assertEquals(Integer.parseInt(expected[i][1]), line.get("layers").asInt());
        }
    }

    @Test
    void shouldRejectAMalformedSize() {
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new StepBenchCommand());
        cl.setErr(new PrintWriter(err));
        assertEquals(2, cl.execute("--sizes", "8by64"));
        assertTrue(err.toString().contains("8by64"), err.toString());
    }
}
