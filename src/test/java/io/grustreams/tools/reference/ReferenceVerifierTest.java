package io.grustreams.tools.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReferenceVerifierTest {

    private final ReferenceVerifier verifier = ReferenceVerifier.standard();

    @Test
    void shouldMatchEverySharedPyTorchReferenceFile() {
        List<Path> files = ReferenceVerifier.referenceFiles(ReferenceFiles.directory());
        assertTrue(files.size() >= 10, "expected at least the 10 shared reference files, found " + files);
        for (Path f : files) {
            ReferenceVerifier.FileResult r = verifier.verify(f);
            assertTrue(r.passed(), r.line());
            assertEquals(verifier.parts().size(), r.parts().size(), r.line());
        }
    }

    @Test
    void shouldCoverBothVariants() {
        List<Path> files = ReferenceVerifier.referenceFiles(ReferenceFiles.directory());
        assertTrue(files.stream().anyMatch(f -> f.getFileName().toString().startsWith("cho_")));
        assertTrue(files.stream().anyMatch(f -> f.getFileName().toString().startsWith("pytorch_")));
    }

    @Test
    void shouldFailOnlyThePartWhoseReferenceValueWasCorrupted(@TempDir Path tmp) throws Exception {
        Path src = ReferenceFiles.directory().resolve("cho_I3_H4_seed3.json");
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = (ObjectNode) mapper.readTree(src.toFile());
        ArrayNode row = (ArrayNode) root.path("bptt_full").path("grad").path("W_z").get(1);
        row.set(2, row.get(2).doubleValue() + 1e-7);
        Path bad = tmp.resolve("corrupted.json");
        mapper.writeValue(bad.toFile(), root);

        ReferenceVerifier.FileResult r = verifier.verify(bad);

        assertFalse(r.passed(), r.line());
        for (ReferenceVerifier.PartResult p : r.parts()) {
            assertEquals(!p.name().equals("bptt_full"), p.passed(), r.line());
        }
        assertTrue(r.line().startsWith("FAIL "), r.line());
    }

    @Test
    void shouldFailWhenATrainingRunValueIsCorrupted(@TempDir Path tmp) throws Exception {
        Path src = ReferenceFiles.directory().resolve("pytorch_I1_H4_seed1.json");
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = (ObjectNode) mapper.readTree(src.toFile());
        ArrayNode hFinal = (ArrayNode) root.path("tbptt_adam_run").path("h_final");
        hFinal.set(0, hFinal.get(0).doubleValue() - 2e-9);
        Path bad = tmp.resolve("corrupted_adam.json");
        mapper.writeValue(bad.toFile(), root);

        ReferenceVerifier.FileResult r = verifier.verify(bad);

        assertFalse(r.passed(), r.line());
        assertFalse(r.parts().stream().filter(p -> p.name().equals("adam_run")).findFirst().orElseThrow().passed());
    }

    @Test
    void shouldNameTheMissingFieldOfAnInvalidFile(@TempDir Path tmp) throws Exception {
        Path src = ReferenceFiles.directory().resolve("cho_I1_H4_seed1.json");
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = (ObjectNode) mapper.readTree(src.toFile());
        ((ObjectNode) root.path("tbptt")).remove("grad_sum");
        Path bad = tmp.resolve("missing.json");
        mapper.writeValue(bad.toFile(), root);

        ReferenceVerifier.FileResult r = verifier.verify(bad);

        assertFalse(r.passed());
        assertNotNull(r.error());
        assertTrue(r.error().contains("tbptt.grad_sum"), r.error());
    }

    @Test
    void shouldRejectAnUnknownSchemaVersion(@TempDir Path tmp) throws Exception {
        Path src = ReferenceFiles.directory().resolve("cho_I1_H4_seed1.json");
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = (ObjectNode) mapper.readTree(src.toFile());
        root.put("schema", "gru-reference/2");
        Path bad = tmp.resolve("future.json");
        mapper.writeValue(bad.toFile(), root);

        ReferenceVerifier.FileResult r = verifier.verify(bad);

        assertFalse(r.passed());
        assertTrue(r.error().contains("'schema'"), r.error());
    }

    @Test
    void shouldSkipTheIndexButListEveryCaseOfADirectory(@TempDir Path tmp) throws Exception {
        Path dir = ReferenceFiles.directory();
        Files.copy(dir.resolve("index.json"), tmp.resolve("index.json"));
        Files.copy(dir.resolve("cho_I1_H4_seed1.json"), tmp.resolve("cho_I1_H4_seed1.json"));

        assertEquals(List.of(tmp.resolve("cho_I1_H4_seed1.json")), ReferenceVerifier.referenceFiles(tmp));
    }

    @Test
    void shouldRunAnAddedPart() {
        ReferenceVerifier v = verifier.withPart("always_off", (c, m) -> m.compare(1.0, 1.0 + 1e-6));
        ReferenceVerifier.FileResult r = v.verify(ReferenceFiles.directory().resolve("cho_I1_H4_seed1.json"));
        assertEquals("always_off", r.parts().get(r.parts().size() - 1).name());
        assertFalse(r.passed(), r.line());
    }

    /** The project's own reference files (schema recurrent-reference/2), relative to the project directory. */
    private static Path projectCases() {
        return Path.of(System.getProperty("basedir", ".")).resolve("src/test/reference/cases");
    }

    @Test
    void shouldCheckForwardGradientsClippingAndAdamOfEveryCellAndLayerCount() {
        List<Path> files = ReferenceVerifier.referenceFiles(projectCases().resolve(ReferenceVerifier.INDEX));
        assertEquals(16, files.size(), files.toString());
        for (Path f : files) {
            ReferenceVerifier.FileResult r = verifier.verify(f);
            assertTrue(r.passed(), r.line());
            assertEquals(List.of("forward_stepper", "forward", "bptt_full", "tbptt_chunks", "tbptt_sum", "clip_full",
                    "clip_tbptt", "adam_run"), r.parts().stream().map(ReferenceVerifier.PartResult::name).toList());
        }
    }

    @Test
    void shouldFailTheForwardPartWhenTheSecondLayersCellStateIsCorrupted(@TempDir Path tmp) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = (ObjectNode) mapper.readTree(projectCases().resolve("lstm_L2_I3_H5_seed12.json").toFile());
        ArrayNode c = (ArrayNode) root.path("forward").path("c").get(1).get(5);
        c.set(2, c.get(2).doubleValue() + 1e-8);
        Path bad = tmp.resolve("corrupted_lstm.json");
        mapper.writeValue(bad.toFile(), root);

        ReferenceVerifier.FileResult r = verifier.verify(bad);

        assertFalse(r.passed(), r.line());
        assertTrue(r.line().startsWith("FAIL "), r.line());
    }

    @Test
    void shouldFailOnlyTheFullGradientWhenASecondLayerGradientIsCorrupted(@TempDir Path tmp) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = (ObjectNode) mapper.readTree(projectCases().resolve("gru-cho_L2_I3_H5_seed4.json").toFile());
        ArrayNode row = (ArrayNode) root.path("bptt_full").path("grad").path("W_h_l1").get(2);
        row.set(7, row.get(7).doubleValue() + 1e-8);
        Path bad = tmp.resolve("corrupted_cho.json");
        mapper.writeValue(bad.toFile(), root);

        ReferenceVerifier.FileResult r = verifier.verify(bad);

        assertFalse(r.passed(), r.line());
        for (ReferenceVerifier.PartResult p : r.parts()) {
            assertEquals(!p.name().equals("bptt_full"), p.passed(), r.line());
        }
    }
}
