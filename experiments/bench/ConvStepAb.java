/*
 * Old and new DML4J code in one JVM, training steps alternating: each DIR is a copy of a commit's
 * tribuo-extensions/target (its classes/ folder), loaded in a class loader of its own over one ND4J; per step (batch
 * 256 of random inputs, float32, forward, backward from a random dL/d(embeddings) scaled 1e-3, Adam 1e-3, in a
 * workspace pass as the trainer runs it) the process CPU time, then one embed of the batch. On a loaded machine the
 * load falls on every variant alike; the unchanged embed of two variants shows the run's noise.
 * BENCHMARKS.md (issue 22, "Fourth session") used it. Run with Java's source launcher and the library's dependency
 * classpath (without DML4J):
 *   mvn -q -o dependency:build-classpath -pl tribuo-extensions -Dmdep.outputFile=/tmp/cp.txt
 *   OMP_NUM_THREADS=2 java -Xmx3g -cp $(cat /tmp/cp.txt) experiments/bench/ConvStepAb.java \
 *       cnn:32,64,128 784 3 10 /tmp/old /tmp/new
 * Arguments: network spec, input features, warm-up steps, timed steps, then two or more class directories.
 */
import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

public class ConvStepAb {
  static final com.sun.management.OperatingSystemMXBean OS = (com.sun.management.OperatingSystemMXBean)
      java.lang.management.ManagementFactory.getOperatingSystemMXBean();
  static class Variant {
    String name; Object net, updater; Method forward, backwardParameters, params, grads, step, pass, embed;
    double cpu, wall, ecpu; int n;
  }
  public static void main(String[] a) throws Exception {
    String spec = a[0];
    int features = Integer.parseInt(a[1]);
    int warm = Integer.parseInt(a[2]);
    int steps = Integer.parseInt(a[3]);
    int batch = 256;
    Variant[] vs = new Variant[a.length - 4];
    INDArray x = Nd4j.rand(DataType.FLOAT, batch, features);
    for (int i = 0; i < vs.length; i++) {
      URLClassLoader l = new URLClassLoader(new URL[]{new File(a[4 + i] + "/classes/").toURI().toURL()},
          ConvStepAb.class.getClassLoader());
      Variant v = new Variant(); v.name = a[4 + i];
      Class<?> specs = l.loadClass("org.dml4j.nn.NetworkSpecs");
      Object s = specs.getMethod("parse", String.class).invoke(null, spec);
      Class<?> specI = l.loadClass("org.dml4j.nn.NetworkSpec");
      v.net = specI.getMethod("build", int.class, long.class, DataType.class).invoke(s, features, 0L, DataType.FLOAT);
      Class<?> netC = v.net.getClass();
      v.forward = netC.getMethod("forward", INDArray.class, boolean.class);
      v.backwardParameters = netC.getMethod("backwardParameters", INDArray.class);
      v.params = netC.getMethod("parameters"); v.grads = netC.getMethod("gradients");
      v.embed = netC.getMethod("embed", INDArray.class);
      Object adam = l.loadClass("org.dml4j.nn.optim.Adam").getConstructor().newInstance();
      v.updater = adam.getClass().getMethod("newUpdater").invoke(adam);
      v.step = v.updater.getClass().getMethod("step", Map.class, Map.class, double.class);
      v.pass = l.loadClass("org.dml4j.nd.Workspaces").getMethod("pass", String.class);
      vs[i] = v;
    }
    for (int s = -warm; s < steps; s++) {
      for (int k = 0; k < vs.length; k++) {
        Variant v = vs[(s + warm + k) % vs.length]; // rotate who goes first
        long c0 = OS.getProcessCpuTime(), t0 = System.nanoTime();
        try (MemoryWorkspace ws = (MemoryWorkspace) v.pass.invoke(null, "AB_" + v.name)) {
          INDArray out = (INDArray) v.forward.invoke(v.net, x, true);
          INDArray g = Nd4j.randn(DataType.FLOAT, out.shape()).muli(1e-3);
          v.backwardParameters.invoke(v.net, g);
          v.step.invoke(v.updater, v.params.invoke(v.net), v.grads.invoke(v.net), 1e-3);
        }
        if (s >= 0) { v.cpu += (OS.getProcessCpuTime() - c0) / 1e6; v.wall += (System.nanoTime() - t0) / 1e6; v.n++; }
        c0 = OS.getProcessCpuTime();
        v.embed.invoke(v.net, x);
        if (s >= 0) v.ecpu += (OS.getProcessCpuTime() - c0) / 1e6;
      }
    }
    String loadavg = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg"));
    double load = Double.parseDouble(loadavg.split(" ")[0]);
    for (Variant v : vs) System.out.printf(
        "%s %s: step CPU %.1f ms, wall %.1f ms, embed CPU %.1f ms (%d steps, load now %.1f)%n",
        spec, v.name, v.cpu / v.n, v.wall / v.n, v.ecpu / v.n, v.n, load);
    Variant last = vs[vs.length - 1];
    System.out.printf("ratio step CPU %s / %s = %.3f; embed %.3f%n", last.name, vs[0].name, last.cpu / vs[0].cpu,
        last.ecpu / vs[0].ecpu);
  }
}
