package org.dml4j.eval;

import org.dml4j.model.EmbeddingModel;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tribuo.Dataset;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.evaluation.LabelEvaluation;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

import java.util.ArrayList;
import java.util.List;

/**
 * The linear-probe evaluation of an embedding (as in SimCLR, Chen et al. 2020): the model's embeddings are frozen,
 * a linear classifier (Tribuo's {@link LogisticRegressionTrainer} by default) is trained on the embeddings of a
 * labelled training set, and its accuracy on the embeddings of a labelled test set measures how linearly separable
 * the classes are in the embedding space.
 */
public final class LinearProbe {

    /** The prefix of the embedding features' names ({@code e0000}, {@code e0001}, ...). */
    static final String FEATURE_PREFIX = "e";

    private final Trainer<Label> classifier;

    /** A probe with Tribuo's default logistic regression (AdaGrad, 5 epochs, seed 12345). */
    public LinearProbe() {
        this(new LogisticRegressionTrainer());
    }

    /**
     * A probe with another classifier trainer (keep it linear for a linear probe).
     *
     * @param classifier the trainer of the classifier on the embeddings
     */
    public LinearProbe(Trainer<Label> classifier) {
        this.classifier = classifier;
    }

    /**
     * Trains the classifier on the frozen embeddings of {@code train} and evaluates it on those of {@code test}.
     *
     * @param model the embedding model
     * @param train labelled examples to train the classifier on
     * @param test  labelled examples to evaluate it on
     * @return Tribuo's evaluation of the classifier on the test embeddings ({@code accuracy()} is the probe accuracy)
     * @throws IllegalArgumentException if either set is empty
     */
    public LabelEvaluation evaluate(EmbeddingModel model, Dataset<Label> train, Dataset<Label> test) {
        requireExamples(train.size(), test.size());
        return evaluate(model.embed(train), labels(train), model.embed(test), labels(test),
                "linear-probe of " + train.getSourceDescription());
    }

    /**
     * Trains the classifier on embeddings and evaluates it on others, e.g. the training and validation parts of a
     * run (the trainer's validation of self-supervised training).
     *
     * @param trainEmbeddings embeddings to train the classifier on, one per row
     * @param trainLabels     their labels
     * @param testEmbeddings  embeddings to evaluate it on
     * @param testLabels      their labels
     * @param name            what the embeddings are, for the datasets' provenance
     * @return Tribuo's evaluation of the classifier on the test embeddings
     * @throws IllegalArgumentException if either set is empty or the rows and labels disagree
     */
    public LabelEvaluation evaluate(INDArray trainEmbeddings, List<Label> trainLabels, INDArray testEmbeddings,
                                    List<Label> testLabels, String name) {
        requireExamples(trainLabels.size(), testLabels.size());
        Model<Label> probe = classifier.train(embedded(trainEmbeddings, trainLabels, name + " (train)"));
        return new LabelEvaluator().evaluate(probe, embedded(testEmbeddings, testLabels, name + " (test)"));
    }

    private static void requireExamples(int train, int test) {
        if (train == 0 || test == 0) {
            throw new IllegalArgumentException("the linear probe needs labelled training and test examples, found "
                    + train + " and " + test);
        }
    }

    private static List<Label> labels(Dataset<Label> data) {
        List<Label> labels = new ArrayList<>(data.size());
        data.forEach(example -> labels.add(example.getOutput()));
        return labels;
    }

    /** The embeddings as examples, each with its label. */
    private static MutableDataset<Label> embedded(INDArray embeddings, List<Label> labels, String name) {
        if (embeddings.rows() != labels.size()) {
            throw new IllegalArgumentException(name + ": " + embeddings.rows() + " embeddings but " + labels.size()
                    + " labels");
        }
        int d = embeddings.columns();
        String[] names = new String[d];
        for (int k = 0; k < d; k++) {
            names[k] = String.format("%s%04d", FEATURE_PREFIX, k);
        }
        LabelFactory factory = new LabelFactory();
        MutableDataset<Label> out = new MutableDataset<>(new SimpleDataSourceProvenance(name, factory), factory);
        for (int row = 0; row < labels.size(); row++) {
            out.add(new ArrayExample<>(labels.get(row), names, embeddings.getRow(row).toDoubleVector()));
        }
        return out;
    }

    @Override
    public String toString() {
        return "LinearProbe(" + classifier + ")";
    }
}
