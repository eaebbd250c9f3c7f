package org.dml4j.eval;

import org.dml4j.model.EmbeddingModel;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tribuo.Dataset;
import org.tribuo.Example;
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
        if (train.size() == 0 || test.size() == 0) {
            throw new IllegalArgumentException("the linear probe needs labelled training and test examples, found "
                    + train.size() + " and " + test.size());
        }
        Model<Label> probe = classifier.train(embedded(model, train, "linear-probe-train"));
        return new LabelEvaluator().evaluate(probe, embedded(model, test, "linear-probe-test"));
    }

    /** The examples with their embeddings as features and their labels kept. */
    private static MutableDataset<Label> embedded(EmbeddingModel model, Dataset<Label> data, String name) {
        INDArray embeddings = model.embed(data);
        int d = embeddings.columns();
        String[] names = new String[d];
        for (int k = 0; k < d; k++) {
            names[k] = String.format("%s%04d", FEATURE_PREFIX, k);
        }
        LabelFactory factory = new LabelFactory();
        MutableDataset<Label> out = new MutableDataset<>(new SimpleDataSourceProvenance(name + " of "
                + data.getSourceDescription(), factory), factory);
        int row = 0;
        for (Example<Label> example : data) {
            double[] values = embeddings.getRow(row++).toDoubleVector();
            out.add(new ArrayExample<>(example.getOutput(), names, values));
        }
        return out;
    }

    @Override
    public String toString() {
        return "LinearProbe(" + classifier + ")";
    }
}
