package org.dml4j.crossmodal;

import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

import java.util.Random;

/**
 * Generated paired data of two modalities for the tests: {@code classes} classes; modality A is a 6-dimensional
 * vector around a class centre, modality B an 8 × 8 "image" with a class pattern, both noisy, so the pairing is
 * learnable only through the class (each pair's two rows are independent draws of its class).
 */
final class PairedExamples {

    static final int WIDTH_A = 6;
    static final int WIDTH_B = 64;

    private PairedExamples() {
    }

    static MutableDataset<Label> of(int classes, int pairsPerClass, long seed) {
        Random rng = new Random(seed);
        Random patterns = new Random(99);
        double[][] centres = new double[classes][WIDTH_A];
        double[][] images = new double[classes][WIDTH_B];
        for (int c = 0; c < classes; c++) {
            for (int k = 0; k < WIDTH_A; k++) {
                centres[c][k] = patterns.nextGaussian() * 2;
            }
            for (int k = 0; k < WIDTH_B; k++) {
                images[c][k] = patterns.nextDouble() < 0.3 ? 1 : 0;
            }
        }
        LabelFactory factory = new LabelFactory();
        MutableDataset<Label> data = new MutableDataset<>(new SimpleDataSourceProvenance("paired test data",
                factory), factory);
        String[] names = new String[WIDTH_A + WIDTH_B];
        for (int k = 0; k < WIDTH_A; k++) {
            names[k] = "a_" + k;
        }
        for (int k = 0; k < WIDTH_B; k++) {
            names[WIDTH_A + k] = "b_" + k;
        }
        for (int i = 0; i < classes * pairsPerClass; i++) {
            int c = i % classes;
            double[] values = new double[names.length];
            for (int k = 0; k < WIDTH_A; k++) {
                values[k] = centres[c][k] + rng.nextGaussian() * 0.8;
            }
            for (int k = 0; k < WIDTH_B; k++) {
                values[WIDTH_A + k] = images[c][k] + rng.nextGaussian() * 0.4;
            }
            data.add(new ArrayExample<>(new Label("class-" + c), names, values));
        }
        return data;
    }
}
