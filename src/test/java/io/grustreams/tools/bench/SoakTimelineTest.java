package io.grustreams.tools.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SoakTimelineTest {

    @Test
    void shouldTakeTheNearestRankPercentile() {
        int[] sorted = new int[100];
        for (int i = 0; i < sorted.length; i++) {
            sorted[i] = i + 1;
        }
        assertEquals(50, SoakTimeline.percentile(sorted, 0.50));
        assertEquals(99, SoakTimeline.percentile(sorted, 0.99));
        assertEquals(100, SoakTimeline.percentile(sorted, 1.0));
        assertEquals(7, SoakTimeline.percentile(new int[] {7}, 0.99));
        assertEquals(-1, SoakTimeline.percentile(new int[0], 0.5));
    }

    @Test
    void shouldPutWhatComesBeforeTheStartFirstAndAfterTheEndInTheDrain() {
        SoakTimeline t = new SoakTimeline(1000, 10_000, 10);
        t.produced(500);
        t.produced(1999);
        t.produced(2000);
        t.output(12_000, 40);
        t.output(99_000, -1);
        t.output(1500, 30);
        t.output(1600, 10);
        assertEquals(2, t.producedIn(0));
        assertEquals(1, t.producedIn(1));
        assertEquals(10, t.drain());
        assertEquals(2, t.outputsIn(t.drain()));
        assertArrayEquals(new int[] {10, 30}, t.latencies(0));
        assertArrayEquals(new int[] {10, 30, 40}, t.allLatencies());
        assertEquals(3000, t.startOf(2));
    }
}
