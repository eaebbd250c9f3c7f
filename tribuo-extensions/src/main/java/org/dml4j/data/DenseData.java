package org.dml4j.data;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.classification.Label;

import java.util.Collection;

/**
 * Examples as one dense {@code N × F} float32 matrix and their class ids: column {@code j} holds the feature whose id
 * is {@code j} in the given {@link ImmutableFeatureMap}; features an example lacks are 0 and features the map lacks
 * are ignored; a value that is NaN, infinite or beyond float32's range is refused. Built once per training call:
 * the values are gathered in one {@code float[]} and copied into a single array.
 *
 * @param features   the {@code N × F} matrix
 * @param labels     the class id of each row, from {@code labelIndex}
 * @param labelIndex the mapping between class ids and label names
 */
public record DenseData(INDArray features, int[] labels, LabelIndex labelIndex) {

    /**
     * Converts a dataset with the label index of its own labels.
     *
     * @param dataset    the examples
     * @param featureMap the columns
     * @return the dense data
     */
    public static DenseData of(Dataset<Label> dataset, ImmutableFeatureMap featureMap) {
        return of(dataset, dataset.size(), featureMap, LabelIndex.of(dataset));
    }

    /**
     * Converts a dataset with a given label index (e.g. the training set's).
     *
     * @param dataset    the examples
     * @param featureMap the columns
     * @param labelIndex the class ids
     * @return the dense data
     * @throws IllegalArgumentException if an example's label is not in the index or a value is not a finite float32
     */
    public static DenseData of(Dataset<Label> dataset, ImmutableFeatureMap featureMap, LabelIndex labelIndex) {
        return of(dataset, dataset.size(), featureMap, labelIndex);
    }

    /**
     * Converts a collection of examples with a given label index.
     *
     * @param examples   the examples
     * @param featureMap the columns
     * @param labelIndex the class ids
     * @return the dense data
     * @throws IllegalArgumentException if an example's label is not in the index or a value is not a finite float32
     */
    public static DenseData of(Collection<? extends Example<Label>> examples, ImmutableFeatureMap featureMap,
                               LabelIndex labelIndex) {
        return of(examples, examples.size(), featureMap, labelIndex);
    }

    private static DenseData of(Iterable<? extends Example<Label>> examples, int n, ImmutableFeatureMap featureMap,
                                LabelIndex labelIndex) {
        int f = featureMap.size();
        if (n == 0 || f == 0) {
            throw new IllegalArgumentException("cannot build a dense matrix of " + n + " examples × " + f
                    + " features; both must be positive");
        }
        if ((long) n * f > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(n + " examples × " + f + " features exceed the 2^31 values one "
                    + "array can hold; convert the data in parts");
        }
        float[] values = new float[n * f];
        int[] labels = new int[n];
        int row = 0;
        for (Example<Label> example : examples) {
            String name = example.getOutput().getLabel();
            if (!labelIndex.contains(name)) {
                throw new IllegalArgumentException("example " + row + " has label '" + name
                        + "', which is not among the known labels " + labelIndex.names());
            }
            labels[row] = labelIndex.id(name);
            for (Feature feature : example) {
                int id = featureMap.getID(feature.getName());
                if (id >= 0) {
                    values[row * f + id] = finite(feature, row);
                }
            }
            row++;
        }
        return new DenseData(Nd4j.create(values, new long[]{n, f}, 'c'), labels, labelIndex);
    }

    /** A feature's value as float32, refusing NaN, infinities and values float32 cannot hold. */
    private static float finite(Feature feature, int row) {
        float value = (float) feature.getValue();
        if (!Float.isFinite(value)) {
            throw new IllegalArgumentException("example " + row + " has feature '" + feature.getName() + "' = "
                    + feature.getValue() + ", which is not a finite float32 (|x| <= " + Float.MAX_VALUE
                    + "); training on it would give NaN embeddings: fix or drop that example");
        }
        return value;
    }

    /** @return the number of rows */
    public int size() {
        return labels.length;
    }
}
