package io.grustreams.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TbpttTest {

    @Test
    void shouldCutChunksLikeTheReferenceWhenK1EqualsK2() {
        Tbptt tb = Tbptt.chunks(10);
        assertEquals(5, tb.segmentCount(50));
        for (int i = 0; i < 5; i++) {
            assertEquals(10 * i, tb.segmentStart(i));
            assertEquals(10 * i + 10, tb.segmentEnd(i, 50));
            assertEquals(10 * i, tb.windowStart(i));
        }
    }

    @Test
    void shouldShortenTheLastSegmentWithoutReachingIntoThePreviousOne() {
        Tbptt tb = Tbptt.chunks(10);
        assertEquals(5, tb.segmentCount(43));
        assertEquals(40, tb.segmentStart(4));
        assertEquals(43, tb.segmentEnd(4, 43));
        assertEquals(40, tb.windowStart(4));
    }

    @Test
    void shouldExtendEachWindowBackByK2MinusK1Steps() {
        Tbptt tb = Tbptt.of(4, 10);
        assertEquals(0, tb.windowStart(0));
        assertEquals(0, tb.windowStart(1));
        assertEquals(2, tb.windowStart(2));
        assertEquals(6, tb.windowStart(3));
        // the loss of the segment's last step flows back through exactly k2 steps once the start is far enough
        assertEquals(10, tb.segmentEnd(3, 100) - tb.windowStart(3));
        assertEquals(7, tb.segmentStart(3) - tb.windowStart(3) + 1);
    }

    @Test
    void shouldRejectK1AboveK2OrNonPositive() {
        assertThrows(IllegalArgumentException.class, () -> Tbptt.of(5, 4));
        assertThrows(IllegalArgumentException.class, () -> Tbptt.of(0, 4));
        assertThrows(IllegalArgumentException.class, () -> Tbptt.chunks(3).segmentCount(0));
    }
}
