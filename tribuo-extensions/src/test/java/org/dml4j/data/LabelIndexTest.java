package org.dml4j.data;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LabelIndexTest {

    @Test
    void integerNamesSortNumericallyOthersAsStrings() {
        assertEquals(List.of("-1", "2", "10"), LabelIndex.of(List.of("10", "2", "-1", "2")).names());
        assertEquals(List.of("10", "2", "b"), LabelIndex.of(List.of("b", "2", "10")).names());
    }

    @Test
    void mapsBothWays() {
        LabelIndex index = LabelIndex.of(List.of("dog", "cat"));
        assertEquals(0, index.id("cat"));
        assertEquals("dog", index.name(1));
        assertEquals(2, index.size());
        assertEquals(index, LabelIndex.of(List.of("cat", "dog", "cat")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> index.id("cow"));
        assertEquals("unknown label 'cow'; known labels: [cat, dog]", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LabelIndex.of(List.<String>of()));
    }
}
