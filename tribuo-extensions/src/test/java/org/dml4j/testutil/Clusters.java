package org.dml4j.testutil;

import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

import java.util.Random;

/** Small labelled Tribuo datasets of Gaussian clusters, for trainer and model tests. */
public final class Clusters {

    private Clusters() {
    }

    /**
     * A dataset of {@code perClass} examples around each of {@code classes} random centres.
     *
     * @param classes  the number of classes
     * @param perClass examples per class
     * @param dim      features
     * @param noise    the noise scale relative to the centres' spread
     * @param seed     the seed
     * @return the dataset, labels "0".."classes-1", features "f00".."fNN"
     */
    public static MutableDataset<Label> dataset(int classes, int perClass, int dim, double noise, long seed) {
        Random rng = new Random(seed);
        double[][] centres = new double[classes][dim];
        for (double[] c : centres) {
            for (int k = 0; k < dim; k++) {
                c[k] = rng.nextGaussian();
            }
        }
        String[] names = new String[dim];
        for (int k = 0; k < dim; k++) {
            names[k] = String.format("f%02d", k);
        }
        LabelFactory factory = new LabelFactory();
        MutableDataset<Label> ds = new MutableDataset<>(new SimpleDataSourceProvenance("clusters-" + seed, factory),
                factory);
        for (int i = 0; i < perClass; i++) {
            for (int c = 0; c < classes; c++) {
                double[] values = new double[dim];
                for (int k = 0; k < dim; k++) {
                    values[k] = centres[c][k] + noise * rng.nextGaussian();
                }
                ds.add(new ArrayExample<>(new Label(String.valueOf(c)), names, values));
            }
        }
        return ds;
    }
}
