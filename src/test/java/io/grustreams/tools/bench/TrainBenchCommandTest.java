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

/** The output contract of {@code bench train}; no figure is judged here (timing belongs to the benchmark). */
class TrainBenchCommandTest {

    @Test
    void shouldTrainEveryCellAndLayerCountAskedForAndNameThemInTheJson() throws Exception {
        StringWriter out = new StringWriter();
        CommandLine cl = new CommandLine(new TrainBenchCommand());
        cl.setOut(new PrintWriter(out));
        int exit = cl.execute("--json", "--cells", "lstm,gru", "--variant", "cho", "--layers", "2", "--hidden", "3",
                "--input", "2", "--batch", "2", "--steps", "8", "--chunk", "4", "--warmup", "0", "--rounds", "1",
                "--min-round-ms", "1", "--threads", "1", "--shards", "1");
        assertEquals(0, exit);
        List<String> lines = out.toString().lines().toList();
        assertEquals(2, lines.size(), out.toString());
        ObjectMapper json = new ObjectMapper();
        String[][] expected = {{"lstm", "pytorch"}, {"gru", "cho"}};
        for (int i = 0; i < 2; i++) {
            JsonNode line = json.readTree(lines.get(i));
            assertEquals("train", line.get("bench").asText());
            assertEquals(expected[i][0], line.get("cell").asText());
            assertEquals(expected[i][1], line.get("variant").asText());
            assertEquals(2, line.get("layers").asInt());
            assertTrue(line.get("median_steps_per_s").asDouble() > 0, lines.get(i));
        }
    }
}
