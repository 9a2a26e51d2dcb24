package io.grustreams.tools.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PipelineBenchTest {

    @Test
    void shouldPickTheRoundWithTheMedianRatio() {
        assertEquals(0, PipelineBench.medianIndex(new double[] {0.5, 0.3, 0.9}));
        assertEquals(2, PipelineBench.medianIndex(new double[] {0.9, 0.1, 0.4, 0.5}));
        assertEquals(0, PipelineBench.medianIndex(new double[] {0.7}));
    }
}
