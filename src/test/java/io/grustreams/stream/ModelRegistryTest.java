package io.grustreams.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grustreams.model.GruModel;
import io.grustreams.model.InputSpec;
import io.grustreams.model.TimeInput;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ModelRegistryTest {

    private static final List<String> FEATURES = List.of("temp", "load");

    @Test
    void shouldServeNothingUntilAModelArrives() {
        ModelRegistry r = new ModelRegistry(FEATURES, Optional.empty());
        assertNull(r.select(0L));
        assertEquals(List.of(), r.models());
    }

    @Test
    void shouldServeTheHighestVersionWhateverTheArrivalOrder() {
        ModelRegistry r = new ModelRegistry(FEATURES, Optional.empty());
        GruModel v2 = TestModels.random("m", 2, FEATURES, 4, 1);
        GruModel v1 = TestModels.random("m", 1, FEATURES, 4, 2);
        assertEquals(Optional.empty(), r.offer("m:2", v2));
        assertEquals(Optional.empty(), r.offer("m:1", v1));
        assertSame(v2, r.select(123L));
        assertEquals(List.of(v1, v2), r.models());
        assertTrue(r.remove("m:2"));
        assertSame(v1, r.select(123L));
        assertFalse(r.remove("m:2"));
    }

    @Test
    void shouldPreferTheLaterOfTwoEqualVersionsAndReplaceByKey() {
        ModelRegistry r = new ModelRegistry(FEATURES, Optional.empty());
        GruModel a = TestModels.random("m", 5, FEATURES, 4, 1);
        GruModel b = TestModels.random("m", 5, FEATURES, 4, 2);
        r.offer("a", a);
        r.offer("b", b);
        assertSame(b, r.newest());
        GruModel a2 = TestModels.random("m", 6, FEATURES, 4, 3);
        r.offer("a", a2);
        assertEquals(List.of(b, a2), r.models());
    }

    @Test
    void shouldAcceptFeaturesInAnotherOrderButNoOtherSet() {
        ModelRegistry r = new ModelRegistry(FEATURES, Optional.empty());
        assertEquals(Optional.empty(), r.rejection(TestModels.random("m", 1, List.of("load", "temp"), 4, 1)));
        Optional<String> why = r.offer("x", TestModels.random("m", 1, List.of("temp", "rpm"), 4, 1));
        assertTrue(why.orElseThrow().contains("model features [temp, rpm] are not the stream's gru.features"),
                why.get());
        assertTrue(r.offer("y", TestModels.random("m", 1, List.of("temp"), 4, 1)).isPresent());
        assertNull(r.newest());
    }

    @Test
    void shouldServeOnlyTheConfiguredModelName() {
        ModelRegistry r = new ModelRegistry(FEATURES, Optional.of("boiler"));
        Optional<String> why = r.offer("x", TestModels.random("pump", 9, FEATURES, 4, 1));
        assertTrue(why.orElseThrow().contains("model name 'pump' is not gru.model.name 'boiler'"), why.get());
        GruModel boiler = TestModels.random("boiler", 1, FEATURES, 4, 1);
        r.offer("y", boiler);
        assertSame(boiler, r.newest());
    }

    private static GruModel at(GruModel m, long epochMs) {
        return m.withEffectiveFrom(java.time.Instant.ofEpochMilli(epochMs));
    }

    @Test
    void shouldSelectTheNewestModelEffectiveAtTheEventTime() {
        ModelRegistry r = new ModelRegistry(FEATURES, Optional.empty());
        GruModel v1 = at(TestModels.random("m", 1, FEATURES, 4, 1), 100);
        GruModel v2 = at(TestModels.random("m", 2, FEATURES, 4, 2), 200);
        // A planned roll-out (v3, later) overtaken by a hot fix (v4, sooner): v4 wins once effective.
        GruModel v3 = at(TestModels.random("m", 3, FEATURES, 4, 3), 500);
        GruModel v4 = at(TestModels.random("m", 4, FEATURES, 4, 4), 300);
        for (GruModel m : List.of(v3, v1, v4, v2)) {
            assertEquals(Optional.empty(), r.offer(ModelRegistry.recordKey(m), m));
        }
        assertSame(v1, r.select(100));
        assertSame(v1, r.select(199));
        assertSame(v2, r.select(200));
        assertSame(v4, r.select(300));
        assertSame(v4, r.select(Long.MAX_VALUE));
        // Older than every model: the earliest effective one.
        assertSame(v1, r.select(0));
        assertSame(v4, r.newest());
    }

    @Test
    void shouldKeepOnlyTheNewestModelsAndRefillNothingByItself() {
        ModelRegistry r = new ModelRegistry(FEATURES, Optional.empty(), 2);
        GruModel v1 = at(TestModels.random("m", 1, FEATURES, 4, 1), 100);
        GruModel v2 = at(TestModels.random("m", 2, FEATURES, 4, 2), 200);
        GruModel v3 = at(TestModels.random("m", 3, FEATURES, 4, 3), 300);
        r.offer("m@2", v2);
        r.offer("m@3", v3);
        r.offer("m@1", v1);
        assertEquals(List.of(v2, v3), r.models());
        assertFalse(r.holds("m@1"));
        // v1 was dropped: an event from v1's time gets the oldest kept model.
        assertSame(v2, r.select(150));
        assertTrue(r.remove("m@3"));
        assertEquals(List.of(v2), r.models());
    }

    @Test
    void shouldKeyRecordsByNameAndVersionAndRejectAKeyNamingAnotherModel() {
        ModelRegistry r = new ModelRegistry(FEATURES, Optional.empty());
        GruModel v7 = TestModels.random("boiler", 7, FEATURES, 4, 1);
        assertEquals("boiler@7", ModelRegistry.recordKey(v7));
        Optional<String> why = r.offer("boiler@6", v7);
        assertTrue(why.orElseThrow().contains("record key 'boiler@6' does not match the model it carries, 'boiler@7'"),
                why.get());
        assertEquals(Optional.empty(), r.offer("boiler@7", v7));
        // Keys without '@' (older conventions) are taken as they are.
        assertEquals(Optional.empty(), r.offer("boiler:7", v7));
    }

    @Test
    void shouldRejectAModelThatReadsOtherInputsThanTheStreamComputesNamingThem() {
        InputSpec stream = new InputSpec(InputSpec.Scaling.PER_KEY, 288, List.of(TimeInput.TIME_OF_DAY),
                ZoneId.of("Europe/Oslo"), 4, InputSpec.Readout.DIRECT);
        ModelRegistry r = new ModelRegistry(FEATURES, Optional.empty(), 4, stream);
        assertEquals(Optional.empty(), r.offer("a@1", TestModels.perKey("a", 1, FEATURES, 3, 1, stream)));
        InputSpec utc = new InputSpec(InputSpec.Scaling.PER_KEY, 288, List.of(TimeInput.TIME_OF_DAY),
                ZoneId.of("UTC"), 4, InputSpec.Readout.DIRECT);
        assertEquals("model inputs are not what the stream's gru.inputs.* compute: time zone UTC (here Europe/Oslo)",
                r.offer("a@2", TestModels.perKey("a", 2, FEATURES, 3, 1, utc)).orElseThrow());
        InputSpec faster = new InputSpec(InputSpec.Scaling.PER_KEY, 96, List.of(), ZoneId.of("Europe/Oslo"), 4,
                InputSpec.Readout.DIRECT);
        assertEquals("model inputs are not what the stream's gru.inputs.* compute: scale half-life 96.0 events "
                + "(here 288.0), time inputs [] (here [time-of-day])",
                r.offer("a@3", TestModels.perKey("a", 3, FEATURES, 3, 1, faster)).orElseThrow());
        assertEquals(1, r.models().size(), "the rejected ones are not kept");
    }

    @Test
    void shouldRejectADirectReadoutShorterThanTheHorizonAndServeAnIteratedOne() {
        InputSpec stream = new InputSpec(InputSpec.Scaling.PER_KEY, 288, List.of(), ZoneId.of("UTC"), 4,
                InputSpec.Readout.DIRECT);
        ModelRegistry r = new ModelRegistry(FEATURES, Optional.empty(), 4, stream);
        assertEquals("model forecasts 2 events ahead, gru.forecast.horizon is 4", r.offer("a@1",
                TestModels.perKey("a", 1, FEATURES, 3, 1, stream.withHorizon(2, InputSpec.Readout.DIRECT)))
                .orElseThrow());
        assertEquals(Optional.empty(), r.offer("a@2",
                TestModels.perKey("a", 2, FEATURES, 3, 1, stream.withHorizon(1, InputSpec.Readout.ITERATED))));
    }

    @Test
    void shouldServeAModelOfFormat1Or2WhateverTheStreamsInputs() {
        InputSpec stream = new InputSpec(InputSpec.Scaling.PER_KEY, 288, List.of(TimeInput.GAP), ZoneId.of("UTC"), 3,
                InputSpec.Readout.DIRECT);
        ModelRegistry r = new ModelRegistry(FEATURES, Optional.empty(), 4, stream);
        assertEquals(Optional.empty(), r.offer("m@1", TestModels.random("m", 1, FEATURES, 4, 1)));
    }
}
