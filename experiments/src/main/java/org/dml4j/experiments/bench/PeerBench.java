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
 * </ul>
 */
public final class PeerBench {

    private PeerBench() {
    }

    /**
     * Runs one benchmark.
     *
     * @param args {@code losses DIR WARMUP REPS [WORKLOAD]} or {@code knn DIR}
     * @throws IOException if the input files cannot be read
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: PeerBench losses DIR WARMUP REPS [WORKLOAD] | knn DIR  (input files come from "
                    + "experiments/bench/peer_bench.py; see experiments/bench/run-bench.sh)");
            System.exit(2);
        }
        Path dir = Path.of(args[1]);
        int[] labels = readInts(dir.resolve("labels.i32"));
        float[] values = readFloats(dir.resolve("emb.f32"));
        int dim = values.length / labels.length;
        INDArray embeddings = Nd4j.create(values, new long[]{labels.length, dim}, 'c');
        switch (args[0]) {
            case "losses" -> losses(embeddings, labels, Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    args.length > 4 ? args[4] : "");
            case "knn" -> knn(embeddings, labels);
            default -> {
                System.err.println("unknown benchmark " + args[0] + ": losses or knn");
                System.exit(2);
            }
        }
    }

    private record Workload(String name, MetricLoss loss, Miner miner, boolean minerOnly) {
    }

    private static void losses(INDArray embeddings, int[] labels, int warmup, int reps, String only) {
        int numClasses = Arrays.stream(labels).max().orElse(0) + 1;
        int dim = (int) embeddings.columns();
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
            for (int i = -warmup; i < reps; i++) {
                long start = System.nanoTime();
                IndexTuples mined = w.miner == null ? null : w.miner.mine(embeddings, labels);
                if (!w.minerOnly) {
                    LossResult r = w.loss.compute(embeddings, labels, mined);
                    value = r.value();
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

    private static void print(String name, double[] ms, String extra) {
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        System.out.printf(Locale.ROOT, "RESULT %s %.3f %.3f %.3f %d %s%n", name, median, sorted[0], sorted[n - 1],
                n, extra);
    }

    /** The process's peak resident set size in KiB (VmHWM of /proc/self/status), or -1 where there is none. */
    private static long vmHwmKiB() {
        try {
            Matcher m = Pattern.compile("VmHWM:\\s+(\\d+) kB").matcher(Files.readString(Path.of("/proc/self/status")));
            return m.find() ? Long.parseLong(m.group(1)) : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    private static int[] readInts(Path file) throws IOException {
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
