package org.dml4j.experiments;

import org.dml4j.data.ClassFilter;
import org.dml4j.data.MnistDataSource;
import org.dml4j.data.MnistFiles;
import org.dml4j.data.StratifiedSplit;
import org.tribuo.Dataset;
import org.tribuo.ImmutableDataset;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.data.csv.CSVLoader;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * Where the data comes from and how it is split: Fashion-MNIST (train split to train, test split to evaluate) or a
 * CSV file (a stratified 80/20 split), optionally restricted to some classes for training and others for evaluation
 * (the open-set protocol).
 */
final class DatasetOptions {

    @Option(names = "--dataset", defaultValue = "fashion-mnist", paramLabel = "NAME",
            description = "fashion-mnist (IDX files: --data-dir, else Debian's dataset-fashion-mnist), or "
                    + "csv:PATH (one row per example, numeric features, a label column). Default: ${DEFAULT-VALUE}.")
    String dataset;

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

    /** The training and evaluation data. */
    record Splits(Dataset<Label> train, Dataset<Label> eval, String description) {
    }

    Splits load(long seed) {
        Dataset<Label> train;
        Dataset<Label> eval;
        if (dataset.equals("fashion-mnist")) {
            MnistFiles files = locate();
            train = mnist(files, MnistFiles.Split.TRAIN);
            eval = mnist(files, MnistFiles.Split.TEST);
        } else if (dataset.startsWith("csv:")) {
            Dataset<Label> all = csv(Path.of(dataset.substring(4)));
            StratifiedSplit split = StratifiedSplit.of(all, 0.2, seed);
            train = split.train();
            eval = split.validation();
        } else {
            throw new UserError("Unknown dataset '" + dataset + "'. Use --dataset fashion-mnist or --dataset "
                    + "csv:PATH.");
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
        String description = dataset + (trainClasses != null ? " train-classes=" + trainClasses : "")
                + (evalClasses != null ? " eval-classes=" + evalClasses : "");
        return new Splits(train, eval, description);
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

    private Dataset<Label> csv(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new UserError("CSV dataset not found: " + path + ". Give --dataset csv:PATH with an existing file.");
        }
        try {
            return new MutableDataset<>(new CSVLoader<>(new LabelFactory()).loadDataSource(path, labelColumn));
        } catch (IOException | RuntimeException e) {
            throw new UserError("Cannot load " + path + " with label column '" + labelColumn + "': " + e.getMessage()
                    + ". Check --label-column (the header's name of the label column) and that every other column "
                    + "is numeric.", e);
        }
    }

    private static Dataset<Label> limit(Dataset<Label> data, int n) {
        MutableDataset<Label> out = new MutableDataset<>(data.getProvenance(), new LabelFactory());
        for (int i = 0; i < Math.min(n, data.size()); i++) {
            out.add(data.getExample(i));
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
