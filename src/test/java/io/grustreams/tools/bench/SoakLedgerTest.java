package io.grustreams.tools.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SoakLedgerTest {

    private static final long BASE = 1_700_000_000_000L;

    @Test
    void shouldCountNothingWhenEveryEventHasExactlyOneOutputInAnyOrder() {
        SoakLedger ledger = new SoakLedger(BASE);
        for (int k = 0; k < 5; k++) {
            ledger.produced(ledger.id(k, BASE + 10 + k));
        }
        for (int k = 4; k >= 0; k--) {
            ledger.output(ledger.id(k, BASE + 10 + k));
        }
        assertEquals(new SoakLedger.Account(5, 5, 0, 0, 0, 0), ledger.compare());
    }

    @Test
    void shouldCountAnEventWithoutOutputAsLostAndEachExtraOutputAsDuplicated() {
        SoakLedger ledger = new SoakLedger(BASE);
        long a = ledger.id(1, BASE + 1);
        long b = ledger.id(1, BASE + 2);
        long c = ledger.id(2, BASE + 1);
        ledger.produced(a);
        ledger.produced(b);
        ledger.produced(c);
        ledger.output(a);
        ledger.output(c);
        ledger.output(c);
        ledger.output(c);
        assertEquals(new SoakLedger.Account(3, 4, 1, 2, 0, 0), ledger.compare());
    }

    @Test
    void shouldCountAnOutputOfNoProducedEventAsUnexpected() {
        SoakLedger ledger = new SoakLedger(BASE);
        long a = ledger.id(3, BASE + 5);
        ledger.produced(a);
        ledger.output(a);
        ledger.output(ledger.id(3, BASE + 4));
        ledger.output(ledger.id(9, BASE + 5));
        assertEquals(new SoakLedger.Account(1, 3, 0, 0, 2, 0), ledger.compare());
    }

    @Test
    void shouldLeaveAFailedSendOutOfTheExpectedEvents() {
        SoakLedger ledger = new SoakLedger(BASE);
        long a = ledger.id(0, BASE);
        long b = ledger.id(0, BASE + 1);
        ledger.produced(a);
        ledger.produced(b);
        ledger.failed(b);
        ledger.output(a);
        assertEquals(new SoakLedger.Account(1, 1, 0, 0, 0, 1), ledger.compare());
    }

    @Test
    void shouldGiveEveryKeyAndTimestampItsOwnId() {
        SoakLedger ledger = new SoakLedger(BASE);
        assertNotEquals(ledger.id(1, BASE), ledger.id(0, BASE + (1L << SoakLedger.TS_BITS) - 1));
        assertEquals(((long) (SoakLedger.MAX_KEYS - 1) << SoakLedger.TS_BITS) | 7,
                ledger.id(SoakLedger.MAX_KEYS - 1, BASE + 7));
        assertThrows(IllegalArgumentException.class, () -> ledger.id(0, BASE - 1));
        assertThrows(IllegalArgumentException.class, () -> ledger.id(SoakLedger.MAX_KEYS, BASE));
        assertThrows(IllegalArgumentException.class, () -> ledger.id(0, BASE + (1L << SoakLedger.TS_BITS)));
    }

    @Test
    void shouldRefuseToCompareWhenTheProducerSentOneIdTwice() {
        SoakLedger ledger = new SoakLedger(BASE);
        ledger.produced(ledger.id(0, BASE));
        ledger.produced(ledger.id(0, BASE));
        assertThrows(IllegalStateException.class, ledger::compare);
    }
}
