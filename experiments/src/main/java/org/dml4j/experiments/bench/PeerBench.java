package org.dml4j.experiments.bench;

import org.dml4j.distance.CosineSimilarity;
import org.dml4j.distance.LpDistance;
import org.dml4j.eval.RetrievalEvaluation;
import org.dml4j.eval.RetrievalEvaluator;
import org.dml4j.eval.RetrievalMode;
import org.dml4j.index.KnnDistance;
import org.dml4j.loss.ContrastiveLoss;
import org.dml4j.loss.LossResult;
import org.dml4j.loss.MetricLoss;
import org.dml4j.loss.MultiSimilarityLoss;
import org.dml4j.loss.ProxyNCALoss;
import org.dml4j.loss.TripletMarginLoss;
import org.dml4j.mining.IndexTuples;
import org.dml4j.mining.Miner;
import org.dml4j.mining.MultiSimilarityMiner;
import org.dml4j.mining.TripletMarginMiner;
import org.dml4j.nd.NativeOpThreads;
import org.dml4j.nd.Workspaces;
import org.dml4j.nn.EmbeddingNetwork;
import org.dml4j.nn.NetworkSpecs;
import org.dml4j.nn.optim.Adam;
import org.dml4j.nn.optim.ParameterGroup;
import org.dml4j.nn.optim.Updater;
import org.dml4j.train.MinedLoss;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The DML4J side of the side-by-side benchmarks against PyTorch + pytorch-metric-learning and faiss
 * ({@code experiments/bench/run-bench.sh} runs it alternately with {@code experiments/bench/peer_bench.py}, which
 * times the same workloads on the same input files). A benchmark, not a test. Output: one line per workload,
 * {@code RESULT <workload> <median_ms> <min_ms> <max_ms> <repetitions> [key=value ...]}, as the peer prints.
 * <ul>
 *   <li>{@code losses DIR WARMUP REPS [WORKLOAD]}: loss forward + gradient (with the miner where there is one) on the batch in
 *   {@code DIR/emb.f32} (raw little-endian float32, B × d) and {@code DIR/labels.i32} (int32), with PML's default
 *   configurations as in the reference protocol; plus the semihard miner alone. {@code WORKLOAD} (e.g.
 *   {@code proxy_nca}) runs only that one, for a profile.</li>
 *   <li>{@code knn DIR}: {@link RetrievalEvaluator} in self-retrieval mode (its default rank metrics: all but
 *   full-ranking mAP, MRR exact; Euclidean, clustering off) on {@code DIR/emb.f32} and {@code DIR/labels.i32}, once; prints the process's peak RSS (VmHWM).</li>
 *   <li>{@code step DIR WARMUP REPS}: the phases of a training step of the reference protocol (MLP 784-512-128,
 *   Adam 1e-3) for each of its four losses, as the trainer runs a step, with {@code DIR/emb.f32} (B × 784) as the
 *   input batch: {@code step_LOSS_PHASE} for forward, miner (where there is one), loss, backward, optimizer and
 *   total.</li>
 *   <li>{@code image DIR NAME SPEC EPOCHS STEPS EMBED}: training epochs and embedding throughput of an image network
 *   ({@link ImageBench}).</li>
 * </ul>
 */
public final class PeerBench {

    private PeerBench() {
    }

