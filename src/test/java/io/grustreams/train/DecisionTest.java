package io.grustreams.train;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class DecisionTest {

    private static final double NONE = Double.NaN;

    @Test
    void shouldPublishOnlyBelowTheChampionLessTheMargin() {
        assertTrue(Decision.of(0.489, NONE, NONE, true, OptionalDouble.of(0.5), 0.02, "v1").publish());
        assertFalse(Decision.of(0.49, NONE, NONE, true, OptionalDouble.of(0.5), 0.02, "v1").publish());
        assertFalse(Decision.of(0.6, NONE, NONE, true, OptionalDouble.of(0.5), 0.0, "v1").publish());
        assertFalse(Decision.of(0.5, NONE, NONE, true, OptionalDouble.of(0.5), 0.0, "v1").publish());
        assertTrue(Decision.of(0.499, NONE, NONE, true, OptionalDouble.of(0.5), 0.0, "v1").publish());
    }

    @Test
    void shouldPublishWithoutAComparableChampionWhenItBeatsTheNaiveForecasts() {
        Decision d = Decision.of(0.5, 0.9, 0.95, true, OptionalDouble.empty(), 0.01, "no current model");
        assertTrue(d.publish());
        assertTrue(d.reason().contains("no current model to compare with"), d.reason());
        assertTrue(d.reason().startsWith("validation MSE 0.5000 x persistence's, 0.9000 x the daily naive's, "
                + "0.9500 x the weekly naive's"), d.reason());
    }

    @Test
    void shouldHoldBackAModelThatDoesNotBeatEachNaiveForecast() {
        assertFalse(Decision.of(1.0, NONE, NONE, true, OptionalDouble.empty(), 0.01, "none").publish());
        Decision daily = Decision.of(0.5, 1.2, NONE, true, OptionalDouble.empty(), 0.01, "none");
        assertFalse(daily.publish());
        assertTrue(daily.reason().contains("does not beat the daily seasonal naive forecast"), daily.reason());
        Decision weekly = Decision.of(0.5, 0.7, 1.01, true, OptionalDouble.of(2.0), 0.01, "v1");
        assertFalse(weekly.publish());
        assertTrue(weekly.reason().contains("does not beat the weekly seasonal naive forecast"), weekly.reason());
    }

    @Test
    void shouldPublishAModelWorseThanTheNaiveForecastsOnlyWhenForced() {
        assertTrue(Decision.of(1.3, 1.2, NONE, false, OptionalDouble.empty(), 0.01, "none").publish());
        // Forced or not, the current model must still be beaten.
        assertFalse(Decision.of(1.3, 1.2, NONE, false, OptionalDouble.of(1.1), 0.01, "v1").publish());
    }

    @Test
    void shouldNeverPublishADivergedModel() {
        assertFalse(Decision.of(Double.NaN, NONE, NONE, false, OptionalDouble.empty(), 0.01, "none").publish());
        assertFalse(Decision.of(Double.POSITIVE_INFINITY, NONE, NONE, false, OptionalDouble.of(1), 0.01, "v1")
                .publish());
    }

    @Test
    void shouldSayWhyInOneLineWithTheFigures() {
        Decision d = Decision.of(0.75, NONE, NONE, true, OptionalDouble.of(0.5), 0.01, "current model m v3");
        assertFalse(d.reason().contains("\n"));
        assertTrue(d.reason().contains("0.7500") && d.reason().contains("current model m v3")
                && d.reason().contains("0.4950"), d.reason());
    }
}
