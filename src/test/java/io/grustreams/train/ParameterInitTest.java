package io.grustreams.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grustreams.model.GruLayout;
import io.grustreams.model.Parameters;
import io.grustreams.model.Variant;
import org.junit.jupiter.api.Test;

class ParameterInitTest {

    @Test
    void shouldDrawEveryValueWithinOneOverSqrtHiddenAndRepeatForTheSameSeed() {
        GruLayout layout = GruLayout.of(Variant.PYTORCH, 3, 16, 3);
        Parameters a = ParameterInit.uniform(layout, 7);
        Parameters b = ParameterInit.uniform(layout, 7);
        Parameters c = ParameterInit.uniform(layout, 8);
        assertEquals(a, b);
        assertNotEquals(a, c);
        double max = 0;
        for (double v : a.values()) {
            assertTrue(Math.abs(v) <= 0.25, "value " + v);
            max = Math.max(max, Math.abs(v));
        }
        assertTrue(max > 0.24, "values should spread over the whole range, max |v| " + max);
    }
}
