package org.dml4j.data;

import org.junit.jupiter.api.Test;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class StratifiedSplitTest {

    private static MutableDataset<Label> data() {
        String[] labels = new String[131];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i < 100 ? "a" : i < 130 ? "b" : "c"; // 100, 30 and 1 examples
        }
        return TestExamples.dataset(labels);
    }

    @Test
    void keepsClassProportionsAndPartitionsTheRows() {
        StratifiedSplit split = StratifiedSplit.of(data(), 0.2, 7);
        List<String> validation = TestExamples.labelsOf(split.validation());
        assertEquals(20, Collections.frequency(validation, "a"));
        assertEquals(6, Collections.frequency(validation, "b"));
        assertEquals(0, Collections.frequency(validation, "c")); // the only example stays in training
        int[] all = new int[131];
        for (int i : split.train().getExampleIndices()) {
            all[i]++;
        }
        for (int i : split.validation().getExampleIndices()) {
            all[i]++;
        }
        int[] ones = new int[131];
        Arrays.fill(ones, 1);
        assertArrayEquals(ones, all);
        assertEquals("validation", split.validation().getTag());
    }

    @Test
    void seedFixesTheSplit() {
        int[] a = StratifiedSplit.of(data(), 0.3, 1).validation().getExampleIndices();
        int[] b = StratifiedSplit.of(data(), 0.3, 1).validation().getExampleIndices();
        int[] c = StratifiedSplit.of(data(), 0.3, 2).validation().getExampleIndices();
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
    }

    @Test
    void rejectsFractionsOutsideTheOpenInterval() {
        assertEquals("validation fraction must be in (0, 1), found 1.0", assertThrows(IllegalArgumentException.class,
                () -> StratifiedSplit.of(data(), 1.0, 0)).getMessage());
    }
}
