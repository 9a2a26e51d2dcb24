package io.grustreams.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grustreams.model.GruModel;
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
}
