package org.dml4j.eval;

import org.dml4j.index.KnnDistance;
import org.dml4j.model.EmbeddingModel;
import org.dml4j.sampling.Episodes;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.classification.Label;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.IntFunction;

/**
 * N-way K-shot episodic evaluation of embeddings on (typically held-out) classes, the protocol of the few-shot
 * literature (Vinyals et al. 2016; Snell et al. 2017): each episode draws {@code way} classes and from each
 * {@code shot} support and {@code queries} query examples ({@link Episodes}, from {@code seed}); a class's prototype
 * is the mean of its support embeddings as given, and a query is classified as the class of its nearest prototype
 * under a {@link KnnDistance} (the model's own for {@link #evaluate(EmbeddingModel, Dataset)}; {@code COSINE}
 * normalizes the query and the prototype, so a prototype is the mean of the raw embeddings, as
 * {@link org.dml4j.loss.PrototypicalLoss} computes it), ties going to the class drawn first. The episode's accuracy
 * is the fraction of its {@code way × queries} queries classified correctly; {@link FewShotEvaluation} reports their
 * mean with a 95% confidence interval. The same data, settings and seed give the same episodes and result.
 */
public final class FewShotEvaluator {

    /** The episodes of the literature's protocol. */
    public static final int DEFAULT_EPISODES = 1000;

    /** The queries per class of the literature's protocol. */
    public static final int DEFAULT_QUERIES = 15;

    private final int way;
    private final int shot;
    private final int queries;
    private final int episodes;
    private final long seed;

    /**
     * Creates an evaluator with the literature's protocol: 15 queries per class, 1,000 episodes, seed 0.
     *
     * @param way  the classes of an episode (N)
     * @param shot the support examples of each class (K)
     * @throws IllegalArgumentException if a value is out of range
     */
    public FewShotEvaluator(int way, int shot) {
        this(way, shot, DEFAULT_QUERIES, DEFAULT_EPISODES, 0L);
    }

    /**
     * Creates an evaluator.
     *
     * @param way      the classes of an episode (N), at least 2
     * @param shot     the support examples of each class (K), at least 1
     * @param queries  the query examples of each class, at least 1
     * @param episodes the episodes, at least 2
     * @param seed     the seed of the episodes
     * @throws IllegalArgumentException if a value is out of range
     */
    public FewShotEvaluator(int way, int shot, int queries, int episodes, long seed) {
        require(way >= 2, "way must be >= 2 (an episode tells classes apart), found " + way);
        require(shot >= 1, "shot must be >= 1, found " + shot);
        require(queries >= 1, "queries must be >= 1, found " + queries);
        require(episodes >= 2, "episodes must be >= 2 for a confidence interval (the literature uses >= 1000), "
                + "found " + episodes);
        this.way = way;
        this.shot = shot;
        this.queries = queries;
        this.episodes = episodes;
        this.seed = seed;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /**
     * Evaluates a model on a labelled dataset: embeds every example and compares by the model's distance. Classes
     * are numbered by their names' sorted order, so the episodes do not depend on the dataset's label ids.
     *
     * @param model   the model
     * @param dataset the examples, typically of classes the model was not trained on
     * @return the evaluation
     * @throws IllegalArgumentException if the dataset has fewer than {@code way} classes or a class has fewer than
     *                                  {@code shot + queries} examples (naming it and its size)
     */
    public FewShotEvaluation evaluate(EmbeddingModel model, Dataset<Label> dataset) {
        ClassIds classes = ClassIds.of(dataset);
        classes.episodes(way, shot + queries);
        return evaluate(model.embed(dataset).castTo(DataType.DOUBLE).toDoubleMatrix(), classes.ids(),
                classes::name, model.distance());
    }

    /**
     * Checks that a dataset can be evaluated, without embedding it: to fail before a model is trained for it.
     *
     * @param dataset the examples
     * @throws IllegalArgumentException if the dataset has fewer than {@code way} classes or a class has fewer than
     *                                  {@code shot + queries} examples (naming it and its size)
     */
    public void check(Dataset<Label> dataset) {
        ClassIds.of(dataset).episodes(way, shot + queries);
    }

    /** The class ids of a dataset's examples, numbered in the sorted order of the label names. */
    private record ClassIds(int[] ids, String[] names) {

        static ClassIds of(Dataset<Label> dataset) {
            TreeSet<String> sorted = new TreeSet<>();
            for (Example<Label> example : dataset) {
                sorted.add(example.getOutput().getLabel());
            }
            int[] ids = new int[dataset.size()];
            int i = 0;
            for (Example<Label> example : dataset) {
                ids[i++] = sorted.headSet(example.getOutput().getLabel()).size();
            }
            return new ClassIds(ids, sorted.toArray(String[]::new));
        }

        String name(int id) {
            return "'" + names[id] + "'";
        }

        Episodes episodes(int way, int perClass) {
            return Episodes.of(ids, way, perClass, this::name);
        }
    }

    /**
     * Evaluates raw embeddings.
     *
     * @param embeddings one embedding per row
     * @param labels     the class id of each row, each {@code >= 0}
     * @param distance   the distance between a query and a prototype
     * @return the evaluation
     * @throws IllegalArgumentException if the rows and labels disagree, an embedding is not finite, the data has
     *                                  fewer than {@code way} classes or a class has fewer than
     *                                  {@code shot + queries} examples (naming it and its size)
     */
    public FewShotEvaluation evaluate(INDArray embeddings, int[] labels, KnnDistance distance) {
        if (embeddings.rank() != 2 || embeddings.rows() != labels.length) {
            throw new IllegalArgumentException("embeddings must be a matrix with one row per label, found shape "
                    + Arrays.toString(embeddings.shape()) + " for " + labels.length + " labels");
        }
        return evaluate(embeddings.castTo(DataType.DOUBLE).toDoubleMatrix(), labels, id -> "id " + id, distance);
    }

    private FewShotEvaluation evaluate(double[][] rows, int[] labels, IntFunction<String> className,
                                       KnnDistance distance) {
        for (int i = 0; i < rows.length; i++) {
            for (double v : rows[i]) {
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException("embedding " + i + " is not finite (" + v + "): the model "
                            + "diverged or the input is corrupt");
                }
            }
        }
        Episodes source = Episodes.of(labels, way, shot + queries, className);
        SplittableRandom rng = new SplittableRandom(seed);
        double[] accuracies = new double[episodes];
        for (int e = 0; e < episodes; e++) {
            accuracies[e] = accuracy(rows, source.draw(rng), distance);
        }
        return new FewShotEvaluation(way, shot, queries, distance, accuracies);
    }

