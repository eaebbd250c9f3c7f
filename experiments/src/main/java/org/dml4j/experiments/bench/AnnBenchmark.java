package org.dml4j.experiments.bench;

import org.dml4j.experiments.data.EmbeddingFiles;
import org.dml4j.index.ExactIndexSpec;
import org.dml4j.index.HnswIndex;
import org.dml4j.index.HnswIndexSpec;
import org.dml4j.index.IndexFile;
import org.dml4j.index.KnnDistance;
import org.dml4j.index.KnnResult;
import org.dml4j.index.NearestNeighbourIndex;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A benchmark (not a test) of DML4J's {@link HnswIndex} against faiss's {@code IndexHNSWFlat} (same M,
 * efConstruction and ef) and {@code IndexFlatL2}, side by side in one run: recall@k against DML4J's exact search,
 * queries per second with one thread and with two (a batch of queries; two threads split it), build time, peak
 * resident set of each side's process (before and after its build) and saved size. faiss runs in a Python process ({@code experiments/bench/faiss_ann_peer.py}) driven over
 * stdin, so the two sides alternate: builds one after the other, then every search measurement in rounds whose
 * order flips (DML4J first in even rounds, faiss first in odd ones). Prints the load average before and after.
 * <p>
 * Usage: {@code java -Xmx4g -cp ... org.dml4j.experiments.bench.AnnBenchmark [--gallery 1000000] [--queries 1000]
 * [--gallery-npy FILE --queries-npy FILE] [--dim 128] [--k 10] [--m 16] [--ef-construction 100]
 * [--ef-search 16,32,64,128] [--build-threads 2] [--rounds 2] [--warmup-seconds 10] [--min-seconds 2]
 * [--python .bench-venv/bin/python] [--cache DIR]
 * [--work DIR] [--seed 1]}. Without npy files the gallery and queries are clustered synthetic embeddings as in
 * {@link KnnBenchmark} (100 rows a class on average, noise 2). Before anything is timed DML4J searches at every
 * beam for {@code --warmup-seconds} (JIT compilation); each QPS figure, on both sides, repeats the whole query batch
 * until {@code --min-seconds} have passed. With {@code --cache DIR} each side keeps its graph there (named by M,
 * efConstruction and the gallery's row count; one directory per data set) and a later run loads it instead of
 * building, so the search figures of a large gallery can be measured again without its build.
 */
public final class AnnBenchmark {
    private static final double NOISE = 2.0;
    private static final int PER_CLASS = 100;
    /** The model digest the benchmark's index files carry (no model: any fixed value). */
    private static final byte[] OWNER = {0};

    private AnnBenchmark() {
    }

    /**
     * Runs the benchmark.
     * @param args {@code --name value} options, see the class documentation.
     * @throws Exception on I/O failures or a failing faiss process.
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> o = options(args);
        int k = Integer.parseInt(o.get("k"));
        Path work = Files.createDirectories(Path.of(o.get("work")));
        System.out.printf(Locale.ROOT, "AnnBenchmark %s cores=%d maxHeap=%d MiB loadavg(before)=%s%n", o,
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20, loadAverage());
        INDArray[] data = data(o, work);
        INDArray gallery = data[0];
        INDArray queries = data[1];
        System.out.printf(Locale.ROOT, "gallery %d x %d, queries %d%n", gallery.rows(), gallery.columns(),
                queries.rows());

        long start = System.nanoTime();
        NearestNeighbourIndex exact = new ExactIndexSpec().create(KnnDistance.SQUARED_EUCLIDEAN, gallery.columns());
        exact.add(gallery);
        KnnResult truth = exact.search(queries, k);
        exact = null;
        System.out.printf(Locale.ROOT, "exact search (ground truth): %.1f s%n", seconds(start));
        Path truthFile = work.resolve("truth.txt");
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(truthFile))) {
            for (int[] row : truth.indices()) {
                out.println(Arrays.toString(row).replaceAll("[\\[\\],]", ""));
            }
        }

        Process peer = new ProcessBuilder(o.get("python"), o.get("peer"), work.resolve("gallery.npy").toString(),
                work.resolve("queries.npy").toString(), truthFile.toString(), String.valueOf(k))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (PrintWriter toPeer = new PrintWriter(peer.getOutputStream(), true, StandardCharsets.UTF_8);
             BufferedReader fromPeer = new BufferedReader(new InputStreamReader(peer.getInputStream(),
                     StandardCharsets.UTF_8))) {
            System.out.println("faiss peer: " + fromPeer.readLine());
            Peer faiss = command -> {
                toPeer.println(command);
                String answer = fromPeer.readLine();
                if (answer == null) {
                    throw new IOException("the faiss peer stopped after '" + command + "'");
                }
                return answer;
            };
            run(o, gallery, queries, truth, work, faiss);
            toPeer.println("quit");
        } finally {
            peer.waitFor();
        }
        System.out.printf(Locale.ROOT, "loadavg(after)=%s%n", loadAverage());
    }

    /** The faiss process: one command, one JSON answer. */
    private interface Peer {
        String ask(String command) throws IOException;
    }

    private static void run(Map<String, String> o, INDArray gallery, INDArray queries, KnnResult truth, Path work,
                            Peer faiss) throws Exception {
        int k = Integer.parseInt(o.get("k"));
        int m = Integer.parseInt(o.get("m"));
        int efc = Integer.parseInt(o.get("ef-construction"));
        int buildThreads = Integer.parseInt(o.get("build-threads"));
        int[] beams = Arrays.stream(o.get("ef-search").split(",")).mapToInt(Integer::parseInt).toArray();
        String cache = o.get("cache");
        String key = "m" + m + "-efc" + efc + "-n" + gallery.rows();
        Path cachedGraph = cache.isEmpty() ? null : Files.createDirectories(Path.of(cache)).resolve(key + ".dml4j");
        HnswIndex hnsw;
        if (cachedGraph != null && Files.exists(cachedGraph)) {
            hnsw = (HnswIndex) IndexFile.read(cachedGraph, OWNER);
            System.out.printf(Locale.ROOT, "dml4j hnsw loaded from %s (built by an earlier run)%n", cachedGraph);
        } else {
            long peakBefore = peakRss();
            long start = System.nanoTime();
            hnsw = new HnswIndexSpec(m, efc, beams[0], buildThreads).create(KnnDistance.SQUARED_EUCLIDEAN,
                    gallery.columns());
            hnsw.add(gallery);
            double buildSeconds = seconds(start);
            long peakAfter = peakRss();
            Path saved = cachedGraph == null ? work.resolve("dml4j.idx") : cachedGraph;
            IndexFile.write(saved, hnsw, OWNER);
            long size = Files.size(saved);
            if (cachedGraph == null) {
                Files.delete(saved);
            }
            System.out.printf(Locale.ROOT, "dml4j hnsw build: {\"build_s\": %.1f, \"peak_rss_before_bytes\": %d, "
                    + "\"peak_rss_bytes\": %d, \"heap_used_bytes\": %d, \"size_bytes\": %d}%n", buildSeconds,
                    peakBefore, peakAfter, usedHeapAfterGc(), size);
        }
        // faiss's graph first, so that its peak resident set after that build does not hold the flat index
        System.out.println("faiss hnsw build: " + faiss.ask("build hnsw " + m + " " + efc + " " + buildThreads
                + (cache.isEmpty() ? "" : " " + Path.of(cache).resolve(key + ".faiss").toAbsolutePath())));
        System.out.println("faiss flat build: " + faiss.ask("build flat"));

        double minSeconds = Double.parseDouble(o.get("min-seconds"));
        warmUp(hnsw, queries, truth, k, beams, Double.parseDouble(o.get("warmup-seconds")));
        int rounds = Integer.parseInt(o.get("rounds"));
        for (int round = 0; round < rounds; round++) {
            for (int threads = 1; threads <= 2; threads++) {
                System.out.printf(Locale.ROOT, "round %d threads %d faiss flat: %s%n", round, threads,
                        faiss.ask("search flat " + threads + " " + minSeconds));
                for (int beam : beams) {
                    String dml4j = null;
                    String peer = null;
                    for (int side = 0; side < 2; side++) {
                        if ((side + round) % 2 == 0) {
                            hnsw.setSearchBeam(beam);
                            dml4j = javaSearch(hnsw, queries, truth, k, threads, minSeconds);
                        } else {
                            peer = faiss.ask("search hnsw " + beam + " " + threads + " " + minSeconds);
                        }
                    }
                    System.out.printf(Locale.ROOT, "round %d threads %d ef %d dml4j: %s faiss: %s%n", round,
                            threads, beam, dml4j, peer);
                }
            }
        }
    }

    /**
     * Searches with every beam and thread count until {@code duration} seconds have passed, so that the JIT has compiled the
     * search before anything is timed (faiss's search is native: it needs no warm-up).
     */
    private static void warmUp(HnswIndex index, INDArray queries, KnnResult truth, int k, int[] beams,
                               double duration) throws Exception {
        long start = System.nanoTime();
        do {
            for (int beam : beams) {
                index.setSearchBeam(beam);
                for (int threads = 1; threads <= 2; threads++) {
                    javaSearch(index, queries, truth, k, threads, 0);
                }
            }
        } while (seconds(start) < duration);
        System.out.printf(Locale.ROOT, "dml4j warm-up: %.1f s%n", seconds(start));
    }

    /**
     * Searches all queries, split between the threads, in passes until at least {@code minSeconds} have passed,
     * and reports QPS over all passes and the recall@k of the last as JSON.
     */
    private static String javaSearch(HnswIndex index, INDArray queries, KnnResult truth, int k, int threads,
                                     double minSeconds) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            int n = queries.rows();
            KnnResult found;
            int passes = 0;
            long start = System.nanoTime();
            do {
                List<Future<KnnResult>> parts = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    INDArray part = queries.get(NDArrayIndex.interval(n * t / threads, n * (t + 1) / threads),
                            NDArrayIndex.all());
                    parts.add(pool.submit(() -> index.search(part, k)));
                }
                List<int[]> indices = new ArrayList<>();
                List<double[]> distances = new ArrayList<>();
                for (Future<KnnResult> part : parts) {
                    indices.addAll(Arrays.asList(part.get().indices()));
                    distances.addAll(Arrays.asList(part.get().distances()));
                }
                found = new KnnResult(indices.toArray(int[][]::new), distances.toArray(double[][]::new));
                passes++;
            } while (seconds(start) < minSeconds);
            double qps = (double) n * passes / seconds(start);
            return String.format(Locale.ROOT, "{\"qps\": %.1f, \"passes\": %d, \"recall\": %.4f}", qps, passes,
                    KnnResult.recall(truth, found));
        } finally {
            pool.shutdown();
        }
    }

    /** The gallery and queries, also written as {@code gallery.npy} and {@code queries.npy} for faiss. */
    private static INDArray[] data(Map<String, String> o, Path work) throws IOException {
        int numQueries = Integer.parseInt(o.get("queries"));
        INDArray gallery;
        INDArray queries;
        if (!o.get("gallery-npy").isEmpty()) {
            gallery = NpyReader.read(Path.of(o.get("gallery-npy")));
            INDArray all = NpyReader.read(Path.of(o.get("queries-npy")));
            queries = all.get(NDArrayIndex.interval(0, Math.min(numQueries, all.rows())), NDArrayIndex.all());
        } else {
            int n = Integer.parseInt(o.get("gallery"));
            long seed = Long.parseLong(o.get("seed"));
            double[][] centres = ClusteredEmbeddings.centres(Math.max(1, n / PER_CLASS),
                    Integer.parseInt(o.get("dim")), seed);
            gallery = ClusteredEmbeddings.generate(n, centres, NOISE, seed + 2).rows;
            queries = ClusteredEmbeddings.generate(numQueries, centres, NOISE, seed + 3).rows;
        }
        EmbeddingFiles.writeNpy(work.resolve("gallery.npy"), gallery);
        EmbeddingFiles.writeNpy(work.resolve("queries.npy"), queries);
        return new INDArray[]{gallery, queries};
    }

    /** The heap in use after a full collection (the index, the rows and what the driver still holds). */
    private static long usedHeapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** This process's peak resident set (VmHWM in {@code /proc/self/status}) in bytes, or -1 where unknown. */
    private static long peakRss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException e) {
            // not Linux: reported as unknown
        }
        return -1;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("gallery", "1000000");
        options.put("queries", "1000");
        options.put("gallery-npy", "");
        options.put("queries-npy", "");
        options.put("dim", "128");
        options.put("k", "10");
        options.put("m", "16");
        options.put("ef-construction", "100");
        options.put("ef-search", "16,32,64,128");
        options.put("build-threads", "2");
        options.put("rounds", "2");
        options.put("warmup-seconds", "10");
        options.put("min-seconds", "2");
        options.put("python", ".bench-venv/bin/python");
        options.put("peer", "experiments/bench/faiss_ann_peer.py");
        options.put("work", "/tmp/dml4j-ann-bench");
        options.put("seed", "1");
        options.put("cache", "");
        return BenchOptions.parse(options, args);
    }
}
