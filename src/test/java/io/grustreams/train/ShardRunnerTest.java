package io.grustreams.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ShardRunnerTest {

    @Test
    void shouldRunEveryShardOnceAndPublishItsWrites() {
        try (ShardRunner runner = new ShardRunner(3)) {
            for (int round = 0; round < 50; round++) {
                int[] hits = new int[7];
                runner.run(7, s -> hits[s]++);
                assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1, 1}, hits);
            }
        }
    }

    @Test
    void shouldRethrowAShardFailureAndStayUsable() {
        try (ShardRunner runner = new ShardRunner(2)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> runner.run(4, s -> {
                if (s == 3) {
                    throw new IllegalStateException("shard 3 failed");
                }
            }));
            assertEquals("shard 3 failed", e.getMessage());
            int[] hits = new int[4];
            runner.run(4, s -> hits[s]++);
            assertArrayEquals(new int[] {1, 1, 1, 1}, hits);
        }
    }

    @Test
    void shouldRefuseWorkAfterClose() {
        ShardRunner runner = new ShardRunner(2);
        runner.close();
        assertThrows(IllegalStateException.class, () -> runner.run(1, s -> { }));
    }
}
