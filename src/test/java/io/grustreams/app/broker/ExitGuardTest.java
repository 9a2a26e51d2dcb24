package io.grustreams.app.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.apache.kafka.common.utils.Exit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ExitGuardTest {

    /**
     * Kafka's default procedures would end this JVM; if the guard failed to replace them, these
     * make the test fail instead.
     */
    @BeforeEach
    void failInsteadOfExiting() {
        Exit.setExitProcedure((status, message) -> {
            throw new AssertionError("Exit.exit(" + status + ") reached the JVM: " + message);
        });
        Exit.setHaltProcedure((status, message) -> {
            throw new AssertionError("Exit.halt(" + status + ") reached the JVM: " + message);
        });
    }

    @AfterEach
    void restoreKafkaDefaults() {
        Exit.resetExitProcedure();
        Exit.resetHaltProcedure();
    }

    @Test
    void shouldRecordHaltAsFaultAndRefuseIt() throws InterruptedException {
        try (InProcessKafkaBroker broker = InProcessKafkaBroker.builder().build()) {
            ExitGuard.register(broker);
            assertTrue(ExitGuard.guards(broker));
            try {
                IllegalStateException refused =
                        assertThrows(IllegalStateException.class, () -> Exit.halt(1, "all log dirs offline"));
                assertTrue(refused.getMessage().startsWith("Kafka broker called halt(1): all log dirs offline"),
                        refused.getMessage());
                assertEquals(Optional.of("Kafka broker called halt(1): all log dirs offline"), broker.fault());
                assertEquals(broker.fault(), broker.awaitStop());
            } finally {
                ExitGuard.unregister(broker);
            }
        }
        assertFalse(ExitGuard.isInstalled());
    }

    @Test
    void shouldKeepGuardingWhileAnyBrokerIsRegistered() {
        try (InProcessKafkaBroker first = InProcessKafkaBroker.builder().build();
                InProcessKafkaBroker second = InProcessKafkaBroker.builder().build()) {
            ExitGuard.register(first);
            ExitGuard.register(second);
            ExitGuard.unregister(first);
            assertFalse(ExitGuard.guards(first));
            assertTrue(ExitGuard.isInstalled());

            assertThrows(IllegalStateException.class, () -> Exit.exit(2, null));
            assertEquals(Optional.of("Kafka broker called exit(2)"), second.fault());
            assertEquals(Optional.empty(), first.fault());

            ExitGuard.unregister(second);
            assertFalse(ExitGuard.isInstalled());
        }
    }
}