    /**
     * Runs one benchmark.
     *
     * @param args {@code losses DIR WARMUP REPS [WORKLOAD]}, {@code knn DIR}, {@code step DIR WARMUP REPS} or
     *             {@code image DIR NAME SPEC EPOCHS STEPS EMBED} ({@link ImageBench})
     * @throws IOException if the input files cannot be read
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: PeerBench losses DIR WARMUP REPS [WORKLOAD] | knn DIR | step DIR WARMUP REPS"
                    + " | image DIR NAME SPEC EPOCHS STEPS EMBED"
                    + "  (input files come from experiments/bench/peer_bench.py; see experiments/bench/run-bench.sh)");
            System.exit(2);
        }
        Path dir = Path.of(args[1]);
        if (args[0].equals("image")) {
            ImageBench.run(dir, args[2], args[3], Integer.parseInt(args[4]), Integer.parseInt(args[5]),
                    Integer.parseInt(args[6]));
            return;
        }
        int[] labels = readInts(dir.resolve("labels.i32"));
        float[] values = readFloats(dir.resolve("emb.f32"));
        int dim = values.length / labels.length;
        INDArray embeddings = Nd4j.create(values, new long[]{labels.length, dim}, 'c');
        switch (args[0]) {
            case "losses" -> losses(embeddings, labels, Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    args.length > 4 ? args[4] : "");
            case "knn" -> knn(embeddings, labels);
            case "step" -> step(embeddings, labels, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            default -> {
                System.err.println("unknown benchmark " + args[0] + ": losses, knn or step");
                System.exit(2);
            }
        }
    }

    private record Workload(String name, MetricLoss loss, Miner miner, boolean minerOnly) {
    }

    private static void losses(INDArray embeddings, int[] labels, int warmup, int reps, String only) {
        int numClasses = Arrays.stream(labels).max().orElse(0) + 1;
        int dim = embeddings.columns();
        TripletMarginMiner semihard = new TripletMarginMiner(0.2, TripletMarginMiner.Type.SEMIHARD, new LpDistance());
        List<Workload> workloads = List.of(
                new Workload("contrastive", new ContrastiveLoss(), null, false),
                new Workload("proxy_nca", new ProxyNCALoss(numClasses, dim), null, false),
                new Workload("multi_similarity+miner", new MultiSimilarityLoss(),
                        new MultiSimilarityMiner(0.1, new CosineSimilarity()), false),
                new Workload("triplet+semihard", new TripletMarginLoss(0.2), semihard, false),
                new Workload("semihard_miner_only", null, semihard, true));
        for (Workload w : workloads) {
            if (!only.isEmpty() && !w.name.equals(only)) {
                continue;
            }
            double[] ms = new double[reps];
            long tuples = 0;
            double value = 0;
            MinedLoss minedLoss = w.minerOnly ? null : new MinedLoss(w.loss, w.miner);
            for (int i = -warmup; i < reps; i++) {
                long start = System.nanoTime();
                IndexTuples mined;
                if (w.minerOnly) {
                    mined = w.miner.mine(embeddings, labels);
                } else {
                    MinedLoss.MinedBatch batch = minedLoss.mine(embeddings, labels, null);
                    mined = batch.tuples();
                    value = batch.loss().value();
                }
                long end = System.nanoTime();
                if (i >= 0) {
                    ms[i] = (end - start) / 1e6;
                }
                tuples = mined == null ? 0 : mined.size();
            }
            print(w.name, ms, String.format(Locale.ROOT, "loss=%.6f tuples=%d", value, tuples));
        }
    }

    /** The losses of the reference protocol, with their miners, under the names peer_bench.py uses. */
    private static List<Workload> referenceLosses(int numClasses, int dim) {
        return List.of(
                new Workload("contrastive", new ContrastiveLoss(), null, false),
                new Workload("proxy_nca", new ProxyNCALoss(numClasses, dim), null, false),
                new Workload("multi_similarity", new MultiSimilarityLoss(),
                        new MultiSimilarityMiner(0.1, new CosineSimilarity()), false),
                new Workload("triplet_semihard", new TripletMarginLoss(0.2),
                        new TripletMarginMiner(0.2, TripletMarginMiner.Type.SEMIHARD, new LpDistance()), false));
    }

    private static final String[] STEP_PHASES = {"forward", "miner", "loss", "backward", "optimizer", "total"};

