package io.grustreams.train;

import java.util.concurrent.Phaser;
import java.util.function.IntConsumer;

/**
 * Runs a fixed number of shard tasks on a fixed set of threads: the caller plus {@code threads − 1}
 * daemon workers, thread j taking shards j, j + threads, ... Which thread runs a shard never changes a
 * result (shards share no writable memory), so results do not depend on the thread count. Two phaser
 * barriers per {@link #run}: start and end; the end barrier publishes the shards' writes to the caller.
 * One caller at a time.
 */
final class ShardRunner implements AutoCloseable {

    private final int threads;
    private final Phaser phaser;
    private final Thread[] workers;
    private volatile boolean closed;
    private IntConsumer task;
    private int shards;
    private volatile Throwable failure;

    ShardRunner(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be positive: " + threads);
        }
        this.threads = threads;
        this.phaser = new Phaser(threads);
        this.workers = new Thread[threads - 1];
        for (int j = 1; j < threads; j++) {
            int id = j;
            Thread th = new Thread(() -> workLoop(id), "gru-train-shard-" + j);
            th.setDaemon(true);
            workers[j - 1] = th;
            th.start();
        }
    }

    int threads() {
        return threads;
    }

    private void workLoop(int id) {
        while (true) {
            phaser.arriveAndAwaitAdvance();
            if (closed) {
                phaser.arriveAndDeregister();
                return;
            }
            runOwn(id);
            phaser.arriveAndAwaitAdvance();
        }
    }

    private void runOwn(int id) {
        try {
            for (int s = id; s < shards; s += threads) {
                task.accept(s);
            }
        } catch (Throwable t) {
            failure = t;
        }
    }

    /**
     * Runs {@code task.accept(s)} for {@code s = 0..shards-1} and returns when all are done.
     *
     * @throws RuntimeException the first failure of a shard, if any
     */
    void run(int shardCount, IntConsumer shardTask) {
        if (closed) {
            throw new IllegalStateException("shard runner is closed");
        }
        if (threads == 1) {
            for (int s = 0; s < shardCount; s++) {
                shardTask.accept(s);
            }
            return;
        }
        this.task = shardTask;
        this.shards = shardCount;
        failure = null;
        phaser.arriveAndAwaitAdvance();
        runOwn(0);
        phaser.arriveAndAwaitAdvance();
        Throwable t = failure;
        if (t != null) {
            if (t instanceof RuntimeException re) {
                throw re;
            }
            if (t instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("shard failed", t);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (threads > 1) {
            phaser.arriveAndDeregister();
        }
    }
}
