package io.grustreams.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EventOrderTest {

    private static final double[] LAST = {7, 1.5, 0.0};

    private static EventOrder order(long timestamp, double... values) {
        return EventOrder.of(timestamp, values, 100L, new double[] {-1, 7, 1.5, 0.0}, 1);
    }

    @Test
    void shouldTakeAnyEventOfAKeyWithoutOneAsNext() {
        assertEquals(EventOrder.NEXT, EventOrder.of(Long.MIN_VALUE + 1, LAST, Long.MIN_VALUE, LAST, 0));
    }

    @Test
    void shouldCallOnlyAStrictlyOlderEventOutOfOrder() {
        assertEquals(EventOrder.OUT_OF_ORDER, order(99, 7, 1.5, 0.0));
        assertEquals(EventOrder.NEXT, order(101, 7, 1.5, 0.0));
    }

    @Test
    void shouldCallTheSameTimeAndValuesADuplicateAndOtherValuesAtThatTimeNext() {
        assertEquals(EventOrder.DUPLICATE, order(100, 7, 1.5, 0.0));
        assertEquals(EventOrder.DUPLICATE, order(100, 7, 1.5, -0.0), "-0.0 is the reading 0.0");
        assertEquals(EventOrder.NEXT, order(100, 7, 1.5, 1e-300));
        assertEquals(EventOrder.NEXT, order(100, 7.000000000000001, 1.5, 0.0));
    }

    @Test
    void shouldNameBothTimesInTheDetailOfALateEvent() {
        String detail = EventOrder.detail(EventOrder.OUT_OF_ORDER, 99, 100);
        assertTrue(detail.contains("99") && detail.contains("100"), detail);
        assertEquals("out-of-order", EventOrder.OUT_OF_ORDER.code());
        assertEquals("duplicate", EventOrder.DUPLICATE.code());
    }
}
