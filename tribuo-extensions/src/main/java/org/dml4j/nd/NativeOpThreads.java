package org.dml4j.nd;

import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOps;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Limits, for the calling thread and until {@link #close()}, the OpenMP threads that ND4J's native element-wise,
 * reduction and custom ops start; matrix products through {@link MatrixProducts} run in blocks on DML4J's own
 * threads, one core each.
 * <p>
 * On ND4J's CPU backend the two thread pools compete: after a matrix product OpenBLAS's workers keep spinning on the
 * cores for a while, and so do libgomp's workers after an element-wise op (OpenMP's default wait policy), so the op
 * that follows waits for a scheduler time slice. A training step alternates the two kinds of op every few hundred
 * microseconds; on two cores that made a ReLU over 256 × 512 take 2-3 ms instead of 0.2 ms, and a whole
 * 784-512-128 step three times slower (BENCHMARKS.md, "Threads"). The ops of a training step are small enough that
 * one thread does them as fast, so the trainer and the model's embedding run their loops with one OpenMP thread.
 * <p>
 * OpenMP's thread count is a setting of the calling thread ({@code omp_set_num_threads}), so other threads of the
 * application keep theirs; {@link #close()} restores the calling thread's previous value. On other backends (CUDA)
 * this does nothing. This is DML4J's one thread limiter: trials that {@code dml4j sweep} runs in parallel threads of
 * one JVM need no process-wide cap, since each trains and embeds under its own one-thread limit.
 */
public final class NativeOpThreads implements AutoCloseable {

    private final NativeOps ops;
    private final int previous;

    private NativeOpThreads(NativeOps ops, int previous) {
        this.ops = ops;
        this.previous = previous;
    }

    /**
     * Limits the calling thread's native ops to {@code threads} OpenMP threads until the returned scope is closed.
     *
     * @param threads the OpenMP threads, at least 1
     * @return the scope to close (on the same thread) to restore the previous setting
     */
    public static NativeOpThreads limit(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, found " + threads);
        }
        if (!Nd4j.getEnvironment().isCPU()) {
            return new NativeOpThreads(null, 0);
        }
        NativeOps ops = NativeOpsHolder.getInstance().getDeviceNativeOps();
        int previous = ops.ompGetMaxThreads();
        ops.setOmpNumThreads(threads);
        return new NativeOpThreads(ops, previous);
    }

    /**
     * Lifts the calling thread's limit to ND4J's thread count ({@code Environment.maxThreads()}: OpenMP's, or the
     * cores) until the returned scope is closed, for one op that divides its work well over threads (oneDNN's
     * convolutions, see {@code DirectConv}) inside a one-thread scope.
     *
     * @return the scope to close (on the same thread) to restore the previous setting
     */
    public static NativeOpThreads all() {
        return limit(Math.max(1, Nd4j.getEnvironment().maxThreads()));
    }

    /**
     * The calling thread's current limit: OpenMP's {@code omp_get_max_threads()} on the CPU backend, otherwise 0.
     *
     * @return the OpenMP threads the calling thread's next native op may use
     */
    public static int current() {
        return Nd4j.getEnvironment().isCPU() ? NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads()
                : 0;
    }

    /** Restores the calling thread's previous limit. */
    @Override
    public void close() {
        if (ops != null) {
            ops.setOmpNumThreads(previous);
        }
    }
}
