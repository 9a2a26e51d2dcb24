package io.grustreams.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class AnomalyConfigTest {

    @Test
    void shouldHaveTheDocumentedDefaults() {
        AnomalyConfig c = AnomalyConfig.defaults();
        assertEquals(new AnomalyConfig(1000, 30, 1e-6, 10, 400, 100, 0.0003, 0.99999, 2, 0.99, 10, 100), c);
    }

    @Test
    void shouldRoundTripThroughItsBuilder() {
        AnomalyConfig c = AnomalyConfig.builder().residualHalfLife(50).residualWarmup(3).minResidualStd(0.5)
                .shortWindow(4).longWindow(40).learningPeriod(20).minLikelihoodVariance(0.01).openThreshold(0.999)
                .openAfter(5).resolveThreshold(0.9).resolveAfter(6).cooldown(0).build();
        assertEquals(c, c.toBuilder().build());
        assertEquals(new AnomalyConfig(50, 3, 0.5, 4, 40, 20, 0.01, 0.999, 5, 0.9, 6, 0), c);
    }

    @Test
    void shouldRejectEachOutOfRangeKnobNamingIt() {
        assertRejected("residualHalfLife", b -> b.residualHalfLife(0.5));
        assertRejected("residualHalfLife", b -> b.residualHalfLife(Double.POSITIVE_INFINITY));
        assertRejected("residualWarmup", b -> b.residualWarmup(1));
        assertRejected("minResidualStd", b -> b.minResidualStd(0));
        assertRejected("minResidualStd", b -> b.minResidualStd(Double.NaN));
        assertRejected("longWindow", b -> b.longWindow(1));
        assertRejected("longWindow", b -> b.longWindow(AnomalyConfig.MAX_WINDOW + 1));
        assertRejected("learningPeriod", b -> b.learningPeriod(401));
        assertRejected("learningPeriod", b -> b.learningPeriod(1));
        assertRejected("shortWindow", b -> b.shortWindow(0));
        assertRejected("shortWindow", b -> b.shortWindow(101));
        assertRejected("minLikelihoodVariance", b -> b.minLikelihoodVariance(-1));
        assertRejected("openThreshold", b -> b.openThreshold(1.0));
        assertRejected("openThreshold", b -> b.openThreshold(Double.NaN));
        assertRejected("openAfter", b -> b.openAfter(0));
        assertRejected("resolveThreshold", b -> b.resolveThreshold(0.999991));
        assertRejected("resolveThreshold", b -> b.resolveThreshold(0));
        assertRejected("resolveAfter", b -> b.resolveAfter(0));
        assertRejected("cooldown", b -> b.cooldown(-1));
    }

    @Test
    void shouldAcceptEqualOpenAndResolveThresholds() {
        AnomalyConfig c = AnomalyConfig.builder().openThreshold(0.999).resolveThreshold(0.999).build();
        assertEquals(c.openThreshold(), c.resolveThreshold());
    }

    private static void assertRejected(String field, UnaryOperator<AnomalyConfig.Builder> change) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> change.apply(AnomalyConfig.builder()).build(), field);
        assertTrue(e.getMessage().startsWith(field + " must"), () -> field + ": " + e.getMessage());
    }
}
