package io.grustreams.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grustreams.anomaly.AnomalyVerdict.Transition;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlertMachineTest {

    private static final AnomalyConfig CONFIG = AnomalyConfig.builder()
            .openThreshold(0.9999).openAfter(3).resolveThreshold(0.99).resolveAfter(4).cooldown(5).build();

    /** Feeds likelihoods and returns "index:TRANSITION" for every edge. */
    private static List<String> drive(AnomalyConfig config, AnomalyState state, double... likelihoods) {
        AnomalyVerdict out = new AnomalyVerdict();
        List<String> edges = new ArrayList<>();
        for (int i = 0; i < likelihoods.length; i++) {
            AlertMachine.step(state, config, likelihoods[i], out);
            assertEquals(state.alertOpen, out.alertOpen(), "alertOpen mirrors the state at " + i);
            if (out.transition() != Transition.NONE) {
                edges.add(i + ":" + out.transition());
            }
        }
        return edges;
    }

    private static AnomalyState state() {
        return new AnomalyDetector(CONFIG, 1).newState();
    }

    private static double[] repeat(double value, int times) {
        double[] a = new double[times];
        java.util.Arrays.fill(a, value);
        return a;
    }

    private static double[] concat(double[]... parts) {
        int n = 0;
        for (double[] p : parts) {
            n += p.length;
        }
        double[] all = new double[n];
        int at = 0;
        for (double[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    @Test
    void shouldOpenOnlyAfterOpenAfterConsecutiveEventsAtThreshold() {
        List<String> edges = drive(CONFIG, state(), 0.99995, 0.99995, 0.5, 0.9999, 0.99999, 0.99991);
        assertEquals(List.of("5:OPEN"), edges);
    }

    @Test
    void shouldEmitOneOpenForASustainedHighLikelihood() {
        List<String> edges = drive(CONFIG, state(), repeat(0.999999, 200));
        assertEquals(List.of("2:OPEN"), edges);
    }

    @Test
    void shouldStayOpenBetweenResolveAndOpenThresholds() {
        AnomalyState s = state();
        List<String> edges = drive(CONFIG, s, concat(repeat(1.0, 3), repeat(0.995, 100), repeat(0.99, 50)));
        assertEquals(List.of("2:OPEN"), edges);
        assertTrue(s.alertOpen());
    }

    @Test
    void shouldResolveOnlyAfterResolveAfterConsecutiveEventsBelowResolveThreshold() {
        double[] flicker = {0.2, 0.2, 0.2, 0.995, 0.2, 0.2, 0.2, 0.2};
        List<String> edges = drive(CONFIG, state(), concat(repeat(1.0, 3), flicker));
        // Three lows, a rebound above 0.99 resets the count, then four lows resolve at 3 + 7.
        assertEquals(List.of("2:OPEN", "10:RESOLVED"), edges);
    }

    @Test
    void shouldHoldBackNewAlertsDuringCooldown() {
        AnomalyState s = state();
        AnomalyVerdict out = new AnomalyVerdict();
        drive(CONFIG, s, concat(repeat(1.0, 3), repeat(0.0, 4)));
        assertFalse(s.alertOpen());
        assertEquals(5, s.cooldownRemaining());
        // High from the first cooldown event: held back for 5 events, opens on the 6th.
        for (int i = 0; i < 5; i++) {
            AlertMachine.step(s, CONFIG, 1.0, out);
            assertEquals(Transition.NONE, out.transition(), "cooldown event " + i);
            assertEquals(AnomalyVerdict.COOLDOWN, out.reason());
        }
        AlertMachine.step(s, CONFIG, 1.0, out);
        assertEquals(Transition.OPEN, out.transition());
        assertEquals("likelihood 1.0 >= 0.9999 for 3 events; feature -1, z 0.000", out.reason());
    }

    @Test
    void shouldNotOpenAfterCooldownWithoutAFreshStreak() {
        AnomalyState s = state();
        List<String> edges = drive(CONFIG, s,
                concat(repeat(1.0, 3), repeat(0.0, 4), repeat(0.5, 5), repeat(1.0, 2), repeat(0.5, 1), repeat(1.0, 3)));
        // Cooldown is events 7-11; a streak of two is broken at 14, and three highs from 15 open at 17.
        assertEquals(List.of("2:OPEN", "6:RESOLVED", "17:OPEN"), edges);
    }

    @Test
    void shouldUseConstantReasonsWithoutTransitions() {
        AnomalyState s = state();
        AnomalyVerdict out = new AnomalyVerdict();
        AlertMachine.step(s, CONFIG, 0.5, out);
        assertTrue(AnomalyVerdict.NORMAL == out.reason(), "NORMAL is the shared constant");
        drive(CONFIG, s, repeat(1.0, 3));
        AlertMachine.step(s, CONFIG, 0.995, out);
        assertTrue(AnomalyVerdict.ALERT_OPEN == out.reason(), "ALERT_OPEN is the shared constant");
    }

    @Test
    void shouldResolveWithAMessageNamingThresholdAndCount() {
        AnomalyState s = state();
        AnomalyVerdict out = new AnomalyVerdict();
        drive(CONFIG, s, concat(repeat(1.0, 3), repeat(0.25, 3)));
        AlertMachine.step(s, CONFIG, 0.25, out);
        assertEquals(Transition.RESOLVED, out.transition());
        assertEquals("likelihood 0.25 < 0.99 for 4 events", out.reason());
        assertFalse(out.alertOpen());
    }
}
