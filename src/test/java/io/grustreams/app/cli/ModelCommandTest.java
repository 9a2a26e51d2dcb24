package io.grustreams.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grustreams.app.CommandRun;
import io.grustreams.model.Cell;
import io.grustreams.model.GruModel;
import io.grustreams.model.RecurrentStepper;
import io.grustreams.model.Variant;
import io.grustreams.model.codec.ModelCodec;
import io.grustreams.model.codec.ReferenceCase;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();


    private static CommandRun run(String... args) {
        return CommandRun.execute(new ModelCommand(), args);
    }

    private static ReferenceCase pytorchCase() {
        Path file = ReferenceCase.files().stream()
                .filter(p -> p.getFileName().toString().startsWith("pytorch_I3_")).findFirst().orElseThrow();
        return ReferenceCase.load(file);
    }

    private static Path writeStateDict(ReferenceCase ref, Path dir, boolean readout) throws Exception {
        ObjectNode sd = JSON.createObjectNode();
        for (String name : new String[] {"weight_ih", "weight_hh", "bias_ih", "bias_hh"}) {
            sd.set(name + "_l0", ref.root().get("params").get(name));
        }
        if (readout) {
            sd.set("weight", ref.root().get("params").get("W_y"));
            sd.set("bias", ref.root().get("params").get("b_y"));
        }
        Path file = dir.resolve("sensor_gru.json");
        JSON.writeValue(file.toFile(), sd);
        return file;
    }

    @Test
    void shouldImportAStateDictIntoAModelFileThatForecastsLikePyTorch(@TempDir Path dir) throws Exception {
        ReferenceCase ref = pytorchCase();
        Path sd = writeStateDict(ref, dir, true);
        Path out = dir.resolve("model.json");
        CommandRun r = run("import-pytorch", "--state-dict", sd.toString(), "--out", out.toString(),
                "--features", "a,b,c", "--mean", "1,2,3", "--std", "2,4,8", "--version", "5");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("model.json"), r.out());
        assertEquals("", r.err());

        GruModel m = ModelCodec.read(out);
        assertEquals("sensor_gru", m.name());
        assertEquals(5, m.version());
        assertEquals(Variant.PYTORCH, m.variant());
        assertEquals(List.of("a", "b", "c"), m.featureNames());
        assertArrayEquals(new double[] {2, 4, 8}, m.normalization().stds(), 0.0);
        assertEquals("pytorch-state-dict", m.provenance().get("source"));
        assertEquals(ref.parameters(), m.parameters());

        // observe() in original units: feed raw = mean + std·x so that the network sees exactly x.
        RecurrentStepper stepper = RecurrentStepper.forModel(m);
        double[] h = ref.hInit().clone();
        double[] forecast = new double[3];
        double[] mean = m.normalization().means();
        double[] std = m.normalization().stds();
        for (int t = 0; t < ref.x().length; t++) {
            double[] raw = new double[3];
            for (int j = 0; j < 3; j++) {
                raw[j] = mean[j] + std[j] * ref.x()[t][j];
            }
            stepper.observe(h, raw, forecast);
            assertArrayEquals(ref.h()[t], h, 1e-12);
            for (int j = 0; j < 3; j++) {
                assertEquals(ref.y()[t][j] * std[j] + mean[j], forecast[j], 1e-11);
            }
        }
    }

    @Test
    void shouldWarnOnStderrWhenTheReadoutIsMissing(@TempDir Path dir) throws Exception {
        Path sd = writeStateDict(pytorchCase(), dir, false);
        Path out = dir.resolve("model.json");
        CommandRun r = run("import-pytorch", "--state-dict", sd.toString(), "--out", out.toString(), "--name", "n");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("no readout"), r.err());
        GruModel m = ModelCodec.read(out);
        assertEquals(List.of("x0", "x1", "x2"), m.featureNames());
        assertEquals(0.0, m.parameters().get("W_y", 1, 1));
        assertArrayEquals(new double[] {1, 1, 1}, m.normalization().stds(), 0.0);
    }

    @Test
    void shouldFailWithoutWritingWhenOptionsDisagreeWithTheStateDict(@TempDir Path dir) throws Exception {
        Path sd = writeStateDict(pytorchCase(), dir, true);
        Path out = dir.resolve("model.json");
        CommandRun r = run("import-pytorch", "--state-dict", sd.toString(), "--out", out.toString(), "--features", "a,b");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--features has 2 names"), r.err());
        CommandRun r2 = run("import-pytorch", "--state-dict", sd.toString(), "--out", out.toString(), "--std", "1,0,1");
        assertEquals(2, r2.exit());
        assertTrue(r2.err().contains("std[1]"), r2.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void shouldImportAStackedLstmWithTheCellNamed(@TempDir Path dir) throws Exception {
        Path sd = dir.resolve("lstm.json");
        try (InputStream in = ModelCommandTest.class.getResourceAsStream("/pytorch-import/lstm_L2.state_dict.json")) {
            Files.copy(in, sd);
        }
        Path out = dir.resolve("model.json");
        CommandRun r = run("import-pytorch", "--cell", "lstm", "--state-dict", sd.toString(), "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        GruModel m = ModelCodec.read(out);
        assertEquals(Cell.LSTM, m.layout().cell());
        assertEquals(2, m.layout().layers());
        assertTrue(r.out().contains("lstm(layers 2"), r.out());

        CommandRun wrongCell = run("import-pytorch", "--cell", "gru", "--state-dict", sd.toString(), "--out",
                dir.resolve("gru.json").toString());
        assertEquals(1, wrongCell.exit());
        assertTrue(wrongCell.err().contains("weight_hh_l0"), wrongCell.err());
        CommandRun unknownCell = run("import-pytorch", "--cell", "transformer", "--state-dict", sd.toString(), "--out",
                dir.resolve("t.json").toString());
        assertEquals(2, unknownCell.exit());
        assertTrue(unknownCell.err().contains("unknown cell 'transformer'"), unknownCell.err());
        assertFalse(Files.exists(dir.resolve("gru.json")));
    }
}
