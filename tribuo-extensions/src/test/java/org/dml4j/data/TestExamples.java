package org.dml4j.data;

import org.tribuo.Example;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

import java.util.ArrayList;
import java.util.List;

/** Small labelled datasets for the data tests. */
final class TestExamples {

    private TestExamples() {
    }

    static Example<Label> example(String label, String[] names, double[] values) {
        return new ArrayExample<>(new Label(label), names, values);
    }

    /** A dataset whose example {@code i} has label {@code labels[i]} and one feature "x" = i + 1. */
    static MutableDataset<Label> dataset(String... labels) {
        LabelFactory factory = new LabelFactory();
        MutableDataset<Label> ds = new MutableDataset<>(new SimpleDataSourceProvenance("test", factory), factory);
        for (int i = 0; i < labels.length; i++) {
            ds.add(example(labels[i], new String[]{"x"}, new double[]{i + 1}));
        }
        return ds;
    }

    static List<String> labelsOf(Iterable<Example<Label>> examples) {
        List<String> out = new ArrayList<>();
        for (Example<Label> e : examples) {
            out.add(e.getOutput().getLabel());
        }
        return out;
    }
}
