package org.dml4j.experiments.report;

import org.dml4j.data.LabelIndex;
import org.dml4j.eval.MetricNames;
import org.dml4j.model.EmbeddingModel;
import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.classification.Label;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The plots of a trained run, as PNG files: the loss by epoch, the validation metrics by epoch (with a validation
 * split), Recall@K by K, and a 2-D PCA map of the embeddings of (a seeded sample of at most {@value #MAX_POINTS})
 * evaluation examples, colored by class.
 */
public final class RunPlots {

    /** The most evaluation examples the embedding map shows. */
    static final int MAX_POINTS = 2000;

    /** The validation metrics the validation curve shows, those of PML's usual report. */
    static final List<String> VALIDATION_METRICS = List.of(MetricNames.precisionAt(1), MetricNames.R_PRECISION,
            MetricNames.MAP_AT_R);

    private static final Pattern RECALL_AT_K = Pattern.compile("recall_at_(\\d+)");

    private RunPlots() {
    }

    /**
     * Writes the plots into a folder.
     *
     * @param dir     the folder
     * @param prefix  the start of each file name (e.g. {@code "model-"})
     * @param history the losses and validation metrics of the epochs
     * @param metrics the final metrics ({@code recall_at_K} entries give the Recall@K curve)
     * @param model   the trained model
     * @param eval    the evaluation examples
     * @return the written files by artifact path ({@code plots/loss.png} ...)
     * @throws IOException if a file cannot be written
     */
    public static Map<String, Path> write(Path dir, String prefix, EpochHistory history, Map<String, Double> metrics,
                                   EmbeddingModel model, Dataset<Label> eval) throws IOException {
        Map<String, Path> files = new LinkedHashMap<>();
        List<Double> losses = history.losses();
        if (!losses.isEmpty()) {
            double[] epochs = new double[losses.size()];
            for (int i = 0; i < epochs.length; i++) {
                epochs[i] = i + 1;
            }
            Path file = dir.resolve(prefix + "loss.png");
            Plots.line(file, "Training loss", "epoch", "mean loss", epochs,
                    losses.stream().mapToDouble(Double::doubleValue).toArray());
            files.put("plots/loss.png", file);
        }
        SortedMap<Integer, Map<String, Double>> validations = history.validations();
        Map<String, double[]> series = new LinkedHashMap<>();
        for (String name : VALIDATION_METRICS) {
            if (!validations.isEmpty() && validations.values().stream().allMatch(m -> m.containsKey(name))) {
                series.put(name, validations.values().stream().mapToDouble(m -> m.get(name)).toArray());
            }
        }
        if (!series.isEmpty()) {
            Path file = dir.resolve(prefix + "validation.png");
            Plots.lines(file, "Validation retrieval metrics", "epoch", "metric value",
                    validations.keySet().stream().mapToDouble(e -> e).toArray(), series);
            files.put("plots/validation.png", file);
        }
        TreeMap<Integer, Double> recall = new TreeMap<>();
        metrics.forEach((name, value) -> {
            Matcher m = RECALL_AT_K.matcher(name);
            if (m.matches()) {
                recall.put(Integer.parseInt(m.group(1)), value);
            }
        });
        if (!recall.isEmpty()) {
            Path file = dir.resolve(prefix + "recall_at_k.png");
            Plots.line(file, "Recall@K", "K", "recall", recall.keySet().stream().mapToDouble(k -> k).toArray(),
                    recall.values().stream().mapToDouble(Double::doubleValue).toArray());
            files.put("plots/recall_at_k.png", file);
        }
        List<Example<Label>> sample = sample(eval, new Random(0));
        if (sample.size() >= 2 && model.embeddingSize() >= 2) {
            Path file = dir.resolve(prefix + "embeddings_pca.png");
            LabelIndex classes = LabelIndex.of(sample);
            int[] ids = sample.stream().mapToInt(e -> classes.id(e.getOutput().getLabel())).toArray();
            Pca pca = Pca.of(model.embed(sample).toDoubleMatrix(), 2);
            Plots.scatter(file, String.format("Test embeddings, PCA (%.0f%% + %.0f%% of the variance)",
                    100 * pca.explained()[0], 100 * pca.explained()[1]), pca.points(), ids, classes.names());
            files.put("plots/embeddings_pca.png", file);
        }
        return files;
    }

    /** At most {@value #MAX_POINTS} examples, drawn without replacement, in dataset order. */
    private static List<Example<Label>> sample(Dataset<Label> data, Random rng) {
        List<Integer> indices = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            indices.add(i);
        }
        if (indices.size() > MAX_POINTS) {
            Collections.shuffle(indices, rng);
            indices = new ArrayList<>(indices.subList(0, MAX_POINTS));
            Collections.sort(indices);
        }
        List<Example<Label>> out = new ArrayList<>(indices.size());
        for (int i : indices) {
            out.add(data.getExample(i));
        }
        return out;
    }
}
