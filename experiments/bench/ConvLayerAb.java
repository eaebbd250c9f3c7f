/*
 * One convolution layer's forward and backward passes, DML4J's Conv2d against ND4J's own conv2d / conv2d_bp custom ops
 * (on the nd4j-native "linux-x86_64-onednn" build, the pom's default since 88b2e48, these run oneDNN's direct
 * convolution), alternating call by call in one JVM; process CPU time and wall per call, float32, every call in a
 * workspace pass as a training step runs it. Passes: F forward; Bw backward with the weight gradient only (DML4J only:
 * conv2d_bp always computes both); B backward with the weight and the input gradient; the op on contiguous NCHW
 * arrays and on NCHW views of CNHW arrays (what Conv2d hands it). BENCHMARKS.md (issue 22, "Fifth session") used it
 * with the classes of eb9010a for DML4J's column (the im2col + OpenBLAS lowering; since 88b2e48 Conv2d itself takes
 * the op path where DirectConv.applies). Run with Java's source launcher:
 *   mvn -q -o dependency:build-classpath -pl tribuo-extensions -Dmdep.outputFile=/tmp/cp.txt
 *   OMP_NUM_THREADS=2 java -cp OLD/classes:$(cat /tmp/cp.txt) experiments/bench/ConvLayerAb.java 2 6 32x64x14x14s1 ...
 * (for the default build, replace nd4j-native-1.0.0-M2.1-linux-x86_64-onednn.jar in the class path by the
 * -linux-x86_64.jar). Arguments: warm-up reps, timed reps, then layer shapes INxOUTxHxWsSTRIDE (3×3 kernel,
 * padding 1, batch 256; a suffix kK sets another kernel with padding (K-1)/2).
 */
import java.util.SplittableRandom;
import org.dml4j.nd.Workspaces;
import org.dml4j.nn.Conv2d;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

public class ConvLayerAb {
  static final com.sun.management.OperatingSystemMXBean OS = (com.sun.management.OperatingSystemMXBean)
      java.lang.management.ManagementFactory.getOperatingSystemMXBean();
  static final int N = 256;

  interface Pass { void run(); }

  static double[] time(Pass p, double[] acc, int at, boolean record) {
    long c0 = OS.getProcessCpuTime(), t0 = System.nanoTime();
    try (MemoryWorkspace ws = Workspaces.pass("CONV_AB")) {
      p.run();
    }
    if (record) {
      acc[at] += (OS.getProcessCpuTime() - c0) / 1e6;
      acc[at + 1] += (System.nanoTime() - t0) / 1e6;
    }
    return acc;
  }

