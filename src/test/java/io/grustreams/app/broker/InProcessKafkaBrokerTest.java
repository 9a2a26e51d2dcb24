package io.grustreams.app.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the broker checks before it starts anything. Starting it is covered by the ITs. */
class InProcessKafkaBrokerTest {

    @TempDir
    Path tmp;

    @Test
    void shouldRejectOverridingAFixedSettingByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> InProcessKafkaBroker.builder().config("listeners", "PLAINTEXT://0.0.0.0:9092"));
        assertTrue(e.getMessage().contains("listeners"), e.getMessage());
    }

    @Test
    void shouldAcceptOtherSettings() {
        try (InProcessKafkaBroker broker = InProcessKafkaBroker.builder()
                .config("num.partitions", "3").build()) {
            assertFalse(broker.isRunning());
        }
    }

    @Test
    void shouldRejectPortOutsideRange() {
        assertThrows(IllegalArgumentException.class, () -> InProcessKafkaBroker.builder().port(65536));
        assertThrows(IllegalArgumentException.class, () -> InProcessKafkaBroker.builder().port(-1));
    }

    @Test
    void shouldKnowBootstrapOfFixedPortBeforeStart() {
        try (InProcessKafkaBroker broker = InProcessKafkaBroker.builder().port(19092).build()) {
            assertEquals("127.0.0.1:19092", broker.bootstrapServers());
            assertEquals(19092, broker.port());
        }
    }

    @Test
    void shouldRefuseBootstrapOfFreePortBeforeStart() {
        try (InProcessKafkaBroker broker = InProcessKafkaBroker.builder().build()) {
            assertEquals(0, broker.port());
            assertThrows(IllegalStateException.class, broker::bootstrapServers);
        }
    }

    @Test
    void shouldCreateGivenDirAndKeepItOnClose() {
        Path dir = tmp.resolve("nested/broker");
        try (InProcessKafkaBroker broker = InProcessKafkaBroker.builder().dir(dir).build()) {
            assertEquals(dir, broker.dir());
        }
        assertTrue(Files.isDirectory(dir));
    }

    @Test
    void shouldDeleteItsOwnTemporaryDirOnClose() {
        InProcessKafkaBroker broker = InProcessKafkaBroker.builder().build();
        Path dir = broker.dir();
        assertTrue(Files.isDirectory(dir));
        broker.close();
        assertFalse(Files.exists(dir));
    }

    @Test
    void shouldRefuseToStartOnceClosed() {
        InProcessKafkaBroker broker = InProcessKafkaBroker.builder().build();
        broker.close();
        assertThrows(IllegalStateException.class, broker::start);
    }
}
