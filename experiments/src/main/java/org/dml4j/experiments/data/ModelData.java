package org.dml4j.experiments.data;

import org.dml4j.experiments.io.ModelFiles;
import org.dml4j.experiments.io.UserError;
import org.dml4j.model.EmbeddingModel;
import org.tribuo.Dataset;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.VariableInfo;
import org.tribuo.classification.Label;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A saved model and the data to run it on ({@code eval} and {@code embed}): the model file, the dataset options and
 * which split of the dataset.
 */
public final class ModelData {

    /** Which part of the dataset. */
    enum Split { EVAL, TRAIN }

    @Option(names = "--model", required = true, paramLabel = "FILE",
            description = "The model file (written by train --model-out).")
    Path modelFile;

    @Mixin
    DatasetOptions data;

    @Option(names = "--split", defaultValue = "eval", paramLabel = "SPLIT",
            description = "eval (the Fashion-MNIST test images, or the held-out 20%% of a CSV dataset drawn with "
                    + "--seed: what train evaluates on) or train. Default: ${DEFAULT-VALUE}.")
    String split;

    @Option(names = "--seed", defaultValue = "0",
            description = "The seed of a CSV dataset's split (train's --seed). Default: ${DEFAULT-VALUE}.")
    long seed;

    /** A loaded model and the examples to run it on. */
    public record Loaded(EmbeddingModel model, Dataset<Label> examples) {
    }

    /**
     * Loads the model and the chosen split, and checks that the model knows the data's features.
     *
     * @return the model and data
     * @throws UserError on a missing file, an unknown split or data with other features
     */
    public Loaded load() {
        Split which = switch (split) {
            case "eval" -> Split.EVAL;
            case "train" -> Split.TRAIN;
            default -> throw new UserError("Unknown --split '" + split + "'. Use --split eval or --split train.");
        };
        EmbeddingModel model = ModelFiles.load(modelFile);
        DatasetOptions.Splits splits = data.load(seed);
        Dataset<Label> examples = which == Split.EVAL ? splits.eval() : splits.train();
        requireSameFeatures(model.getFeatureIDMap(), examples.getFeatureIDMap());
        return new Loaded(model, examples);
    }

    private void requireSameFeatures(ImmutableFeatureMap model, ImmutableFeatureMap data) {
        List<String> missing = new ArrayList<>();
        for (VariableInfo feature : model) {
            if (data.get(feature.getName()) == null) {
                missing.add(feature.getName());
            }
        }
        if (!missing.isEmpty()) {
            throw new UserError("The dataset " + data.size() + " features lack " + missing.size() + " of the "
                    + model.size() + " the model " + modelFile + " was trained on (e.g. '" + missing.get(0)
                    + "'). Give the dataset (and --label-column) the model was trained with.");
        }
    }
}