  public static void main(String[] a) {
    int warm = Integer.parseInt(a[0]);
    int reps = Integer.parseInt(a[1]);
    System.out.println("environment: " + Nd4j.getExecutioner().getEnvironmentInformation().get("blas.vendor")
        + ", platform helpers allowed " + Nd4j.getEnvironment().helpersAllowed()
        + ", platform extension " + System.getProperty("org.bytedeco.javacpp.platform.extension", ""));
    for (int s = 2; s < a.length; s++) {
      String[] f = a[s].split("[xsk]");
      int in = Integer.parseInt(f[0]), out = Integer.parseInt(f[1]), h = Integer.parseInt(f[2]),
          w = Integer.parseInt(f[3]), stride = Integer.parseInt(f[4]);
      int k = f.length > 5 ? Integer.parseInt(f[5]) : 3, pad = (k - 1) / 2;
      int oh = (h + 2 * pad - k) / stride + 1, ow = (w + 2 * pad - k) / stride + 1;
      Conv2d conv = new Conv2d(in, out, k, stride, pad, new SplittableRandom(1), DataType.FLOAT);
      INDArray xc = Nd4j.rand(DataType.FLOAT, in, N, h, w);               // CNHW, DML4J's layout
      INDArray gc = Nd4j.randn(DataType.FLOAT, out, N, oh, ow).muli(1e-3);
      INDArray xn = xc.permute(1, 0, 2, 3).dup('c');                       // NCHW, ND4J's
      INDArray gn = gc.permute(1, 0, 2, 3).dup('c');
      INDArray wt = conv.parameters().get("weight").dup('c');            // [out, in, k, k]: wFormat 1
      INDArray b = conv.parameters().get("bias").dup('c');
      int[] ia = {k, k, stride, stride, pad, pad, 1, 1, 0, 0, 1};
      Pass ourF = () -> conv.forward(xc, true);
      Pass ourBw = () -> { conv.forward(xc, true); conv.backward(gc, false); };
      Pass ourB = () -> { conv.forward(xc, true); conv.backward(gc, true); };
      Pass opF = () -> Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(xn, wt, b)
          .addOutputs(Nd4j.createUninitialized(DataType.FLOAT, N, out, oh, ow)).addIntegerArguments(ia).build());
      Pass opB = () -> {
        Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(xn, wt, b)
            .addOutputs(Nd4j.createUninitialized(DataType.FLOAT, N, out, oh, ow)).addIntegerArguments(ia).build());
        Nd4j.exec(DynamicCustomOp.builder("conv2d_bp").addInputs(xn, wt, b, gn)
            .addOutputs(Nd4j.createUninitialized(DataType.FLOAT, xn.shape()),
                Nd4j.createUninitialized(DataType.FLOAT, wt.shape()),
                Nd4j.createUninitialized(DataType.FLOAT, b.shape()))
            .addIntegerArguments(ia).build());
      };
      Pass viewF = () -> Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(xc.permute(1, 0, 2, 3), wt, b)
          .addOutputs(Nd4j.createUninitialized(DataType.FLOAT, out, N, oh, ow).permute(1, 0, 2, 3))
          .addIntegerArguments(ia).build());
      Pass viewB = () -> {
        viewF.run();
        Nd4j.exec(DynamicCustomOp.builder("conv2d_bp").addInputs(xc.permute(1, 0, 2, 3), wt, b, gc.permute(1, 0, 2, 3))
            .addOutputs(Nd4j.createUninitialized(DataType.FLOAT, xc.shape()).permute(1, 0, 2, 3),
                Nd4j.createUninitialized(DataType.FLOAT, wt.shape()),
                Nd4j.createUninitialized(DataType.FLOAT, b.shape()))
            .addIntegerArguments(ia).build());
      };
      double[] acc = new double[14]; // our F, Bw(+F), B(+F); op F, B(+F): cpu, wall each
      for (int r = -warm; r < reps; r++) {
        boolean rec = r >= 0;
        if ((r & 1) == 0) {
          time(ourF, acc, 0, rec); time(opF, acc, 6, rec);
          time(ourBw, acc, 2, rec); time(ourB, acc, 4, rec); time(opB, acc, 8, rec);
          time(viewF, acc, 10, rec); time(viewB, acc, 12, rec);
        } else {
          time(viewB, acc, 12, rec); time(viewF, acc, 10, rec);
          time(opF, acc, 6, rec); time(ourF, acc, 0, rec);
          time(opB, acc, 8, rec); time(ourB, acc, 4, rec); time(ourBw, acc, 2, rec);
        }
      }
      for (int i = 0; i < acc.length; i++) acc[i] /= reps;
      String load = "";
      try { load = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0]; }
      catch (java.io.IOException e) { }
      System.out.printf("%s: CPU/wall ms  DML4J fwd %.1f/%.1f  bwd-weights %.1f/%.1f  bwd-data %.1f/%.1f  | "
              + "ND4J op fwd %.1f/%.1f  bwd(both) %.1f/%.1f  | fwd+bwd DML4J %.1f, op %.1f CPU (op/DML4J %.2f)"
              + "  | op on CNHW views fwd %.1f/%.1f bwd(both) %.1f/%.1f"
              + "  load %s%n", a[s],
          acc[0], acc[1], acc[2] - acc[0], acc[3] - acc[1], acc[4] - acc[2], acc[5] - acc[3],
          acc[6], acc[7], acc[8] - acc[6], acc[9] - acc[7], acc[4], acc[8], acc[8] / acc[4],
          acc[10], acc[11], acc[12] - acc[10], acc[13] - acc[11], load);
    }
  }
}
