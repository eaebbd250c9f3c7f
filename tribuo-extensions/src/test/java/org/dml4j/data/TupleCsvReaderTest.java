package org.dml4j.data;

import org.dml4j.mining.PairTuples;
import org.dml4j.mining.QuadrupletTuples;
import org.dml4j.mining.TripletTuples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Example;
import org.tribuo.classification.Label;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TupleCsvReaderTest {

    @Test
    void readsPairsWithHeaderCommentsAndBothFlagStyles(@TempDir Path dir) throws IOException {
        Path csv = Files.writeString(dir.resolve("pairs.csv"),
                "id_a, id_b, similar\n# a comment\n0,1,1\n\n2, 3 ,false\n1,2,TRUE\n3,0,0\n");
        PairTuples pairs = TupleCsvReader.readPairs(csv, ExampleIds.rowIndices(4));
        assertEquals(new PairTuples(new int[]{0, 1}, new int[]{1, 2}, new int[]{2, 3}, new int[]{3, 0}), pairs);
    }

    @Test
    void readsTripletsAndQuadruplets(@TempDir Path dir) throws IOException {
        Path triplets = Files.writeString(dir.resolve("t.csv"), "anchor,positive,negative\n0,1,2\n3,4,0\n");
        assertEquals(new TripletTuples(new int[]{0, 3}, new int[]{1, 4}, new int[]{2, 0}),
                TupleCsvReader.readTriplets(triplets, ExampleIds.rowIndices(5)));
        Path quads = Files.writeString(dir.resolve("q.csv"), "0,1,2,3\n");
        QuadrupletTuples q = TupleCsvReader.readQuadruplets(quads, ExampleIds.rowIndices(4));
        assertArrayEquals(new int[]{3}, q.secondNegatives());
    }

    @Test
    void idsFromAMetadataColumnOrAFeature(@TempDir Path dir) throws IOException {
        List<Example<Label>> rows = List.of(
                TestExamples.example("a", new String[]{"x"}, new double[]{1}),
                TestExamples.example("b", new String[]{"x"}, new double[]{2}),
                TestExamples.example("a", new String[]{"x"}, new double[]{3}));
        String[] ids = {"img-7", "img-3", "img-9"};
        for (int i = 0; i < 3; i++) {
            rows.get(i).setMetadataValue("id", ids[i]);
        }
        Path csv = Files.writeString(dir.resolve("t.csv"), "img-9,img-7,img-3\n");
        assertEquals(new TripletTuples(new int[]{2}, new int[]{0}, new int[]{1}),
                TupleCsvReader.readTriplets(csv, ExampleIds.column(rows, "id")));
        Path byFeature = Files.writeString(dir.resolve("f.csv"), "3,1,2\n");
        assertEquals(new TripletTuples(new int[]{2}, new int[]{0}, new int[]{1}),
                TupleCsvReader.readTriplets(byFeature, ExampleIds.column(rows, "x")));
        assertEquals("dataset row 0 has no metadata field or feature named 'nope' to take its id from",
                assertThrows(IllegalArgumentException.class, () -> ExampleIds.column(rows, "nope")).getMessage());
        rows.get(2).setMetadataValue("dup", "same");
        rows.get(1).setMetadataValue("dup", "same");
        rows.get(0).setMetadataValue("dup", "other");
        assertEquals("id 'same' of column 'dup' appears in dataset rows 1 and 2; ids must be unique",
                assertThrows(IllegalArgumentException.class, () -> ExampleIds.column(rows, "dup")).getMessage());
    }

    @Test
    void badLinesNameTheFileLineAndFix(@TempDir Path dir) throws IOException {
        Path fields = Files.writeString(dir.resolve("a.csv"), "0,1,1\n0,1\n");
        assertEquals(fields + " line 2: expected 3 fields (id_a,id_b,similar), found 2 in '0,1'",
                assertThrows(IOException.class, () -> TupleCsvReader.readPairs(fields, ExampleIds.rowIndices(2)))
                        .getMessage());
        Path flag = Files.writeString(dir.resolve("b.csv"), "# c\n0,1,yes\n");
        assertEquals(flag + " line 2: similar must be 1, 0, true or false, found 'yes'",
                assertThrows(IOException.class, () -> TupleCsvReader.readPairs(flag, ExampleIds.rowIndices(2)))
                        .getMessage());
        Path id = Files.writeString(dir.resolve("c.csv"), "0,1,2\n0,5,1\n");
        assertEquals(id + " line 2: positive '5' is not a known example id (ids are row indices 0..2)",
                assertThrows(IOException.class, () -> TupleCsvReader.readTriplets(id, ExampleIds.rowIndices(3)))
                        .getMessage());
        Path empty = Files.writeString(dir.resolve("d.csv"), "anchor,positive,negative\n");
        assertThrows(IOException.class, () -> TupleCsvReader.readTriplets(empty, ExampleIds.rowIndices(3)));
    }
}
