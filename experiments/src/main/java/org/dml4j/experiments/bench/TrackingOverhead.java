package org.dml4j.experiments.bench;

import org.dml4j.data.MnistDataSource;
import org.dml4j.data.MnistFiles;
import org.dml4j.distance.CosineSimilarity;
import org.dml4j.loss.MultiSimilarityLoss;
import org.dml4j.mining.MultiSimilarityMiner;
import org.dml4j.mlflow.MlflowConnection;
import org.dml4j.mlflow.MlflowRestClient;
import org.dml4j.mlflow.MlflowTracker;
import org.dml4j.mlflow.TrackerOptions;
import org.dml4j.mlflow.TrackingOutcome;
import org.dml4j.nn.NetworkSpecs;
import org.dml4j.nn.optim.Adam;
import org.dml4j.sampling.MPerClassSampler;
import org.dml4j.train.MetricLearningTrainer;
import org.tribuo.Dataset;
import org.tribuo.ImmutableDataset;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What MLflow tracking adds to training ({@code experiments/bench/run-tracking-overhead.sh} runs it against a real
 * local MLflow server). In one JVM, after an untimed warm-up of each side, it trains the quickstart's run
 * (multi-similarity loss and miner, MLP 784-512-128, batches of 8 classes × 32, Adam 1e-3, seed 0, Fashion-MNIST)
 * alternately without and with an {@link MlflowTracker} (untracked first in odd rounds), and prints one line per run:
 * {@code RUN <side> <round> <load1> <train_s> <jvm_cpu_s> <tracker_cpu_s> <server_cpu_s> <finish_s>}: the wall time of
 * {@code train()}, the JVM's CPU time during it, the CPU time of the tracker's threads and of the MLflow server's
 * processes during it, and (tracked) how long {@link MlflowTracker#finish()} then waited for the delivery; then
 * {@code THREADS <side> <round> name=seconds ...}: the JVM's threads (Java and native: ND4J's OpenMP threads, GC,
 * JIT, HTTP client) that used the most CPU during {@code train()}, from {@code /proc/self/task}, digits in names
 * replaced by {@code #} and summed. A benchmark, not a test.
 */
public final class TrackingOverhead {

    private static final String TRACKER_THREADS = "dml4j-mlflow-";
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final Dataset<Label> train;
    private final int epochs;
    private final String uri;
    private final long serverPid;
    private final Path spoolRoot;

    private TrackingOverhead(Dataset<Label> train, int epochs, String uri, long serverPid, Path spoolRoot) {
        this.train = train;
        this.epochs = epochs;
        this.uri = uri;
        this.serverPid = serverPid;
        this.spoolRoot = spoolRoot;
    }

    /**
     * Runs the comparison.
     *
     * @param args {@code URI SERVER_PID ROUNDS EPOCHS SPOOL_DIR}: the tracking server, the process group id of its
     *             processes, the rounds, the epochs of each run, and where the tracker spools
     * @throws IOException if Fashion-MNIST cannot be read
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 5) {
            System.err.println("usage: TrackingOverhead URI SERVER_PID ROUNDS EPOCHS SPOOL_DIR (see "
                    + "experiments/bench/run-tracking-overhead.sh)");
            System.exit(2);
        }
        MnistFiles files = MnistFiles.locate(null);
        MnistDataSource source = MnistDataSource.of(files, MnistFiles.Split.TRAIN);
        MutableDataset<Label> images = new MutableDataset<>(source);
        // Every pixel is a feature, as in the dml4j command line.
        Dataset<Label> train = ImmutableDataset.copyDataset(images, source.featureMap(), images.getOutputIDInfo());
        int rounds = Integer.parseInt(args[2]);
        TrackingOverhead bench = new TrackingOverhead(train, Integer.parseInt(args[3]), args[0],
                Long.parseLong(args[1]), Path.of(args[4]));
        bench.run("warmup-untracked", 0, false);
        bench.run("warmup-tracked", 0, true);
        for (int round = 1; round <= rounds; round++) {
            boolean trackedFirst = round % 2 == 0;
            bench.run(trackedFirst ? "tracked" : "untracked", round, trackedFirst);
            bench.run(trackedFirst ? "untracked" : "tracked", round, !trackedFirst);
        }
    }

    private void run(String side, int round, boolean tracked) throws IOException {
        MetricLearningTrainer trainer = new MetricLearningTrainer(NetworkSpecs.parse("mlp:512,128"),
                new MultiSimilarityLoss(), new MultiSimilarityMiner(0.1, new CosineSimilarity()),
                new MPerClassSampler(32), new Adam(), epochs, 256, 1e-3, 0);
        MlflowTracker tracker = null;
        if (tracked) {
            MlflowRestClient client = new MlflowRestClient(MlflowConnection.fromEnvironment(Map.of(), uri));
            tracker = new MlflowTracker(client, TrackerOptions.forExperiment("dml4j-tracking-overhead")
                    .withRunName(side + "-" + round).withSpoolRoot(spoolRoot));
            trainer.addListener(tracker);
        }
        String load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        Map<String, Long> threadsBefore = threadTicks();
        double serverBefore = serverCpuSeconds();
        long cpuBefore = processCpuNanos();
        long start = System.nanoTime();
        trainer.train(train);
        double trainSeconds = (System.nanoTime() - start) / 1e9;
        double jvmCpu = (processCpuNanos() - cpuBefore) / 1e9;
        double trackerCpu = trackerThreadsCpuNanos() / 1e9;
        double serverCpu = serverCpuSeconds() - serverBefore;
        Map<String, Long> threadsAfter = threadTicks();
        double finishSeconds = 0;
        if (tracker != null) {
            long finishStart = System.nanoTime();
            TrackingOutcome outcome = tracker.finish();
            finishSeconds = (System.nanoTime() - finishStart) / 1e9;
            if (!outcome.delivered()) {
                throw new IllegalStateException("tracking did not deliver: " + outcome.message());
            }
        }
        System.out.printf(Locale.ROOT, "RUN %s %d %s %.3f %.3f %.3f %.3f %.3f%n", side, round, load, trainSeconds,
                jvmCpu, trackerCpu, serverCpu, finishSeconds);
        System.out.println("THREADS " + side + " " + round + " " + threadsAfter.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - threadsBefore.getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(8)
                .map(e -> String.format(Locale.ROOT, "%s=%.2f", e.getKey(), e.getValue() / 100.0))
                .collect(Collectors.joining(" ")));
        System.out.flush();
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** The CPU time so far of the live tracker threads (the spooler and the sender: they live until finish). */
    private static long trackerThreadsCpuNanos() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(TRACKER_THREADS))
                .mapToLong(t -> Math.max(0, THREADS.getThreadCpuTime(t.getId())))
                .sum();
    }

    /** CPU ticks (user + system, 100 per second) so far of this JVM's live threads, by name with digits as '#'. */
    private static Map<String, Long> threadTicks() throws IOException {
        Map<String, Long> ticks = new TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                String text;
                try {
                    text = Files.readString(task.resolve("stat"));
                } catch (IOException gone) {
                    continue;
                }
                String name = text.substring(text.indexOf('(') + 1, text.lastIndexOf(')')).replaceAll("[0-9]+", "#")
                        .replace(' ', '_');
                ticks.merge(name, cpuTicks(text), Long::sum);
            }
        }
        return ticks;
    }

    /** Fields 14 and 15 (utime, stime) of a {@code /proc/.../stat} line. */
    private static long cpuTicks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** The CPU time (user + system) so far of the server's processes: its process group, from /proc (100 ticks/s). */
    private double serverCpuSeconds() throws IOException {
        long ticks = 0;
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path stat : procs.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .map(p -> p.resolve("stat")).toList()) {
                String text;
                try {
                    text = Files.readString(stat);
                } catch (IOException gone) {
                    continue;
                }
                // After "pid (name) ": state ppid pgrp ...
                if (Long.parseLong(text.substring(text.lastIndexOf(')') + 2).split(" ")[2]) == serverPid) {
                    ticks += cpuTicks(text);
                }
            }
        }
        return ticks / 100.0;
    }
}
