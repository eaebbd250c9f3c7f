package org.dml4j.data;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.tribuo.Example;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.MutableFeatureMap;
import org.tribuo.classification.Label;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DenseDataTest {

    private static ImmutableFeatureMap features(String... names) {
        MutableFeatureMap map = new MutableFeatureMap();
        for (String n : names) {
            map.add(n, 1);
        }
        return new ImmutableFeatureMap(map);
    }

    @Test
    void columnsFollowTheFeatureMapAndMissingFeaturesAreZero() {
        ImmutableFeatureMap map = features("b", "a", "c"); // ids follow string order: a=0, b=1, c=2
        List<Example<Label>> examples = List.of(
                TestExamples.example("10", new String[]{"c", "a"}, new double[]{3, 1}),
                TestExamples.example("2", new String[]{"b", "unknown"}, new double[]{0.25, 9}));
        DenseData data = DenseData.of(examples, map, LabelIndex.of(examples));
        assertEquals(DataType.FLOAT, data.features().dataType());
        assertArrayEquals(new long[]{2, 3}, data.features().shape());
        assertArrayEquals(new float[]{1, 0, 3}, data.features().getRow(0).toFloatVector());
        assertArrayEquals(new float[]{0, 0.25f, 0}, data.features().getRow(1).toFloatVector());
        // Numeric label names sort numerically: "2" -> 0, "10" -> 1.
        assertArrayEquals(new int[]{1, 0}, data.labels());
        assertEquals(List.of("2", "10"), data.labelIndex().names());
        assertEquals(2, data.size());
    }

    @Test
    void datasetOverloadUsesItsOwnLabels() {
        DenseData data = DenseData.of(TestExamples.dataset("b", "a", "b"), features("x"));
        assertArrayEquals(new int[]{1, 0, 1}, data.labels());
        assertArrayEquals(new float[]{1, 2, 3}, data.features().getColumn(0).toFloatVector());
    }

    @Test
    void unknownLabelAndEmptyInputFail() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DenseData.of(TestExamples.dataset("a", "z"), features("x"), LabelIndex.of(List.of("a"))));
        assertEquals("example 1 has label 'z', which is not among the known labels [a]", e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> DenseData.of(List.of(), features("x"), LabelIndex.of(List.of("a"))));
    }

    @Test
    void nonFiniteAndFloat32OverflowingValuesAreRefusedNamingTheExampleAndFeature() {
        for (double bad : new double[]{Double.NaN, Double.POSITIVE_INFINITY, -1e39, 1e200}) {
            List<Example<Label>> examples = List.of(
                    TestExamples.example("a", new String[]{"x", "y"}, new double[]{1, 2}),
                    TestExamples.example("a", new String[]{"x", "y"}, new double[]{3, bad}));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> DenseData.of(examples, features("x", "y"), LabelIndex.of(examples)));
            assertEquals("example 1 has feature 'y' = " + bad + ", which is not a finite float32 (|x| <= "
                    + Float.MAX_VALUE + "); training on it would give NaN embeddings: fix or drop that example",
                    e.getMessage());
        }
    }
}
