package io.grustreams.app.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grustreams.app.CommandRun;
import io.grustreams.app.Main;
import io.grustreams.model.Cell;
import io.grustreams.model.GruModel;
import io.grustreams.model.codec.ModelCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TrainCommandTest {

    @TempDir
    Path dir;
    private Path config;
    private Path csv;

    @BeforeEach
    void files() throws IOException {
        config = dir.resolve("gru.properties");
        Files.writeString(config, "gru.features=temp,load\ngru.ring.size=64\n");
        csv = dir.resolve("events.csv");
        Files.writeString(csv, sines(6, 400));
    }

    /** Sums of sines plus noise, two features, {@code keys} keys of {@code n} rows, one second apart. */
    static String sines(int keys, int n) {
        SplittableRandom rng = new SplittableRandom(3);
        StringBuilder sb = new StringBuilder("key,timestamp,temp,load\n");
        List<double[]> params = new ArrayList<>();
        for (int k = 0; k < keys; k++) {
            params.add(new double[] {12 + 18 * rng.nextDouble(), 2 * Math.PI * rng.nextDouble(),
                    40 + 40 * rng.nextDouble(), 2 * Math.PI * rng.nextDouble()});
        }
        for (int t = 0; t < n; t++) {
            for (int k = 0; k < keys; k++) {
                double[] p = params.get(k);
                double temp = 20 + 3 * Math.sin(2 * Math.PI * t / p[0] + p[1]) + 0.1 * rng.nextGaussian();
                double load = 0.5 + 0.2 * Math.sin(2 * Math.PI * t / p[2] + p[3]) + 0.01 * rng.nextGaussian();
                sb.append(String.format(Locale.ROOT, "dev-%d,%d,%s,%s%n", k, 1_700_000_000_000L + 1000L * t, temp, load));
            }
        }
        return sb.toString();
    }

    private static final String[] SMALL = {"--hidden", "12", "--sequence-length", "32", "--k1", "16", "--batch", "8",
        "--epochs", "8", "--lr", "1e-2", "--seed", "5", "--threads", "2"};

    /** "train", then SMALL's options with those of {@code more} taking precedence (picocli takes each once). */
    private static String[] args(String... more) {
        Map<String, String> options = new LinkedHashMap<>();
        for (String[] list : new String[][] {SMALL, more}) {
            for (int i = 0; i < list.length; i++) {
                boolean hasValue = i + 1 < list.length && !list[i + 1].startsWith("--");
                options.put(list[i], hasValue ? list[++i] : null);
            }
        }
        List<String> all = new ArrayList<>(List.of("train"));
        options.forEach((k, v) -> {
            all.add(k);
            if (v != null) {
                all.add(v);
            }
        });
        return all.toArray(String[]::new);
    }

    private static CommandRun main(String... args) {
        return CommandRun.execute(Main.commandLine(), args);
    }

    /** The command alone, on a fixed clock, with Main's error handling. */
    private static CommandRun fixedClock(String... args) {
        TrainCommand cmd = new TrainCommand();
        cmd.clock = Clock.fixed(Instant.parse("2025-03-01T12:00:00Z"), ZoneOffset.UTC);
        CommandLine own = new CommandLine(cmd);
        own.setExecutionExceptionHandler(Main.commandLine().getExecutionExceptionHandler());
        // args start with the subcommand name "train", which the command alone does not take
        return CommandRun.execute(own, Arrays.copyOfRange(args, 1, args.length));
    }

    private static List<Path> files(Path d, String suffix) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }

    @Test
    void shouldTrainOnCsvFilesAndWriteModelReportAndLossCurve() throws IOException {
        Path out = dir.resolve("runs");
        CommandRun r = main(args("--config", config.toString(), "--input", csv.toString(), "--dry-run", "--out", out.toString()));
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("read 2,400 records from 1 file(s)"), r.out());
        assertTrue(r.out().contains("epoch 1/8  train"), r.out());
        assertTrue(r.out().contains("not published (dry run): validation MSE "), r.out());
        assertTrue(r.out().contains("no current model to compare with"), r.out());

        List<Path> models = files(out, ".model.json");
        assertEquals(1, models.size());
        GruModel model = ModelCodec.read(models.get(0));
        assertEquals("gru", model.name());
        assertEquals(1, model.version());
        assertEquals(List.of("temp", "load"), model.featureNames());
        assertEquals(12, model.layout().hiddenSize());

        Path report = out.resolve(models.get(0).getFileName().toString().replace(".model.json", ".json"));
        JsonNode json = new ObjectMapper().readTree(report.toFile());
        assertTrue(json.get("decision").get("publish").asBoolean());
        assertFalse(json.get("decision").get("published").asBoolean());
        assertTrue(json.get("decision").get("dryRun").asBoolean());
        assertEquals("files", json.get("source").get("kind").asText());
        assertEquals(64, json.get("hyperParameters").get("warmupSteps").asInt(), "W defaults to gru.ring.size");
        assertTrue(json.get("validation").get("score").asDouble() < 1, "beats persistence");
        assertEquals(1, json.get("hyperParameters").get("horizon").asInt(), "gru.forecast.horizon");

        Path png = out.resolve(models.get(0).getFileName().toString().replace(".model.json", ".png"));
        assertEquals(LossCurvePlot.WIDTH, ImageIO.read(png.toFile()).getWidth());
        assertTrue(r.err().isEmpty(), r.err());
    }

    @Test
    void shouldWriteIdenticalModelFilesForTheSameDataAndSeed() throws IOException {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        assertEquals(0, fixedClock(args("--config", config.toString(), "--input", csv.toString(), "--dry-run",
                "--out", a.toString())).exit());
        assertEquals(0, fixedClock(args("--config", config.toString(), "--input", csv.toString(), "--dry-run",
                "--out", b.toString(), "--threads", "1")).exit());
        byte[] first = Files.readAllBytes(files(a, ".model.json").get(0));
        byte[] second = Files.readAllBytes(files(b, ".model.json").get(0));
        assertArrayEquals(first, second);
        GruModel model = ModelCodec.fromJson(first);
        assertEquals(Instant.parse("2025-03-01T12:00:00Z"), model.createdAt());
        assertEquals(Instant.parse("2025-03-01T12:01:00Z"), model.effectiveFrom(), "publish time + the 1 minute lead");
    }

    @Test
    void shouldTrainTheSameModelOnTheSameSampleWhateverTheRowOrder() throws IOException {
        // The same rows key by key instead of interleaved: each key's own order is kept.
        List<String> lines = new ArrayList<>(Files.readAllLines(csv));
        String header = lines.remove(0);
        List<String> byKey = lines.stream().sorted(Comparator.comparing(l -> l.substring(0, l.indexOf(',')))).toList();
        Path grouped = dir.resolve("grouped.csv");
        Files.writeString(grouped, header + "\n" + String.join("\n", byKey) + "\n");
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        String[] caps = {"--max-keys", "4", "--max-events-per-key", "300", "--epochs", "2"};
        CommandRun first = fixedClock(args(concat(caps, "--config", config.toString(), "--input", csv.toString(), "--dry-run",
                "--out", a.toString())));
        CommandRun second = fixedClock(args(concat(caps, "--config", config.toString(), "--input", grouped.toString(),
                "--dry-run", "--out", b.toString())));
        assertEquals(0, first.exit(), first.err());
        assertEquals(0, second.exit(), second.err());
        // The same model file but for the input's name in its provenance.
        assertEquals(Files.readString(files(a, ".model.json").get(0)).replace(csv.toString(), grouped.toString()),
                Files.readString(files(b, ".model.json").get(0)));
        // Beyond the cap the keys seen are estimated from the sample; with 4 kept, roughly.
        assertTrue(first.out().contains("kept 4 of about "), first.out());
        assertTrue(first.out().contains(" keys (at most 4, sampled with seed 5) and 1,200 events (at most the newest"
                + " 300 per key); dropped 800 events of keys not sampled and 400 older events of sampled keys"),
                first.out());

        Path report = files(a, ".json").stream().filter(p -> !p.toString().endsWith(".model.json")).findFirst()
                .orElseThrow();
        JsonNode sample = new ObjectMapper().readTree(report.toFile()).get("sample");
        assertFalse(sample.get("keysSeenExact").asBoolean());
        assertEquals(4, sample.get("keysKept").asInt());
        assertEquals(2400, sample.get("eventsSeen").asLong());
        assertEquals(1200, sample.get("eventsKept").asLong());
        assertEquals(800, sample.get("eventsDroppedByKeyCap").asLong());
        assertEquals(400, sample.get("eventsDroppedByEventCap").asLong());
        assertEquals(5, sample.get("seed").asLong());
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void shouldNameABadCap() {
        CommandRun r = main(args("--config", config.toString(), "--input", csv.toString(), "--dry-run", "--max-keys", "0"));
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("--max-keys must be positive: 0"), r.err());
    }

    @Test
    void shouldNotPublishAModelWorseThanTheCurrentOne() throws IOException {
        Path first = dir.resolve("first");
        assertEquals(0, main(args("--config", config.toString(), "--input", csv.toString(), "--dry-run",
                "--out", first.toString())).exit());
        Path champion = files(first, ".model.json").get(0);
        Path second = dir.resolve("second");
        CommandRun r = main(args("--config", config.toString(), "--input", csv.toString(), "--dry-run", "--out",
                second.toString(), "--champion", champion.toString(), "--hidden", "2", "--epochs", "1"));
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("current model: gru v1"), r.out());
        assertTrue(r.out().contains("not published: validation MSE"), r.out());
        assertTrue(r.out().contains("does not beat the current model gru v1"), r.out());
        JsonNode json = new ObjectMapper().readTree(files(second, ".json").stream()
                .filter(p -> !p.toString().endsWith(".model.json")).findFirst().orElseThrow().toFile());
        assertFalse(json.get("decision").get("publish").asBoolean());
        assertEquals(2, json.get("model").get("version").asInt());
    }

    @Test
    void shouldEndWithOneLineAndPublishNothingOnBadConfiguration() throws IOException {
        Files.writeString(config, "gru.features=temp,load\ngru.typo=1\nbootstrap.servers=127.0.0.1:1\n");
        Path out = dir.resolve("runs");
        CommandRun r = main(args("--config", config.toString(), "--input", csv.toString(), "--out", out.toString()));
        assertEquals(2, r.exit(), "a bad configuration");
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("error: unknown setting 'gru.typo' (from file " + config + ";"), r.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void shouldEndWithOneLineOnAnEmptyWindow() throws IOException {
        Files.writeString(csv, "key,timestamp,temp,load\n");
        Path out = dir.resolve("runs");
        CommandRun r = main(args("--config", config.toString(), "--input", csv.toString(), "--dry-run", "--out",
                out.toString()));
        assertEquals(1, r.exit());
        assertEquals("error: no events in 1 file(s) under " + csv + "; nothing to train on", r.err().strip());
        assertFalse(Files.exists(out));
    }

    @Test
    void shouldTrainAStackedLstmWhenAskedFor() throws IOException {
        Path out = dir.resolve("lstm");
        CommandRun r = main(args("--config", config.toString(), "--input", csv.toString(), "--dry-run", "--out",
                out.toString(), "--cell", "lstm", "--layers", "2", "--epochs", "1"));
        assertEquals(0, r.exit(), r.err());
        GruModel model = ModelCodec.read(files(out, ".model.json").get(0));
        assertEquals(Cell.LSTM, model.layout().cell());
        assertEquals(2, model.layout().layers());
        CommandRun bad = main(args("--config", config.toString(), "--input", csv.toString(), "--dry-run", "--cell", "lstm",
                "--variant", "cho"));
        assertEquals(1, bad.exit());
        assertEquals("error: bad training option: the lstm cell exists in the pytorch form only, not cho",
                bad.err().strip());
    }

    @Test
    void shouldNameTheBadOption() {
        CommandRun r = main(args("--config", config.toString(), "--input", csv.toString(), "--dry-run", "--validation-fraction",
                "1.5"));
        assertEquals(1, r.exit());
        assertEquals("error: bad training option: validationFraction must be in (0, 1): 1.5", r.err().strip());
        CommandRun w = main(args("--config", config.toString(), "--window", "yesterday"));
        assertEquals("error: --window 'yesterday' is not a duration such as PT24H, 24h, 90m or 1d", w.err().strip());
        CommandRun e = main(args("--config", config.toString(), "--effective-from", "tomorrow"));
        assertEquals("error: --effective-from 'tomorrow' is not an ISO-8601 instant such as 2026-12-01T00:00:00Z",
                e.err().strip());
    }

    @Test
    void shouldSetAGivenEffectiveFrom() throws IOException {
        Path out = dir.resolve("runs");
        assertEquals(0, main(args("--config", config.toString(), "--input", csv.toString(), "--dry-run", "--out",
                out.toString(), "--epochs", "1", "--effective-from", "2026-12-01T00:00:00Z")).exit());
        assertEquals(Instant.parse("2026-12-01T00:00:00Z"), ModelCodec.read(files(out, ".model.json").get(0))
                .effectiveFrom());
    }

    @Test
    void shouldRequireABrokerToPublish() {
        CommandRun r = main(args("--config", config.toString(), "--input", csv.toString()));
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("error: bootstrap.servers is not set (in --config, as GRUSTREAMS_BOOTSTRAP_SERVERS"
                + " or with --set)"), r.err());
    }

    @Test
    void shouldReadTheEnvironmentAndSetOverTheFileAsRunDoes() throws IOException {
        TrainCommand cmd = new TrainCommand();
        cmd.env = Map.of("GRUSTREAMS_GRU_MODEL_NAME", "from-env", "GRUSTREAMS_GRU_RING_SIZE", "32");
        new CommandLine(cmd).parseArgs("--config", config.toString(), "--input", csv.toString(), "--dry-run");
        assertEquals("from-env", cmd.plan().modelName());
        assertEquals(32, cmd.plan().settings().ringSize());
        new CommandLine(cmd).parseArgs("--config", config.toString(), "--input", csv.toString(), "--dry-run",
                "--set", "gru.model.name=from-set");
        assertEquals("from-set", cmd.plan().modelName());
        assertEquals(List.of("temp", "load"), cmd.plan().settings().features());
    }

    @Test
    void shouldReadIsoAndShortDurations() {
        assertEquals(Duration.ofHours(24), TrainCommand.duration("--window", "PT24H"));
        assertEquals(Duration.ofHours(24), TrainCommand.duration("--window", "24h"));
        assertEquals(Duration.ofMinutes(90), TrainCommand.duration("--window", "90m"));
        assertEquals(Duration.ofDays(1), TrainCommand.duration("--window", "1d"));
        assertEquals(Duration.ofMillis(500), TrainCommand.duration("--window", "500ms"));
        assertThrows(IllegalArgumentException.class, () -> TrainCommand.duration("--every", "-PT1H"));
    }
}
