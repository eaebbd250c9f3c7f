package org.dml4j.experiments.data;

import org.dml4j.data.ClassFilter;
import org.dml4j.data.MnistDataSource;
import org.dml4j.data.MnistFiles;
import org.dml4j.data.StratifiedSplit;
import org.dml4j.experiments.io.UserError;
import org.dml4j.train.TrainingMode;
import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.ImmutableDataset;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where the data comes from and how it is split: Fashion-MNIST (train split to train, test split to evaluate), a
 * CSV file or an image folder (a stratified 80/20 split), or the CUB-200-2011, Cars196 and Stanford Online Products
 * layouts (their open-set protocols' splits), optionally restricted to some classes for training and others for evaluation
 * (the open-set protocol); self-supervised training may add unlabeled examples ({@code --unlabeled}).
 */
public final class DatasetOptions {

    @Option(names = "--dataset", defaultValue = "fashion-mnist", paramLabel = "NAME",
            description = "fashion-mnist (IDX files: --data-dir, else Debian's dataset-fashion-mnist), "
                    + "csv:PATH (one row per example, numeric features, a label column), image-folder:DIR (one "
                    + "sub-folder per class), cub:DIR (CUB-200-2011: classes 1-100 train, 101-200 test), "
                    + "cars196:DIR (the release's cars_annos.mat and car_ims/, or class folders DIR/train+DIR/test "
                    + "or DIR: classes 1-98 train, 99-196 test), or "
                    + "sop:DIR (Stanford Online Products: Ebay_train.txt, Ebay_test.txt). Default: ${DEFAULT-VALUE}.")
    String dataset;

    @Option(names = "--image-size", defaultValue = "28", paramLabel = "N",
            description = "Image datasets: scale the shorter side to N pixels and center-crop to NxN. "
                    + "Default: ${DEFAULT-VALUE}.")
    int imageSize;

    @Option(names = "--image-channels", defaultValue = "1", paramLabel = "C",
            description = "Image datasets: 1 (grey) or 3 (RGB), laid out channels first as the CNN takes them "
                    + "(cnn:...:image=CxNxN). Default: ${DEFAULT-VALUE}.")
    int imageChannels;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "The folder with the Fashion-MNIST IDX files.")
    Path dataDir;

    @Option(names = "--label-column", defaultValue = "label", paramLabel = "NAME",
            description = "The label column of a CSV dataset. Default: ${DEFAULT-VALUE}.")
    String labelColumn;

    @Option(names = "--train-classes", paramLabel = "LIST",
            description = "Train only on these classes, e.g. 0-4 (open-set protocol).")
    String trainClasses;

    @Option(names = "--eval-classes", paramLabel = "LIST",
            description = "Evaluate only on these classes, e.g. 5-9.")
    String evalClasses;

    @Option(names = "--train-limit", paramLabel = "N",
            description = "Use only the first N training examples (quick runs).")
    Integer trainLimit;

    @Option(names = "--train-per-class", paramLabel = "K",
            description = "Use only the first K training examples of each class (few-shot fine-tuning).")
    Integer trainPerClass;

    @Option(names = "--unlabeled", paramLabel = "SOURCE", description = "--mode self-supervised: also train on "
            + "examples without labels, csv:PATH (the dataset's feature columns and no label column) or images:DIR "
            + "(image files directly in DIR, no class folders; read as --image-size/--image-channels say). They "
            + "carry Tribuo's unknown label; the linear probe and the evaluation use the labelled --dataset only, "
            + "and there is no validation (--validation-fraction 0).")
    String unlabeled;

    /** The training and evaluation data. */
    public record Splits(Dataset<Label> train, Dataset<Label> eval, String description) {
    }

    /**
     * Loads the dataset the options name, split into training and evaluation data.
     *
     * @param seed the seed of any random split
     * @return the splits
     * @throws UserError when the options or the files are wrong
     */
    public Splits load(long seed) {
        Dataset<Label> train;
        Dataset<Label> eval;
        int colon = dataset.indexOf(':');
        String kind = colon < 0 ? dataset : dataset.substring(0, colon);
        if (dataset.equals("fashion-mnist")) {
            MnistFiles files = locate();
            train = mnist(files, MnistFiles.Split.TRAIN);
            eval = mnist(files, MnistFiles.Split.TEST);
        } else if (colon > 0 && (kind.equals("csv") || kind.equals("image-folder"))) {
            Path path = Path.of(dataset.substring(colon + 1));
            Dataset<Label> all = kind.equals("csv") ? CsvDataset.load(path, labelColumn) : images().folder(path);
            StratifiedSplit split = StratifiedSplit.of(all, 0.2, seed);
            train = split.train();
            eval = split.validation();
        } else if (colon > 0 && ImageDatasets.SPLIT_KINDS.contains(kind)) {
            List<Dataset<Label>> split = images().split(kind, Path.of(dataset.substring(colon + 1)));
            train = split.get(0);
            eval = split.get(1);
        } else {
            throw new UserError("Unknown dataset '" + dataset + "'. Use --dataset fashion-mnist, csv:PATH, "
                    + "image-folder:DIR, cub:DIR, cars196:DIR or sop:DIR.");
        }
        if (trainLimit != null) {
            train = limit(train, trainLimit);
        }
        if (trainClasses != null) {
            train = keep(train, trainClasses, "--train-classes");
        }
        if (evalClasses != null) {
            eval = keep(eval, evalClasses, "--eval-classes");
        }
        if (trainPerClass != null) {
            if (trainPerClass < 1) {
                throw new UserError("--train-per-class must be >= 1, found " + trainPerClass);
            }
            train = perClass(train, trainPerClass);
        }
        String description = dataset + (trainClasses != null ? " train-classes=" + trainClasses : "")
                + (trainPerClass != null ? " train-per-class=" + trainPerClass : "")
                + (evalClasses != null ? " eval-classes=" + evalClasses : "");
        return new Splits(train, eval, description);
    }

    /**
     * The examples training learns from: the training split and, with {@code --unlabeled}, the unlabeled examples
     * after it.
     *
     * @param train the training split
     * @param mode  the training mode
     * @return the training examples
     * @throws UserError when {@code --unlabeled} is given for a mode that needs labels, or names a bad source or
     *                   one whose features are not the dataset's
     */
    public Dataset<Label> trainingData(Dataset<Label> train, TrainingMode mode) {
        if (unlabeled == null) {
            return train;
        }
        if (mode != TrainingMode.SELF_SUPERVISED) {
            throw new UserError("--unlabeled " + unlabeled + ": examples without labels train only with --mode "
                    + TrainingMode.SELF_SUPERVISED + "; " + mode + " training learns from class labels.");
        }
        int colon = unlabeled.indexOf(':');
        String kind = colon < 0 ? unlabeled : unlabeled.substring(0, colon);
        Path path = Path.of(unlabeled.substring(colon + 1));
        Dataset<Label> extra = switch (colon > 0 ? kind : "") {
            case "csv" -> CsvDataset.loadUnlabeled(path, labelColumn);
            case "images" -> images().unlabeledFolder(path);
            default -> throw new UserError("Unknown --unlabeled source '" + unlabeled + "'. Use csv:PATH or "
                    + "images:DIR.");
        };
        requireSameFeatures(train, extra);
        LabelFactory factory = new LabelFactory();
        MutableDataset<Label> both = new MutableDataset<>(new SimpleDataSourceProvenance("the training split of "
                + dataset + " and " + unlabeled, factory), factory);
        train.forEach(both::add);
        extra.forEach(both::add);
        return ImmutableDataset.copyDataset(both, train.getFeatureIDMap(), both.getOutputIDInfo());
    }

    /** The unlabeled examples must have the labelled data's features: the same columns, or the same image shape. */
    private void requireSameFeatures(Dataset<Label> train, Dataset<Label> extra) {
        Set<String> known = names(train);
        Set<String> theirs = names(extra);
        if (!known.equals(theirs)) {
            Set<String> unknown = new TreeSet<>(theirs);
            unknown.removeAll(known);
            Set<String> missing = new TreeSet<>(known);
            missing.removeAll(theirs);
            throw new UserError("--unlabeled " + unlabeled + " has " + theirs.size() + " features, " + dataset
                    + " " + known.size() + (unknown.isEmpty() ? "" : "; only the unlabeled data has "
                    + first(unknown)) + (missing.isEmpty() ? "" : "; it lacks " + first(missing)) + ". Give it "
                    + "the same feature columns (or the same image size and channels) as the labelled data.");
        }
    }

    private static Set<String> names(Dataset<Label> data) {
        Set<String> names = new TreeSet<>();
        data.getFeatureIDMap().forEach(info -> names.add(info.getName()));
        return names;
    }

    private static String first(Set<String> names) {
        return names.stream().limit(5).toList() + (names.size() > 5 ? " and " + (names.size() - 5) + " more" : "");
    }

    private ImageDatasets images() {
        return new ImageDatasets(imageSize, imageChannels);
    }

    private MnistFiles locate() {
        try {
            return MnistFiles.locate(dataDir);
        } catch (IOException e) {
            throw new UserError(e.getMessage(), e);
        }
    }

    private static Dataset<Label> mnist(MnistFiles files, MnistFiles.Split split) {
        try {
            MnistDataSource source = MnistDataSource.of(files, split);
            MutableDataset<Label> data = new MutableDataset<>(source);
            // Every pixel is a feature, also one that is zero in every image of this split.
            return ImmutableDataset.copyDataset(data, source.featureMap(), data.getOutputIDInfo());
        } catch (IOException e) {
            throw new UserError("Cannot read Fashion-MNIST from " + files.directory() + ": " + e.getMessage(), e);
        }
    }

    private static Dataset<Label> limit(Dataset<Label> data, int n) {
        MutableDataset<Label> out = new MutableDataset<>(data.getProvenance(), new LabelFactory());
        for (int i = 0; i < Math.min(n, data.size()); i++) {
            out.add(data.getExample(i));
        }
        return ImmutableDataset.copyDataset(out, data.getFeatureIDMap(), out.getOutputIDInfo());
    }

    private static Dataset<Label> perClass(Dataset<Label> data, int k) {
        MutableDataset<Label> out = new MutableDataset<>(data.getProvenance(), new LabelFactory());
        Map<String, Integer> taken = new HashMap<>();
        for (Example<Label> example : data) {
            if (taken.merge(example.getOutput().getLabel(), 1, Integer::sum) <= k) {
                out.add(example);
            }
        }
        return ImmutableDataset.copyDataset(out, data.getFeatureIDMap(), out.getOutputIDInfo());
    }

    private static Dataset<Label> keep(Dataset<Label> data, String spec, String option) {
        try {
            Set<String> classes = ClassFilter.parse(spec);
            return ClassFilter.keep(data, classes);
        } catch (IllegalArgumentException e) {
            throw new UserError(option + " " + spec + ": " + e.getMessage(), e);
        }
    }
}
