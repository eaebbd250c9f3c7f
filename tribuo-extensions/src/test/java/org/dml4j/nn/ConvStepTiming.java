package org.dml4j.nn;

import org.dml4j.nn.optim.Adam;
import org.dml4j.nn.optim.Updater;
import org.dml4j.nd.Workspaces;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

/**
 * Measures one training step of a convolutional network spec (forward, backward from a fixed dL/d(embeddings), Adam
 * update) at batch 256 in float32, per layer (per fused unit, {@link TrainingPass}) as process CPU time (all
 * threads: fair on a loaded machine) and in total as wall time. Not a test: run with the test classpath, setting
 * {@code OMP_NUM_THREADS} before the JVM starts. Arguments: the network spec (default {@code cnn:32,64,128}), the
 * input features (default 784), warm-up and timed steps (default 5 and 20). Then the same number of inference passes
 * ({@link EmbeddingNetwork#embed}) of the 256 images, after the warm-up of the training steps.
 */
public final class ConvStepTiming {

    private ConvStepTiming() {
    }

    /**
     * Runs the measurement and prints milliseconds per step and per layer.
     *
     * @param args optional spec, input features, warm-up and timed step counts
     */
    public static void main(String[] args) {
        String spec = args.length > 0 ? args[0] : "cnn:32,64,128";
        int features = args.length > 1 ? Integer.parseInt(args[1]) : 784;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int steps = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        EmbeddingNetwork net = NetworkSpecs.parse(spec).build(features, 0, DataType.FLOAT);
        List<Layer> layers = net.layers();
        List<TrainingPass.Unit> units = TrainingPass.units(layers);
        Updater adam = new Adam().newUpdater();
        INDArray x = Nd4j.rand(DataType.FLOAT, 256, features);
        long wallStart = 0;
        INDArray grad = Nd4j.randn(DataType.FLOAT, 256, 128).muli(1e-3);
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long[] fwd = new long[units.size()];
        long[] bwd = new long[units.size()];
        long adamNanos = 0;
        for (int s = -warmup; s < steps; s++) {
            if (s == 0) {
                wallStart = System.nanoTime();
            }
            try (MemoryWorkspace ignored = Workspaces.pass("CONV_STEP_TIMING")) {
                long adamStep = step(layers, units, net, adam, x, grad, s >= 0 ? fwd : new long[fwd.length],
                        s >= 0 ? bwd : new long[bwd.length], os);
                adamNanos += s >= 0 ? adamStep : 0;
            }
        }
        double wall = (System.nanoTime() - wallStart) / 1e6 / steps;
        double total = adamNanos;
        for (int i = 0; i < units.size(); i++) {
            total += fwd[i] + bwd[i];
            TrainingPass.Unit unit = units.get(i);
            System.out.printf("%-40s forward %8.2f ms  backward %8.2f ms%n",
                    layers.subList(unit.start(), unit.end()), fwd[i] / 1e6 / steps, bwd[i] / 1e6 / steps);
        }
        System.out.printf("%s batch 256 float32, OMP_NUM_THREADS=%s: %.1f ms/step of process CPU (Adam %.2f ms), "
                        + "%.1f ms/step wall%n", spec, System.getenv("OMP_NUM_THREADS"), total / 1e6 / steps,
                adamNanos / 1e6 / steps, wall);
        long cpu = os.getProcessCpuTime();
        long start = System.nanoTime();
        for (int s = 0; s < steps; s++) {
            net.embed(x);
        }
        System.out.printf("embed (inference) of 256 images: %.1f ms of process CPU, %.1f ms wall%n",
                (os.getProcessCpuTime() - cpu) / 1e6 / steps, (System.nanoTime() - start) / 1e6 / steps);
    }

    /**
     * One step in the current workspace pass, as {@link EmbeddingNetwork#forward} and {@code backwardParameters} run
     * it ({@link TrainingPass}'s units), adding each unit's CPU nanoseconds; returns Adam's.
     */
    private static long step(List<Layer> layers, List<TrainingPass.Unit> units, EmbeddingNetwork net, Updater adam,
                             INDArray x, INDArray grad, long[] fwd, long[] bwd,
                             com.sun.management.OperatingSystemMXBean os) {
        INDArray a = x;
        for (int i = 0; i < units.size(); i++) {
            long t = os.getProcessCpuTime();
            a = TrainingPass.forward(layers, units.get(i), a, true);
            fwd[i] += os.getProcessCpuTime() - t;
        }
        INDArray g = grad;
        for (int i = units.size() - 1; i >= 0 && g != null; i--) {
            long t = os.getProcessCpuTime();
            // as EmbeddingNetwork.backwardParameters: no input gradient below the first layer with parameters
            int start = units.get(i).start();
            g = TrainingPass.backward(layers, units.get(i), g,
                    layers.subList(0, start).stream().anyMatch(l -> !l.parameters().isEmpty()));
            bwd[i] += os.getProcessCpuTime() - t;
        }
        long t = os.getProcessCpuTime();
        adam.step(net.parameters(), net.gradients(), 1e-3);
        return os.getProcessCpuTime() - t;
    }
}
