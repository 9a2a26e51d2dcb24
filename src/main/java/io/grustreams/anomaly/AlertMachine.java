package io.grustreams.anomaly;

import java.util.Locale;

/**
 * The per-key alert state machine: CLOSED → OPEN when the likelihood is at or above the open
 * threshold for {@code openAfter} consecutive scored events (and no cooldown is running);
 * OPEN → CLOSED (RESOLVED) when it is below the lower resolve threshold for
 * {@code resolveAfter} consecutive events; after RESOLVED, {@code cooldown} scored events in
 * which no alert opens. Each episode therefore emits exactly one OPEN and one RESOLVED.
 *
 * <p>The open streak keeps counting during the cooldown, so an anomaly that persists through it
 * opens on the first event after it. All state lives in {@link AnomalyState}.
 */
final class AlertMachine {

    private AlertMachine() {
    }

    /**
     * Advances the machine by one scored event and writes {@code transition}, {@code alertOpen}
     * and {@code reason} into {@code out}. Allocates only when there is a transition (the reason).
     *
     * @param s modified
     * @param out modified (those three fields)
     */
    static void step(AnomalyState s, AnomalyConfig config, double likelihood, AnomalyVerdict out) {
        out.transition = AnomalyVerdict.Transition.NONE;
        if (!s.alertOpen) {
            s.openStreak = likelihood >= config.openThreshold() ? saturatingIncrement(s.openStreak) : 0;
            if (s.cooldownRemaining > 0) {
                // Checked before the decrement: the c events after RESOLVED are held back, the c+1-th may open.
                s.cooldownRemaining--;
                out.reason = AnomalyVerdict.COOLDOWN;
            } else if (s.openStreak >= config.openAfter()) {
                s.alertOpen = true;
                s.openStreak = 0;
                s.resolveStreak = 0;
                out.transition = AnomalyVerdict.Transition.OPEN;
                out.reason = String.format(Locale.ROOT, "likelihood %s >= %s for %d events; feature %d, z %.3f",
                        likelihood, config.openThreshold(), config.openAfter(), out.feature,
                        out.standardizedResidual);
            } else {
                out.reason = AnomalyVerdict.NORMAL;
            }
        } else {
            s.resolveStreak = likelihood < config.resolveThreshold() ? saturatingIncrement(s.resolveStreak) : 0;
            if (s.resolveStreak >= config.resolveAfter()) {
                s.alertOpen = false;
                s.resolveStreak = 0;
                s.openStreak = 0;
                s.cooldownRemaining = config.cooldown();
                out.transition = AnomalyVerdict.Transition.RESOLVED;
                out.reason = String.format(Locale.ROOT, "likelihood %s < %s for %d events",
                        likelihood, config.resolveThreshold(), config.resolveAfter());
            } else {
                out.reason = AnomalyVerdict.ALERT_OPEN;
            }
        }
        out.alertOpen = s.alertOpen;
    }

    /** A streak that has run for two billion events stays at its maximum instead of going negative. */
    private static int saturatingIncrement(int n) {
        return n == Integer.MAX_VALUE ? n : n + 1;
    }
}
