package io.grustreams.train;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class DecisionTest {

    @Test
    void shouldPublishOnlyBelowTheChampionLessTheMargin() {
        assertTrue(Decision.of(0.989, OptionalDouble.of(1.0), 0.01, "v1").publish());
        assertFalse(Decision.of(0.99, OptionalDouble.of(1.0), 0.01, "v1").publish());
        assertFalse(Decision.of(1.2, OptionalDouble.of(1.0), 0.0, "v1").publish());
        assertFalse(Decision.of(1.0, OptionalDouble.of(1.0), 0.0, "v1").publish());
        assertTrue(Decision.of(0.999, OptionalDouble.of(1.0), 0.0, "v1").publish());
    }

    @Test
    void shouldPublishWithoutAComparableChampion() {
        Decision d = Decision.of(5.0, OptionalDouble.empty(), 0.01, "no current model");
        assertTrue(d.publish());
        assertTrue(d.reason().startsWith("no current model to compare with; validation MSE 5.00000"), d.reason());
    }

    @Test
    void shouldNeverPublishADivergedModel() {
        assertFalse(Decision.of(Double.NaN, OptionalDouble.empty(), 0.01, "none").publish());
        assertFalse(Decision.of(Double.POSITIVE_INFINITY, OptionalDouble.of(1), 0.01, "v1").publish());
    }

    @Test
    void shouldSayWhyInOneLineWithTheFigures() {
        Decision d = Decision.of(1.5, OptionalDouble.of(1.0), 0.01, "current model m v3");
        assertFalse(d.reason().contains("\n"));
        assertTrue(d.reason().contains("1.50000") && d.reason().contains("current model m v3")
                && d.reason().contains("0.990000"), d.reason());
    }
}
