package org.dml4j.model;

import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.Output;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/**
 * Dense float32 rows of examples in a model's feature order (features the model does not know are ignored, missing
 * ones are 0), with the number of known features each example had.
 *
 * @param rows          N × F
 * @param knownFeatures the number of the model's features each example has
 */
record FeatureMatrix(INDArray rows, int[] knownFeatures) {

    static <T extends Output<T>> FeatureMatrix of(List<? extends Example<T>> examples, ImmutableFeatureMap map) {
        int width = map.size();
        float[] values = new float[examples.size() * width];
        int[] known = new int[examples.size()];
        for (int i = 0; i < examples.size(); i++) {
            for (Feature f : examples.get(i)) {
                int id = map.getID(f.getName());
                if (id >= 0) {
                    values[i * width + id] = (float) f.getValue();
                    known[i]++;
                }
            }
            if (known[i] == 0) {
                throw new IllegalArgumentException("No features found in Example " + examples.get(i)
                        + ": none of its feature names are in the model's feature map");
            }
        }
        return new FeatureMatrix(Nd4j.create(values, new long[]{examples.size(), width}, 'c'), known);
    }
}
