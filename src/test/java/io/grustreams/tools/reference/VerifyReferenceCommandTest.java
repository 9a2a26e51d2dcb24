package io.grustreams.tools.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grustreams.app.CommandRun;
import io.grustreams.tools.reference.VerifyReferenceCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifyReferenceCommandTest {

    private static Path referenceDir() {
        Path dir = Path.of(System.getProperty("gru.reference.dir", "../shared/reference/gru")).toAbsolutePath().normalize();
        assertTrue(Files.isDirectory(dir), "reference directory " + dir + " is missing (set -Dgru.reference.dir)");
        return dir;
    }


    private static CommandRun run(String... args) {
        return CommandRun.execute(new VerifyReferenceCommand(), args);
    }

    @Test
    void shouldPrintOneOkLinePerFileOfADirectoryAndExitZero() throws Exception {
        Path dir = referenceDir();
        long files;
        try (var s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".json") && !p.endsWith("index.json")).count();
        }

        CommandRun r = run(dir.toString());

        assertEquals(0, r.exit(), r.out() + r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(files, lines.length, r.out());
        for (String line : lines) {
            assertTrue(line.startsWith("OK   ") && line.contains("adam_run="), line);
        }
    }

    @Test
    void shouldVerifyEachCaseOnceWhenGivenEveryJsonFileIncludingTheIndex() throws Exception {
        Path dir = referenceDir();
        java.util.List<String> args;
        try (var s = Files.list(dir)) {
            args = s.filter(p -> p.toString().endsWith(".json")).map(Path::toString).sorted().toList();
        }
        assertTrue(args.stream().anyMatch(a -> a.endsWith("index.json")), args.toString());

        CommandRun all = run(args.toArray(String[]::new));
        CommandRun index = run(dir.resolve("index.json").toString());

        assertEquals(0, all.exit(), all.out() + all.err());
        assertEquals(0, index.exit(), index.out() + index.err());
        long cases = new ObjectMapper().readTree(dir.resolve("index.json").toFile()).get("cases").size();
        assertEquals(cases, all.out().strip().split("\n").length, all.out());
        assertEquals(cases, index.out().strip().split("\n").length, index.out());
        assertTrue(all.out().lines().allMatch(l -> l.startsWith("OK   ")), all.out());
    }

    @Test
    void shouldExitNonZeroWhenAFileIsCorrupted(@TempDir Path tmp) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = (ObjectNode) mapper.readTree(referenceDir().resolve("pytorch_I3_H4_seed3.json").toFile());
        ObjectNode forward = (ObjectNode) root.get("forward");
        forward.put("loss", forward.get("loss").doubleValue() * (1 + 1e-8));
        Path bad = tmp.resolve("pytorch_bad.json");
        mapper.writeValue(bad.toFile(), root);

        CommandRun r = run(referenceDir().resolve("cho_I1_H4_seed1.json").toString(), bad.toString());

        assertEquals(1, r.exit(), r.out());
        String[] lines = r.out().strip().split("\n");
        assertEquals(2, lines.length, r.out());
        assertTrue(lines[0].startsWith("OK   cho_I1_H4_seed1.json"), lines[0]);
        assertTrue(lines[1].startsWith("FAIL pytorch_bad.json") && lines[1].contains("forward="), lines[1]);
    }

    @Test
    void shouldExitNonZeroForAMissingPath(@TempDir Path tmp) {
        CommandRun r = run(tmp.resolve("nothing-here").toString());

        assertEquals(1, r.exit());
        assertTrue(r.err().contains("no such file or directory"), r.err());
    }
}
