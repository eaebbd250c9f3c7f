package org.dml4j.nd;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * DML4J's threads for the blocks of one matrix product at a time ({@link BlockedProducts}): one daemon thread per
 * core beyond the first, parked while no product runs (after {@value #SPIN_NANOS} ns of spinning). A product's blocks are claimed one at a time, by the calling
 * thread and by the workers, so a worker that shares its core with another process (or with the JIT compiler) takes
 * fewer blocks instead of holding the others up; a thread that has no block left waits parked, leaving its core to
 * whoever needs it.
 * <p>
 * One product at a time: a caller that finds the workers busy with another product (another thread's, or the one a
 * block of which is computing this product) computes its blocks itself, as the exact-kNN evaluator's tiles, already
 * run on every core, do.
 */
final class ProductWorkers {

    /**
     * How long an idle worker, and a caller waiting for the workers' blocks, spin before they park: a step's
     * products follow each other within a fraction of a millisecond, and a parked thread takes tens of microseconds
     * to wake (about OpenBLAS's own 0.4 ms with the launcher's {@code OPENBLAS_THREAD_TIMEOUT=20}, but spinning on
     * the CPU's pause instruction, without giving the core away).
     */
    static final long SPIN_NANOS = 300_000;

    /** The threads besides the caller: one per further core. */
    static final int WORKERS = Math.max(0, Runtime.getRuntime().availableProcessors() - 1);

    private static final AtomicBoolean IN_USE = new AtomicBoolean();
    private static final Thread[] THREADS = new Thread[WORKERS];
    private static volatile Job current;

    static {
        for (int i = 0; i < WORKERS; i++) {
            THREADS[i] = new Thread(ProductWorkers::serve, "dml4j-products-" + (i + 1));
            THREADS[i].setDaemon(true);
            THREADS[i].start();
        }
    }

    private ProductWorkers() {
    }

    /**
     * Runs {@code block.accept(b)} for every {@code b} in {@code [0, blocks)}, on the calling thread and, when they
     * are free, the workers; returns when all have run.
     *
     * @param blocks the number of blocks
     * @param block  computes one block; called from several threads at once for different blocks
     */
    static void run(int blocks, IntConsumer block) {
        if (blocks == 1 || WORKERS == 0 || !IN_USE.compareAndSet(false, true)) {
            for (int b = 0; b < blocks; b++) {
                block.accept(b);
            }
            return;
        }
        try {
            Job job = new Job(blocks, block, Thread.currentThread());
            current = job;
            for (Thread worker : THREADS) {
                LockSupport.unpark(worker);
            }
            job.work();
            job.await();
        } finally {
            current = null;
            IN_USE.set(false);
        }
    }

    /** A worker's loop: parked until a product is posted, then claims its blocks. */
    private static void serve() {
        Job done = null;
        long idleSince = System.nanoTime();
        while (true) {
            Job job = current;
            if (job == null || job == done) {
                idle(idleSince, ProductWorkers.class);
            } else {
                job.work();
                done = job;
                idleSince = System.nanoTime();
            }
        }
    }

    /** One wait of a thread idle since {@code since}: a spin for the first {@value #SPIN_NANOS} ns, then a park. */
    private static void idle(long since, Object blocker) {
        if (System.nanoTime() - since < SPIN_NANOS) {
            Thread.onSpinWait();
        } else {
            LockSupport.park(blocker);
        }
    }

    /** One product's blocks: the next unclaimed one, how many have finished, the first failure. */
    private static final class Job {
        private final int blocks;
        private final IntConsumer block;
        private final Thread caller;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger finished = new AtomicInteger();
        private volatile RuntimeException failure;

        Job(int blocks, IntConsumer block, Thread caller) {
            this.blocks = blocks;
            this.block = block;
            this.caller = caller;
        }

        void work() {
            for (int b = next.getAndIncrement(); b < blocks; b = next.getAndIncrement()) {
                try {
                    block.accept(b);
                } catch (RuntimeException | Error e) {
                    failure = e instanceof RuntimeException r ? r : new IllegalStateException(e);
                }
                if (finished.incrementAndGet() == blocks) {
                    LockSupport.unpark(caller);
                }
            }
        }

        void await() {
            long start = System.nanoTime();
            while (finished.get() < blocks) {
                idle(start, this);
            }
            if (failure != null) {
                throw failure;
            }
        }
    }
}