    /** The fraction of an episode's queries whose nearest prototype is their own class's. */
    private double accuracy(double[][] rows, int[] episode, KnnDistance distance) {
        int perClass = shot + queries;
        int dim = rows[episode[0]].length;
        double[][] prototypes = new double[way][dim];
        for (int c = 0; c < way; c++) {
            for (int s = 0; s < shot; s++) {
                double[] row = rows[episode[c * perClass + s]];
                for (int k = 0; k < dim; k++) {
                    prototypes[c][k] += row[k] / shot;
                }
            }
        }
        int correct = 0;
        for (int c = 0; c < way; c++) {
            for (int q = shot; q < perClass; q++) {
                double[] query = rows[episode[c * perClass + q]];
                int best = 0;
                double bestDistance = Double.POSITIVE_INFINITY;
                for (int p = 0; p < way; p++) {
                    double d = distance(query, prototypes[p], distance);
                    if (d < bestDistance) {
                        bestDistance = d;
                        best = p;
                    }
                }
                if (best == c) {
                    correct++;
                }
            }
        }
        return correct / (double) (way * queries);
    }

    private static double distance(double[] u, double[] v, KnnDistance distance) {
        double dot = 0;
        double uu = 0;
        double vv = 0;
        double squared = 0;
        for (int k = 0; k < u.length; k++) {
            dot += u[k] * v[k];
            uu += u[k] * u[k];
            vv += v[k] * v[k];
            squared += (u[k] - v[k]) * (u[k] - v[k]);
        }
        return switch (distance) {
            case SQUARED_EUCLIDEAN -> squared;
            case COSINE -> 1 - dot / (Math.max(Math.sqrt(uu), 1e-12) * Math.max(Math.sqrt(vv), 1e-12));
            case DOT -> -dot;
        };
    }

    @Override
    public String toString() {
        return "FewShotEvaluator(way=" + way + ", shot=" + shot + ", queries=" + queries + ", episodes=" + episodes
                + ", seed=" + seed + ")";
    }
}
