package org.dml4j.nn;

import org.dml4j.nn.optim.Adam;
import org.dml4j.nn.optim.Updater;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Measures one training step (forward, backward from a fixed dL/d(embeddings), Adam update) of the reference MLP
 * 784-512-ReLU-128 + L2 normalization at batch 256 in float32. Not a test: run with the test classpath, setting
 * {@code OMP_NUM_THREADS} before the JVM starts. Arguments: warm-up steps and timed steps (default 50 and 200).
 * <p>
 * On the shared 2-core development machine (load average 8-11 from other builds, so wall times are inflated) it
 * measured 19-28 ms wall per step with one thread but 14.9 ms of the thread's CPU time (about 34 GFLOPS over the
 * ~0.51 GFLOP of the step, so BLAS-bound), and 19-22 ms wall with two threads.
 */
public final class MlpStepTiming {

    private MlpStepTiming() {
    }

    /**
     * Runs the measurement and prints milliseconds per step.
     *
     * @param args optional warm-up and timed step counts
     */
    public static void main(String[] args) {
        int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        EmbeddingNetwork net = new MlpSpec(new int[]{512}, 128).build(784, 0, DataType.FLOAT);
        Updater adam = new Adam().newUpdater();
        INDArray x = Nd4j.rand(DataType.FLOAT, 256, 784);
        INDArray grad = Nd4j.randn(DataType.FLOAT, 256, 128).muli(1e-3);
        for (int i = 0; i < warmup; i++) {
            step(net, adam, x, grad);
        }
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpuStart = threads.getCurrentThreadCpuTime();
        long[] nanos = new long[3];
        for (int i = 0; i < steps; i++) {
            long[] t = step(net, adam, x, grad);
            for (int k = 0; k < 3; k++) {
                nanos[k] += t[k];
            }
        }
        double cpu = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e6 / steps;
        double total = (nanos[0] + nanos[1] + nanos[2]) / 1e6 / steps;
        System.out.printf("MLP 784-512-128 batch 256 float32, OMP_NUM_THREADS=%s: %.2f ms/step "
                        + "(forward %.2f, backward %.2f, Adam %.2f); calling thread's CPU %.2f ms/step%n",
                System.getenv("OMP_NUM_THREADS"), total, nanos[0] / 1e6 / steps, nanos[1] / 1e6 / steps,
                nanos[2] / 1e6 / steps, cpu);
    }

    /** One step; returns the nanoseconds of forward, backward and update. */
    private static long[] step(EmbeddingNetwork net, Updater adam, INDArray x, INDArray grad) {
        long t0 = System.nanoTime();
        net.forward(x, true);
        long t1 = System.nanoTime();
        net.backwardParameters(grad);
        long t2 = System.nanoTime();
        adam.step(net.parameters(), net.gradients(), 1e-3);
        long t3 = System.nanoTime();
        return new long[]{t1 - t0, t2 - t1, t3 - t2};
    }
}
