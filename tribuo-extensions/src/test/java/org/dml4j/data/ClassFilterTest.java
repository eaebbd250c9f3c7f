package org.dml4j.data;

import org.junit.jupiter.api.Test;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.dataset.DatasetView;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ClassFilterTest {

    @Test
    void parsesRangesAndNames() {
        assertEquals(List.of("0", "1", "2", "3", "4"), List.copyOf(ClassFilter.parse("0-4")));
        assertEquals(List.of("0", "2", "7", "8", "9"), List.copyOf(ClassFilter.parse("0, 2,7-9")));
        assertEquals(List.of("cat", "dog-like"), List.copyOf(ClassFilter.parse("cat,dog-like")));
        assertEquals(List.of("-1"), List.copyOf(ClassFilter.parse("-1")));
        assertEquals("class range '5-3' in '5-3' is reversed; write it as 3-5",
                assertThrows(IllegalArgumentException.class, () -> ClassFilter.parse("5-3")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> ClassFilter.parse(" , "));
    }

    @Test
    void keepsOnlyTheRequestedClasses() {
        MutableDataset<Label> ds = TestExamples.dataset("0", "5", "1", "6", "0");
        DatasetView<Label> train = ClassFilter.keep(ds, ClassFilter.parse("0-1"));
        assertEquals(List.of("0", "1", "0"), TestExamples.labelsOf(train));
        assertEquals(Set.of("0", "1"), train.getOutputInfo().getDomain().stream().map(Label::getLabel)
                .collect(Collectors.toSet()));
        assertEquals(ds.getFeatureIDMap().size(), train.getFeatureIDMap().size());
        DatasetView<Label> eval = ClassFilter.keep(ds, ClassFilter.parse("5,6"), ds.getFeatureIDMap());
        assertEquals(List.of("5", "6"), TestExamples.labelsOf(eval));
    }

    @Test
    void missingClassIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClassFilter.keep(TestExamples.dataset("0", "1"), Set.of("1", "7")));
        assertEquals("classes [7] have no example in the dataset; its classes are [0, 1]", e.getMessage());
    }
}
