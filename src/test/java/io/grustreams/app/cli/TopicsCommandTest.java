package io.grustreams.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grustreams.app.CommandRun;
import org.junit.jupiter.api.Test;

class TopicsCommandTest {

    @Test
    void shouldGiveUpOnAnUnreachableBrokerAfterATimeoutShorterThanKafkasRequestTimeout() {
        // Port 1 refuses connections: the command must wait --timeout-ms, not fail building its client
        // (Kafka refuses default.api.timeout.ms below request.timeout.ms, 30 s by default).
        CommandRun r = CommandRun.execute(new TopicsCommand(), "apply", "--bootstrap-servers", "127.0.0.1:1",
                "--dir", "topics", "--timeout-ms", "500");
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("no answer from the broker"), r.err());
    }
}
