package io.grustreams.app.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grustreams.model.GruLayout;
import io.grustreams.model.GruModel;
import io.grustreams.model.Normalization;
import io.grustreams.model.TestModels;
import io.grustreams.model.Variant;
import io.grustreams.train.Decision;
import io.grustreams.train.History;
import io.grustreams.train.RetrainResult;
import io.grustreams.train.SampleSummary;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunReportTest {

    /** A report of made-up, exactly representable figures (no arithmetic that could round differently). */
    static RunReport report() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("keys", 2);
        data.put("events", 400L);
        Map<String, Object> hp = new LinkedHashMap<>();
        hp.put("variant", "cho");
        hp.put("hiddenSize", 3);
        hp.put("learningRate", 0.003);
        Map<String, Object> validation = new LinkedHashMap<>();
        validation.put("score", 0.25);
        validation.put("rmseVsPersistence", List.of(0.5));
        validation.put("championVersion", 4L);
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("data", data);
        provenance.put("hyperParameters", hp);
        provenance.put("seed", 7L);
        provenance.put("warmStart", "from the current model v4");
        provenance.put("validation", validation);
        GruModel model = new GruModel("sensors", 5, Instant.parse("2025-03-01T12:00:00Z"), List.of("temp", "load"),
                new Normalization(new double[] {1, 2}, new double[] {0.5, 4}),
                TestModels.randomParameters(GruLayout.of(Variant.CHO, 2, 3, 2), 1, 0.5), provenance);
        RetrainResult result = new RetrainResult(model, new Decision(true, "validation MSE 0.25 beats 0.5"), 0.25,
                0.5, Double.NaN, OptionalDouble.of(0.5), new double[] {0.75, 0.375}, new double[] {0.5, 0.3125, 0.25},
                2, "", new RetrainResult.DataSummary(2, 400, 2, 4, 512, 512, 80, 8, 16));
        Map<String, Object> sourceProvenance = new LinkedHashMap<>();
        sourceProvenance.put("kind", "topic");
        sourceProvenance.put("topic", "events");
        SourceData source = new SourceData(History.builder(2).build(), 403, Map.of("not-json", 3L),
                new SampleSummary(7, 2, 200, 5, false, 2, 1000, 400, 550, 50), sourceProvenance);
        Map<String, String> files = new LinkedHashMap<>();
        files.put("report", "out/sensors-v5.json");
        files.put("lossCurve", "out/sensors-v5.png");
        files.put("model", "out/sensors-v5.model.json");
        return new RunReport(Instant.parse("2025-03-01T12:00:00Z"), Instant.parse("2025-03-01T12:00:08Z"), 2.0, 6.0,
                source, result, model.withEffectiveFrom(Instant.parse("2025-03-01T12:01:08Z")), 4096, List.of(2.5, 3.0), false, Optional.of("models"),
                Optional.of(new ModelsTopic.Published(0, 41)), files, Optional.empty());
    }

    @Test
    void shouldMatchTheGoldenReport() throws IOException {
        String golden;
        try (InputStream in = RunReportTest.class.getResourceAsStream("/golden/train-report-v3.json")) {
            golden = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertEquals(golden, report().json());
    }

    @Test
    void shouldWriteOneJsonObjectWithItsFormatAndVersion(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("r.json");
        report().write(file);
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        assertEquals(RunReport.FORMAT, root.get("format").asText());
        assertEquals(RunReport.VERSION, root.get("formatVersion").asInt());
        assertEquals(3, root.get("epochs").size());
        assertEquals(0.3125, root.get("epochs").get(1).get("validationScore").asDouble());
        assertEquals(41, root.get("publishedTo").get("offset").asLong());
        assertEquals("sensors@5", root.get("publishedTo").get("key").asText());
        assertEquals("2025-03-01T12:01:08Z", root.get("model").get("effectiveFrom").asText());
        JsonNode sample = root.get("sample");
        assertEquals(5, sample.get("keysSeen").asLong());
        assertEquals(2, sample.get("keysKept").asInt());
        assertEquals(1000, sample.get("eventsSeen").asLong());
        assertEquals(400, sample.get("eventsKept").asLong());
        assertEquals(550, sample.get("eventsDroppedByKeyCap").asLong());
        assertEquals(50, sample.get("eventsDroppedByEventCap").asLong());
        assertEquals(7, sample.get("seed").asLong());
        // 512 steps x 2 epochs / 6 s
        assertEquals(512 * 2 / 6.0, root.get("trainingStepsPerSecond").asDouble());
    }
}
