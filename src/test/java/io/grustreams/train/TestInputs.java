package io.grustreams.train;

import io.grustreams.model.InputSpec;
import io.grustreams.model.TimeInput;
import java.time.ZoneId;
import java.util.List;

/** Input specs for trainer tests. */
final class TestInputs {

    private TestInputs() {
    }

    /** Per-key scaling (half-life 288), time of day and day of week in UTC, a direct readout of {@code horizon}. */
    static InputSpec perKey(int horizon) {
        return new InputSpec(InputSpec.Scaling.PER_KEY, 288, List.of(TimeInput.TIME_OF_DAY, TimeInput.DAY_OF_WEEK),
                ZoneId.of("UTC"), horizon, InputSpec.Readout.DIRECT);
    }
}
