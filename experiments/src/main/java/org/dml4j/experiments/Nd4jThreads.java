package org.dml4j.experiments;

import org.nd4j.linalg.factory.Environment;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOps;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Caps ND4J's native threads for a while. Trials run in threads of one JVM share one native library, whose OpenMP
 * pool is sized once from {@code OMP_NUM_THREADS} at start-up and cannot differ per thread; so parallel trials
 * divide the cores by lowering the process-wide cap (libnd4j's own threads and OpenMP's) to cores / trials, and
 * restore it afterwards.
 */
final class Nd4jThreads implements AutoCloseable {

    private final int maxThreadsBefore;
    private final int ompThreadsBefore;

    private Nd4jThreads(int threads) {
        Environment environment = Nd4j.getEnvironment();
        NativeOps ops = NativeOpsHolder.getInstance().getDeviceNativeOps();
        maxThreadsBefore = environment.maxThreads();
        ompThreadsBefore = ops.ompGetMaxThreads();
        environment.setMaxThreads(threads);
        ops.setOmpNumThreads(threads);
    }

    /**
     * Caps the native threads until {@link #close()}.
     *
     * @param threads the most native threads
     * @return the cap, to close
     */
    static Nd4jThreads limit(int threads) {
        return new Nd4jThreads(Math.max(1, threads));
    }

    @Override
    public void close() {
        Nd4j.getEnvironment().setMaxThreads(maxThreadsBefore);
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(ompThreadsBefore);
    }
}
