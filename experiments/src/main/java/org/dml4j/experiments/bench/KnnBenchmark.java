package org.dml4j.experiments.bench;

import org.dml4j.eval.RetrievalEvaluation;
import org.dml4j.eval.RetrievalEvaluator;
import org.dml4j.eval.RetrievalMode;
import org.dml4j.index.ExactKnn;
import org.dml4j.index.KnnDistance;
import org.dml4j.index.KnnResult;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A benchmark (not a test) of exact kNN at scale on random clustered float32 embeddings: (a) the default
 * {@link RetrievalEvaluator} rank metrics (one top-k pass; no full-ranking mAP) in self-retrieval (leave-one-out)
 * mode for each size of {@code --eval}, without the k-means NMI/AMI, and (b) a top-k search of {@code --queries}
 * queries against a gallery of each size of {@code --gallery}. Prints wall time and peak memory
 * ({@link PeakMemory}) for every phase.
 * <p>
 * Usage: {@code java -Xmx4g -cp ... org.dml4j.experiments.bench.KnnBenchmark [--eval 10000,100000]
 * [--gallery 1000000] [--queries 10000] [--dim 128] [--k 16] [--per-class 100] [--seed 1]}; a size list
 * may be empty ({@code --eval ""}) to skip that part. Classes have {@code --per-class} rows on average.
 * Set {@code OMP_NUM_THREADS} before the JVM starts.
 */
public final class KnnBenchmark {
    private static final double NOISE = 2.0;

    private KnnBenchmark() {
    }

    /**
     * Runs the benchmark.
     * @param args {@code --name value} options, see the class documentation.
     */
    public static void main(String[] args) {
        Map<String, String> options = options(args);
        int dim = Integer.parseInt(options.get("dim"));
        int k = Integer.parseInt(options.get("k"));
        int perClass = Integer.parseInt(options.get("per-class"));
        int numQueries = Integer.parseInt(options.get("queries"));
        long seed = Long.parseLong(options.get("seed"));
        System.out.printf(Locale.ROOT, "KnnBenchmark dim=%d k=%d per-class=%d seed=%d cores=%d maxHeap=%d MiB "
                        + "OMP_NUM_THREADS=%s backend=%s%n", dim, k, perClass, seed,
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
                System.getenv("OMP_NUM_THREADS"), Nd4j.getBackend().getClass().getSimpleName());
        for (int n : sizes(options.get("eval"))) {
            double[][] centres = ClusteredEmbeddings.centres(Math.max(1, n / perClass), dim, seed);
            ClusteredEmbeddings data = timed("generate " + n + " x " + dim,
                    () -> ClusteredEmbeddings.generate(n, centres, NOISE, seed + 1));
            RetrievalEvaluator evaluator = new RetrievalEvaluator(new int[]{1, 2, 4, 8, 16},
                    KnnDistance.SQUARED_EUCLIDEAN, RetrievalEvaluator.DEFAULT_BLOCK_SIZE, false, seed);
            RetrievalEvaluation eval = timed("evaluate self-retrieval N=" + n,
                    () -> evaluator.evaluate(data.rows, data.labels, null, null, RetrievalMode.SELF));
            System.out.printf(Locale.ROOT, "  precision_at_1=%.4f map_at_r=%.4f evaluated=%d%n",
                    eval.means().get("precision_at_1"), eval.means().get("map_at_r"),
                    eval.evaluatedQueryIndices().length);
        }
        for (int n : sizes(options.get("gallery"))) {
            double[][] centres = ClusteredEmbeddings.centres(Math.max(1, n / perClass), dim, seed);
            ClusteredEmbeddings gallery = timed("generate gallery " + n + " x " + dim,
                    () -> ClusteredEmbeddings.generate(n, centres, NOISE, seed + 2));
            ClusteredEmbeddings queries = ClusteredEmbeddings.generate(numQueries, centres, NOISE, seed + 3);
            KnnResult result = timed("search top-" + k + " of " + numQueries + " queries in N=" + n,
                    () -> new ExactKnn(KnnDistance.SQUARED_EUCLIDEAN).search(queries.rows, gallery.rows, k, false));
            int hits = 0;
            for (int q = 0; q < numQueries; q++) {
                hits += gallery.labels[result.indices()[q][0]] == queries.labels[q] ? 1 : 0;
            }
            System.out.printf(Locale.ROOT, "  top-1 label agreement=%.4f%n", hits / (double) numQueries);
        }
    }

    private static <T> T timed(String phase, Supplier<T> work) {
        long start = System.nanoTime();
        T result;
        PeakMemory memory = new PeakMemory();
        try (memory) {
            result = work.get();
        }
        System.out.printf(Locale.ROOT, "%s: %.1f s, %s%n", phase, (System.nanoTime() - start) / 1e9,
                memory.describe());
        return result;
    }

    private static int[] sizes(String list) {
        return list.isBlank() ? new int[0] : Arrays.stream(list.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("eval", "10000,100000");
        options.put("gallery", "1000000");
        options.put("queries", "10000");
        options.put("dim", "128");
        options.put("k", "16");
        options.put("per-class", "100");
        options.put("seed", "1");
        return BenchOptions.parse(options, args);
    }
}
