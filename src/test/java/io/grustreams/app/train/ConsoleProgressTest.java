package io.grustreams.app.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsoleProgressTest {

    @Test
    void shouldPrintEpochsLossAndAnUpperBoundEta() {
        StringWriter text = new StringWriter();
        long[] now = {0};
        ConsoleProgress p = new ConsoleProgress(new PrintWriter(text), () -> now[0], 5_000_000_000L);
        p.onStart(4, 10, 1000, 200);
        p.onEpoch(0, Double.NaN, 1.5, true);
        for (int u = 1; u <= 10; u++) {
            now[0] += 1_000_000_000L;
            p.onUpdate(u, 0.1 * u, 1, 1);
        }
        p.onEpoch(1, 0.25, 0.5, true);
        now[0] += 1_000_000_000L;
        p.onUpdate(11, 0.2, 1, 1);
        now[0] += 4_000_000_000L;
        p.onUpdate(12, 0.2, 1, 1);
        assertEquals(List.of(
                "training: at most 4 epochs of 1,000 steps (10 updates each); validation on 200 events",
                "epoch 0/4  validation 1.5000 (starting point)",
                "  epoch 1/4   50%  loss 0.50000  elapsed 0:05  ETA ≤ 0:35",
                "  epoch 1/4  100%  loss 1.0000  elapsed 0:10  ETA ≤ 0:30",
                "epoch 1/4  train 0.25000  validation 0.50000 (best)  10.0 s (100 steps/s)  ETA ≤ 0:30",
                "  epoch 2/4   20%  loss 0.20000  elapsed 0:15  ETA ≤ 0:35"),
                text.toString().lines().toList());
        assertEquals(List.of(10.0), p.epochSeconds());
    }

    @Test
    void shouldFormatLongDurationsWithHours() {
        assertEquals("1:01:05", ConsoleProgress.clock(3665_000_000_000L));
        assertEquals("0:59", ConsoleProgress.clock(59_400_000_000L));
    }
}
