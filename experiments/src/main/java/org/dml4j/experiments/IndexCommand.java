package org.dml4j.experiments;

import org.dml4j.experiments.data.ModelData;
import org.dml4j.experiments.io.ModelFiles;
import org.dml4j.experiments.io.UserError;
import org.dml4j.index.ExactIndexSpec;
import org.dml4j.index.ExactKnn;
import org.dml4j.index.HnswIndexSpec;
import org.dml4j.index.IndexSpec;
import org.dml4j.index.KnnResult;
import org.dml4j.index.NearestNeighbourIndex;
import org.dml4j.model.EmbeddingModel;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code dml4j index build|search}: a nearest-neighbour index over a saved model's reference set, and searches of
 * a dataset's examples through it.
 */
@Command(name = "index", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Build a nearest-neighbour index over a model's reference set, or search it.",
        subcommands = {IndexCommand.Build.class, IndexCommand.Search.class})
public final class IndexCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: index build or index "
                + "search");
    }

    /** {@code dml4j index build}. */
    @Command(name = "build", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Build an index over a saved model's reference set (what its predictions search) and "
                    + "write it, tied to the model: search and the library refuse it for any other model.",
                    "HNSW (approximate, default) or --exact (brute force)."})
    static final class Build implements Callable<Integer> {
        @Option(names = "--model", required = true, paramLabel = "FILE",
                description = "The model file (written by train --model-out).")
        Path modelFile;

        @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE", description = "The index file.")
        Path out;

        @Option(names = "--exact", description = "An exact index instead of an HNSW graph.")
        boolean exact;

        @Option(names = "--m", defaultValue = "16", paramLabel = "M",
                description = "HNSW degree M (2M on the bottom layer). Default: ${DEFAULT-VALUE}.")
        int maxDegree;

        @Option(names = "--ef-construction", defaultValue = "100", paramLabel = "N",
                description = "HNSW insertion beam. Default: ${DEFAULT-VALUE}.")
        int constructionBeam;

        @Option(names = "--ef-search", defaultValue = "64", paramLabel = "N",
                description = "HNSW search beam stored with the index. Default: ${DEFAULT-VALUE}.")
        int searchBeam;

        @Option(names = "--threads", defaultValue = "1", paramLabel = "N",
                description = "Threads that insert nodes. Default: ${DEFAULT-VALUE}.")
        int threads;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            OutputPaths.file(out, "--out");
            IndexSpec indexSpec;
            try {
                indexSpec = exact ? new ExactIndexSpec()
                        : new HnswIndexSpec(maxDegree, constructionBeam, searchBeam, threads);
            } catch (RuntimeException e) {
                throw new UserError("Invalid index option: " + e.getMessage() + ". Check --m, --ef-construction, "
                        + "--ef-search and --threads.", e);
            }
            EmbeddingModel model = ModelFiles.load(modelFile);
            long start = System.nanoTime();
            NearestNeighbourIndex index = model.buildIndex(indexSpec);
            double seconds = (System.nanoTime() - start) / 1e9;
            try {
                model.saveIndex(out);
            } catch (IOException e) {
                throw new UserError("Cannot write " + out + ": " + e.getMessage() + ". Check that its folder exists "
                        + "and is writable.", e);
            }
            spec.commandLine().getOut().printf(Locale.ROOT, "%s built in %.1f s and written to %s%n", index,
                    seconds, out);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    /** {@code dml4j index search}. */
    @Command(name = "search", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Search a dataset's examples (as queries) in an index built for the model, and write "
                    + "each query's neighbours: query, rank, reference row, reference label, distance (TSV).",
                    "With --check-exact it also searches exactly and prints recall@k."})
    static final class Search implements Callable<Integer> {
        @Mixin
        ModelData input;

        @Option(names = "--index", required = true, paramLabel = "FILE",
                description = "The index file (written by index build for this model).")
        Path indexFile;

        @Option(names = "-k", defaultValue = "10", description = "Neighbours per query. Default: ${DEFAULT-VALUE}.")
        int k;

        @Option(names = "--ef-search", paramLabel = "N",
                description = "Search an HNSW index with this beam instead of the stored one.")
        Integer searchBeam;

        @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "Write the neighbours (TSV).")
        Path out;

        @Option(names = "--check-exact", description = "Also search exactly and print recall@k.")
        boolean checkExact;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            OutputPaths.file(out, "--out");
            if (k < 1) {
                throw new UserError("-k must be at least 1, found " + k + ".");
            }
            ModelData.Loaded loaded = input.load();
            EmbeddingModel model = loaded.model();
            if (!Files.isRegularFile(indexFile)) {
                throw new UserError("Index file not found: " + indexFile + ". Build one with dml4j index build "
                        + "--model MODEL --out FILE.");
            }
            NearestNeighbourIndex index;
            try {
                index = model.useIndex(indexFile);
            } catch (IllegalArgumentException | IOException e) {
                throw new UserError("Cannot use the index " + indexFile + ": " + e.getMessage() + ".", e);
            }
            if (searchBeam != null) {
                if (!(index instanceof org.dml4j.index.HnswIndex hnsw)) {
                    throw new UserError("--ef-search applies to HNSW indexes; " + indexFile + " is exact.");
                }
                try {
                    hnsw.setSearchBeam(searchBeam);
                } catch (RuntimeException e) {
                    throw new UserError("--ef-search: " + e.getMessage() + ".", e);
                }
            }
            INDArray queries = model.embed(loaded.examples());
            long start = System.nanoTime();
            KnnResult found = index.search(queries, k);
            double seconds = (System.nanoTime() - start) / 1e9;
            PrintWriter stdout = spec.commandLine().getOut();
            stdout.printf(Locale.ROOT, "%d queries searched in %s in %.2f s (%.0f queries/s)%n", queries.rows(),
                    index, seconds, queries.rows() / seconds);
            if (checkExact) {
                KnnResult exact = new ExactKnn(index.distance()).search(queries, model.references().embeddings(), k,
                        false);
                stdout.printf(Locale.ROOT, "recall@%d against exact search: %.4f%n", k, KnnResult.recall(exact,
                        found));
            }
            if (out != null) {
                writeNeighbours(model, found);
                stdout.println("Neighbours written to " + out);
            }
            stdout.flush();
            return 0;
        }

        private void writeNeighbours(EmbeddingModel model, KnnResult found) {
            try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out, StandardCharsets.UTF_8))) {
                w.println("query\trank\treference_row\treference_label\tdistance");
                for (int q = 0; q < found.numQueries(); q++) {
                    for (int j = 0; j < found.indices()[q].length; j++) {
                        int r = found.indices()[q][j];
                        w.printf(Locale.ROOT, "%d\t%d\t%d\t%s\t%s%n", q, j + 1, model.references().rows()[r],
                                model.getOutputIDInfo().getOutput(model.references().outputIds()[r]).getLabel(),
                                found.distances()[q][j]);
                    }
                }
            } catch (IOException e) {
                throw new UserError("Cannot write " + out + ": " + e.getMessage() + ". Check that its folder "
                        + "exists and is writable.", e);
            }
        }
    }
}
