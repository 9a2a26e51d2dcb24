package io.grustreams.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class InputSpecTest {

    @Test
    void shouldCountTheNetworksInputsAndOutputs() {
        InputSpec s = new InputSpec(InputSpec.Scaling.PER_KEY, 288, List.of(TimeInput.TIME_OF_DAY,
                TimeInput.DAY_OF_WEEK, TimeInput.GAP), ZoneId.of("UTC"), 5, InputSpec.Readout.DIRECT);
        assertEquals(3 + 5, s.networkInputs(3));
        assertEquals(5 * 3, s.networkOutputs(3));
        assertEquals(3, s.withHorizon(1, InputSpec.Readout.ITERATED).networkOutputs(3));
        assertEquals(1 + 0, InputSpec.legacy().networkInputs(1));
        assertTrue(InputSpec.legacy().isLegacy());
    }

    @Test
    void shouldNameWhatComputesOtherInputsAndIgnoreTheHorizon() {
        InputSpec stream = new InputSpec(InputSpec.Scaling.PER_KEY, 288, List.of(TimeInput.TIME_OF_DAY),
                ZoneId.of("Europe/Paris"), 1, InputSpec.Readout.DIRECT);
        assertEquals(List.of(), stream.inputMismatches(stream.withHorizon(1, InputSpec.Readout.ITERATED)));
        assertEquals(List.of("scale half-life 96.0 events (here 288.0)"), stream.inputMismatches(new InputSpec(
                InputSpec.Scaling.PER_KEY, 96, List.of(TimeInput.TIME_OF_DAY), ZoneId.of("Europe/Paris"), 3,
                InputSpec.Readout.DIRECT)));
        assertEquals(List.of("scaling global (here per-key)", "time inputs [] (here [time-of-day])"),
                stream.inputMismatches(InputSpec.legacy()));
        assertEquals(List.of("time zone UTC (here Europe/Paris)"), stream.inputMismatches(new InputSpec(
                InputSpec.Scaling.PER_KEY, 288, List.of(TimeInput.TIME_OF_DAY), ZoneId.of("UTC"), 1,
                InputSpec.Readout.DIRECT)));
    }

    @Test
    void shouldRejectWhatCannotBe() {
        ZoneId utc = ZoneId.of("UTC");
        assertThrows(IllegalArgumentException.class, () -> new InputSpec(InputSpec.Scaling.PER_KEY, 0.5, List.of(),
                utc, 1, InputSpec.Readout.DIRECT));
        assertThrows(IllegalArgumentException.class, () -> new InputSpec(InputSpec.Scaling.PER_KEY, 10,
                List.of(TimeInput.GAP, TimeInput.GAP), utc, 1, InputSpec.Readout.DIRECT));
        assertThrows(IllegalArgumentException.class, () -> new InputSpec(InputSpec.Scaling.PER_KEY, 10, List.of(),
                utc, 0, InputSpec.Readout.DIRECT));
        assertThrows(IllegalArgumentException.class, () -> new InputSpec(InputSpec.Scaling.PER_KEY, 10, List.of(),
                utc, 2, InputSpec.Readout.ITERATED));
        assertEquals(0.0, new InputSpec(InputSpec.Scaling.GLOBAL, 77, List.of(), utc, 1, InputSpec.Readout.DIRECT)
                .scaleHalfLife(), "global scaling has no half-life");
    }
}
