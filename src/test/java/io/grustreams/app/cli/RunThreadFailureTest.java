package io.grustreams.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class RunThreadFailureTest {

    @Test
    void shouldStopOnRefusedCredentialsInsteadOfReplacingTheThreadForever() {
        AtomicReference<String> line = new AtomicReference<>();
        StreamsException refused = new StreamsException(new SaslAuthenticationException("invalid credentials"));
        assertEquals(StreamThreadExceptionResponse.SHUTDOWN_CLIENT, RunCommand.onThreadFailure(refused, line));
        assertTrue(line.get().startsWith("authentication failed"), line.get());
    }

    @Test
    void shouldReplaceAThreadThatFailedForAnyOtherReason() {
        AtomicReference<String> line = new AtomicReference<>();
        assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD,
                RunCommand.onThreadFailure(new StreamsException("task failed"), line));
        assertNull(line.get());
    }
}
