package io.grustreams.app.broker;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.utils.Exit;

/**
 * Keeps a broker fault from killing the JVM that hosts the broker.
 *
 * <p>On a fatal fault (a metadata log it cannot apply, every log dir offline) Kafka's broker
 * calls {@link Exit#exit} or {@link Exit#halt}, which by default end the process. That is right
 * for a broker that owns its process and wrong for one inside a test JVM, a demo or a user's
 * application. While at least one {@link InProcessKafkaBroker} runs, both procedures are replaced
 * by one that reports the fault to every running broker and then throws, so the faulting Kafka
 * thread stops instead of carrying on as if the process had ended. The defaults come back when
 * the last broker stops.
 *
 * <p>Kafka's procedures are JVM-wide statics, hence this class is too.
 */
final class ExitGuard {

    private static final Set<InProcessKafkaBroker> LIVE = new LinkedHashSet<>();

    private ExitGuard() {
    }

    static synchronized void register(InProcessKafkaBroker broker) {
        if (LIVE.isEmpty()) {
            Exit.setExitProcedure((status, message) -> refuse("exit", status, message));
            Exit.setHaltProcedure((status, message) -> refuse("halt", status, message));
        }
        LIVE.add(broker);
    }

    static synchronized void unregister(InProcessKafkaBroker broker) {
        if (LIVE.remove(broker) && LIVE.isEmpty()) {
            Exit.resetExitProcedure();
            Exit.resetHaltProcedure();
        }
    }

    /** Whether Kafka's exit and halt procedures are currently replaced (for tests). */
    static synchronized boolean isInstalled() {
        return !LIVE.isEmpty();
    }

    /** Whether a fault would be reported to this broker (for tests). */
    static synchronized boolean guards(InProcessKafkaBroker broker) {
        return LIVE.contains(broker);
    }

    private static void refuse(String kind, int status, String message) {
        String fault = "Kafka broker called " + kind + "(" + status + ")"
                + (message == null ? "" : ": " + message);
        List<InProcessKafkaBroker> brokers;
        synchronized (ExitGuard.class) {
            brokers = new ArrayList<>(LIVE);
        }
        // Notify outside the lock: a broker's fault listener may stop it, which unregisters.
        for (InProcessKafkaBroker broker : brokers) {
            broker.onFault(fault);
        }
        throw new IllegalStateException(fault + " (refused: the broker runs inside this JVM)");
    }
}
