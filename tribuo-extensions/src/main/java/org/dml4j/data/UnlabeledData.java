package org.dml4j.data;

import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.MutableOutputInfo;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;

/**
 * Examples without a label. A Tribuo {@link Example} always has an output, so an unlabeled example carries Tribuo's
 * unknown label, {@link LabelFactory#UNKNOWN_LABEL} (named {@value Label#UNKNOWN}), as Tribuo's own loaders give an
 * example whose output is missing. DML4J tells such examples by that name ({@link #isUnlabeled}), since copies of a
 * dataset ({@code ImmutableDataset.copyDataset}) copy the label object. Only self-supervised training
 * ({@link org.dml4j.train.SelfSupervision}) learns from unlabeled examples; the other modes, validation and the
 * evaluations refuse them. {@link UnlabeledImageFolder} lists a folder of unlabeled images; the command line reads
 * unlabeled CSV files too ({@code train --unlabeled}).
 */
public final class UnlabeledData {

    private UnlabeledData() {
    }

    /**
     * @param example an example
     * @return whether it has no label (Tribuo's unknown label, or none)
     */
    public static boolean isUnlabeled(Example<Label> example) {
        Label label = example.getOutput();
        return label == null || Label.UNKNOWN.equals(label.getLabel());
    }

    /**
     * @param examples examples
     * @return the index of the first unlabeled one, or -1 when every example has a label
     */
    public static int firstUnlabeled(Iterable<? extends Example<Label>> examples) {
        int index = 0;
        for (Example<Label> example : examples) {
            if (isUnlabeled(example)) {
                return index;
            }
            index++;
        }
        return -1;
    }

    /**
     * The outputs a model trained on the examples knows: the dataset's own when every example is labelled, else
     * its labels and {@value Label#UNKNOWN} as one more class, so that the model's unlabeled references (and hence
     * possibly its predictions) carry the unknown label.
     *
     * @param examples the training examples
     * @return the output info
     */
    public static ImmutableOutputInfo<Label> outputInfo(Dataset<Label> examples) {
        if (firstUnlabeled(examples) < 0) {
            return examples.getOutputIDInfo();
        }
        MutableOutputInfo<Label> info = new LabelFactory().generateInfo();
        for (Example<Label> example : examples) {
            // a new Label object, which Tribuo's label info counts as a class (only the shared instance is unknown)
            info.observe(isUnlabeled(example) ? new Label(Label.UNKNOWN) : example.getOutput());
        }
        return info.generateImmutableOutputInfo();
    }
}
