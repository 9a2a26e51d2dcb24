package io.grustreams.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import io.grustreams.app.train.ModelsTopic;

import io.grustreams.model.GruLayout;
import io.grustreams.model.GruModel;
import io.grustreams.model.Normalization;
import io.grustreams.model.Parameters;
import io.grustreams.model.Provenance;
import io.grustreams.model.Variant;
import io.grustreams.model.codec.ModelCodec;
import io.grustreams.stream.ModelRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ModelCatalogTest {

    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

    private static GruModel model(String name, long version, List<String> features, Instant effectiveFrom,
            Map<String, Object> provenance) {
        GruLayout layout = GruLayout.of(Variant.CHO, features.size(), 2, features.size());
        return new GruModel(name, version, Instant.parse("2025-01-01T00:00:00Z"), effectiveFrom, features,
                Normalization.identity(features.size()), Parameters.zeros(layout), provenance);
    }

    private static ModelsTopic.Entry entry(String key, byte[] value, long offset) {
        return new ModelsTopic.Entry(key, value, 0, offset, 0L);
    }

    private static ModelsTopic.Entry entry(GruModel m, long offset) {
        return entry(ModelRegistry.recordKey(m), ModelCodec.toJson(m), offset);
    }

    @Test
    void shouldJudgeEveryRecordAsTheStreamWould() {
        List<String> one = List.of("value");
        GruModel v1 = model("m", 1, one, NOW.minusSeconds(3600), Map.of("validation", Map.of("mse", 0.25)));
        GruModel v2 = model("m", 2, one, NOW.minusSeconds(60), Map.of("validationLoss", 0.5, "seed", 7));
        // What gru-streams' own trainer writes (Retrainer), read back through the same declared keys.
        GruModel trained = model("m", 6, one, NOW, Map.of(Provenance.VALIDATION,
                Map.of(Provenance.VALIDATION_SCORE_OF_BEST, 0.625, Provenance.VALIDATION_MSE, 9.0)));
        GruModel v3 = model("m", 3, one, NOW.plusSeconds(60), Map.of("rolledBackFrom", 1));
        GruModel v0 = model("m", 0, one, Instant.EPOCH, Map.of());
        GruModel temp = model("m", 4, List.of("temp"), Instant.EPOCH, Map.of());
        ModelCatalog c = ModelCatalog.of(List.of(entry(v1, 0), entry(v2, 1), entry(v3, 2), entry(v0, 3),
                entry(temp, 4), entry("m@5", "{}".getBytes(StandardCharsets.UTF_8), 5)),
                new ModelRegistry(one, Optional.empty(), 3), NOW);
        List<ModelCatalog.Row> rows = c.rows();
        assertEquals(List.of("m@5", "m@0", "m@1", "m@2", "m@3", "m@4"),
                rows.stream().map(r -> r.entry().key()).toList());
        assertEquals(List.of(ModelCatalog.Status.REJECTED, ModelCatalog.Status.NOT_KEPT, ModelCatalog.Status.KEPT,
                ModelCatalog.Status.SERVING, ModelCatalog.Status.PENDING, ModelCatalog.Status.REJECTED),
                rows.stream().map(ModelCatalog.Row::status).toList());
        assertNull(rows.get(0).model());
        assertTrue(rows.get(0).problem().startsWith("format: "), rows.get(0).problem());
        assertTrue(rows.get(5).problem().contains("model features [temp]"), rows.get(5).problem());
        assertEquals(OptionalLong.of(4), c.maxVersion("m"));
        assertEquals(Optional.of(v1), c.find("m", 1));
        assertEquals(Optional.empty(), c.find("m", 4));
        assertEquals(Optional.of("mse=0.2500"), ModelCatalog.validation(v1));
        assertEquals(Optional.of("loss=0.5000"), ModelCatalog.validation(v2));
        assertEquals(Optional.empty(), ModelCatalog.validation(v3));
        assertEquals(Optional.of("score=0.6250"), ModelCatalog.validation(trained));
        GruModel fromTopic = model("m", 7, one, NOW, Map.of(Provenance.SOURCE, Map.of(Provenance.SOURCE_KIND, "topic",
                Provenance.SOURCE_TOPIC, "events"), Provenance.SEED, 42));
        assertEquals("kind=topic topic=events seed=42", ModelCatalog.provenanceSummary(fromTopic));
        assertEquals("seed=7", ModelCatalog.provenanceSummary(v2));
        assertEquals("rolledBackFrom=1", ModelCatalog.provenanceSummary(v3));
    }

    @Test
    void shouldPickTheEffectiveTimeExplicitThenFileAheadThenNowPlusLead() {
        Duration lead = Duration.ofMinutes(1);
        Instant explicit = Instant.parse("2020-01-01T00:00:00Z");
        assertEquals(explicit, ModelPublishCommand.effectiveFrom(explicit, lead, NOW.plusSeconds(600), NOW));
        assertEquals(NOW.plusSeconds(600), ModelPublishCommand.effectiveFrom(null, lead, NOW.plusSeconds(600), NOW));
        assertEquals(NOW.plus(lead), ModelPublishCommand.effectiveFrom(null, lead, Instant.EPOCH, NOW));
        assertEquals(NOW.plus(lead), ModelPublishCommand.effectiveFrom(null, lead, NOW, NOW));
    }

    @Test
    void shouldReadLeadsInShortAndIsoForm() {
        CommandLine.Model.CommandSpec spec = new CommandLine(new ModelPublishCommand()).getCommandSpec();
        assertEquals(Duration.ofMillis(500), ModelPublishCommand.parseDuration(spec, "500ms"));
        assertEquals(Duration.ofSeconds(30), ModelPublishCommand.parseDuration(spec, "30s"));
        assertEquals(Duration.ofMinutes(5), ModelPublishCommand.parseDuration(spec, "5m"));
        assertEquals(Duration.ofHours(2), ModelPublishCommand.parseDuration(spec, "2h"));
        assertEquals(Duration.ofMinutes(1), ModelPublishCommand.parseDuration(spec, "PT1M"));
        assertThrows(CommandLine.ParameterException.class, () -> ModelPublishCommand.parseDuration(spec, "soon"));
        assertThrows(CommandLine.ParameterException.class, () -> ModelPublishCommand.parseDuration(spec, "PT-1M"));
        assertThrows(CommandLine.ParameterException.class, () -> ModelPublishCommand.parseInstant(spec, "tomorrow"));
    }
}