    /**
     * The phases of one training step as the trainer runs it (one OpenMP thread, the step in a reused workspace) on
     * the reference protocol's MLP 784-512-128 with Adam 1e-3, on a fixed input batch: forward, miner (with the
     * batch's matrix when the loss shares it, see {@link MinedLoss}), loss (its value and its gradient with respect to
     * the embeddings), backward through the network, optimizer step, total.
     */
    private static void step(INDArray input, int[] labels, int warmup, int reps) {
        int numClasses = Arrays.stream(labels).max().orElse(0) + 1;
        for (Workload w : referenceLosses(numClasses, 128)) {
            EmbeddingNetwork network = NetworkSpecs.parse("mlp:512,128").build(input.columns(), 0,
                    DataType.FLOAT);
            MetricLoss loss = w.loss.forTraining(0);
            MinedLoss minedLoss = new MinedLoss(loss, w.miner);
            Updater updater = new Adam().newUpdater();
            double[][] ms = new double[STEP_PHASES.length][reps];
            try (NativeOpThreads threads = NativeOpThreads.limit(1)) {
                for (int i = -warmup; i < reps; i++) {
                    long[] t = new long[STEP_PHASES.length];
                    try (MemoryWorkspace ignored = Workspaces.pass("DML4J_BENCH_STEP")) {
                        t[0] = System.nanoTime();
                        INDArray embeddings = network.forward(input, true);
                        t[1] = System.nanoTime();
                        MinedLoss.MinedBatch mined = minedLoss.mine(embeddings, labels, null);
                        t[2] = System.nanoTime();
                        LossResult result = mined.loss();
                        t[3] = System.nanoTime();
                        network.backwardParameters(result.embeddingGradient());
                        t[4] = System.nanoTime();
                        List<ParameterGroup> groups = new ArrayList<>();
                        groups.add(new ParameterGroup(network.parameters(), network.gradients(), 1.0));
                        if (!loss.parameters().isEmpty()) {
                            groups.add(new ParameterGroup(loss.parameters(), result.parameterGradients(), 1.0));
                        }
                        updater.step(groups, 1e-3);
                        t[5] = System.nanoTime();
                    }
                    if (i >= 0) {
                        for (int k = 0; k < STEP_PHASES.length - 1; k++) {
                            ms[k][i] = (t[k + 1] - t[k]) / 1e6;
                        }
                        ms[STEP_PHASES.length - 1][i] = (t[STEP_PHASES.length - 1] - t[0]) / 1e6;
                    }
                }
            }
            for (int k = 0; k < STEP_PHASES.length; k++) {
                if (w.miner != null || !STEP_PHASES[k].equals("miner")) {
                    print("step_" + w.name + "_" + STEP_PHASES[k], ms[k], "");
                }
            }
        }
    }

    private static void knn(INDArray embeddings, int[] labels) {
        long hwmBefore = vmHwmKiB();
        RetrievalEvaluator evaluator = new RetrievalEvaluator(new int[]{1, 2, 4, 8, 16},
                KnnDistance.SQUARED_EUCLIDEAN, RetrievalEvaluator.DEFAULT_BLOCK_SIZE, false, 1);
        long start = System.nanoTime();
        RetrievalEvaluation eval = evaluator.evaluate(embeddings, labels, null, null, RetrievalMode.SELF);
        double ms = (System.nanoTime() - start) / 1e6;
        print("knn_eval_n" + labels.length, new double[]{ms}, String.format(Locale.ROOT,
                "precision_at_1=%.4f map_at_r=%.4f r_precision=%.4f peak_rss_mib=%d rss_before_mib=%d",
                eval.means().get("precision_at_1"), eval.means().get("map_at_r"), eval.means().get("r_precision"),
                vmHwmKiB() >> 10, hwmBefore >> 10));
    }

    static void print(String name, double[] ms, String extra) {
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        System.out.printf(Locale.ROOT, "RESULT %s %.3f %.3f %.3f %d %s%n", name, median, sorted[0], sorted[n - 1],
                n, extra);
    }

    /** The process's peak resident set size in KiB (VmHWM of /proc/self/status), or -1 where there is none. */
    static long vmHwmKiB() {
        try {
            Matcher m = Pattern.compile("VmHWM:\\s+(\\d+) kB").matcher(Files.readString(Path.of("/proc/self/status")));
            return m.find() ? Long.parseLong(m.group(1)) : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    static int[] readInts(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int[] out = new int[b.remaining() / 4];
        b.asIntBuffer().get(out);
        return out;
    }

    private static float[] readFloats(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[b.remaining() / 4];
        b.asFloatBuffer().get(out);
        return out;
    }
}
