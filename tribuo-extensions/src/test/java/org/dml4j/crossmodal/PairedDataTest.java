package org.dml4j.crossmodal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tribuo.Example;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading paired data: both layouts, the feature order, and an error naming file, line and column for bad input. */
class PairedDataTest {

    @TempDir
    Path dir;

    private Path write(String name, String... lines) throws IOException {
        return Files.writeString(dir.resolve(name), String.join("\n", lines) + "\n");
    }

    private static List<Example<Label>> rows(MutableDataset<Label> data) {
        List<Example<Label>> out = new ArrayList<>();
        data.forEach(out::add);
        return out;
    }

    @Test
    void readsACsvWithTwoGroupsInIndexOrderKeepingZeros() throws IOException {
        StringBuilder header = new StringBuilder("cls");
        for (int k = 0; k < 12; k++) {
            header.append(",b_").append(k);
        }
        header.append(",a_1,a_0");
        Path csv = write("pairs.csv", header.toString(), "x,0,1,2,3,4,5,6,7,8,9,10,11,0.5,0",
                "y,1,1,1,1,1,1,1,1,1,1,1,0,2,3");
        MutableDataset<Label> data = PairedData.csv(csv, "cls", "a_", "b_");
        assertEquals(2, data.size());
        assertEquals("x", data.getExample(0).getOutput().getLabel());
        FeatureGroup b = FeatureGroup.of("b_", names(data), Modality.B, "test");
        assertEquals(12, b.width(), "b_0 .. b_11 with zeros kept, b_10 after b_9");
        INDArray rowsB = b.rows(rows(data));
        assertArrayEquals(new float[]{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, rowsB.getRow(0).toFloatVector());
        assertArrayEquals(new float[]{0, 0.5f}, new FeatureGroup("a_", 2).rows(rows(data)).getRow(0).toFloatVector());
    }

    private static List<String> names(MutableDataset<Label> data) {
        List<String> names = new ArrayList<>();
        data.getFeatureMap().forEach(info -> names.add(info.getName()));
        return names;
    }

    @Test
    void withoutAClassColumnEachRowIsItsOwnPair() throws IOException {
        Path csv = write("pairs.csv", "a_0,b_0,b_1", "1,2,3", "4,5,6", "7,8,9");
        MutableDataset<Label> data = PairedData.csv(csv, null, "a_", "b_");
        assertEquals(List.of("0", "1", "2"), rows(data).stream().map(e -> e.getOutput().getLabel()).toList());
    }

    @Test
    void readsPairFilesByIdInPairOrder() throws IOException {
        Path a = write("a.csv", "id,a_0,a_1", "img1,1,2", "img2,3,4");
        Path b = write("b.csv", "b_0,id", "10,t1", "20,t2", "30,t3");
        Path pairs = write("pairs.csv", "a_id,b_id,label", "img2,t3,cat", "img1,t1,dog", "img2,t2,cat");
        MutableDataset<Label> data = PairedData.pairs(pairs, a, b, "a_", "b_");
        assertEquals(3, data.size());
        List<Example<Label>> rows = rows(data);
        assertArrayEquals(new float[]{3, 4, 1, 2, 3, 4}, new FeatureGroup("a_", 2).rows(rows).ravel().toFloatVector());
        assertArrayEquals(new float[]{30, 10, 20}, new FeatureGroup("b_", 1).rows(rows).ravel().toFloatVector());
        assertEquals("dog", rows.get(1).getOutput().getLabel());
    }

    @Test
    void aPairFileWithAnUnknownIdNamesFileLineAndColumn() throws IOException {
        Path a = write("a.csv", "id,a_0", "img1,1", "img2,3");
        Path b = write("b.csv", "id,b_0", "t1,10");
        Path pairs = write("pairs.csv", "a_id,b_id", "img1,t1", "img2,t9");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PairedData.pairs(pairs, a, b, "a_", "b_"));
        assertTrue(e.getMessage().contains(pairs + " line 3, column 'b_id': the id 't9' is not an id of " + b),
                e.getMessage());
        Path duplicate = write("dup.csv", "id,b_0", "t1,10", "t1,11");
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> PairedData.pairs(pairs, a, duplicate, "a_", "b_"));
        assertTrue(twice.getMessage().contains(duplicate + " line 3: the id 't1' appears twice"), twice.getMessage());
        Path noColumn = write("nocol.csv", "left,right", "img1,t1");
        IllegalArgumentException column = assertThrows(IllegalArgumentException.class,
                () -> PairedData.pairs(noColumn, a, b, "a_", "b_"));
        assertTrue(column.getMessage().contains("no column 'a_id'"), column.getMessage());
    }

    @Test
    void aMissingGroupOrIndexIsNamed() throws IOException {
        Path onlyA = write("onlya.csv", "a_0,a_1,label", "1,2,x");
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> PairedData.csv(onlyA, "label", "a_", "b_"));
        assertTrue(missing.getMessage().contains(onlyA + " has no feature of modality B"), missing.getMessage());
        Path gap = write("gap.csv", "a_0,a_2,b_0", "1,2,3");
        IllegalArgumentException index = assertThrows(IllegalArgumentException.class,
                () -> PairedData.csv(gap, null, "a_", "b_"));
        assertTrue(index.getMessage().contains("no feature a_1"), index.getMessage());
        Path stray = write("stray.csv", "a_0,b_0,comment", "1,2,3");
        IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
                () -> PairedData.csv(stray, null, "a_", "b_"));
        assertTrue(other.getMessage().contains("the column 'comment' is in neither feature group"),
                other.getMessage());
    }

    @Test
    void aBadCellNamesFileLineAndColumn() throws IOException {
        Path csv = write("bad.csv", "a_0,b_0", "1,2", "3,abc");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PairedData.csv(csv, null, "a_", "b_"));
        assertTrue(e.getMessage().contains(csv + " line 3, column 'b_0': the value 'abc' is not a number"),
                e.getMessage());
        Path huge = write("huge.csv", "a_0,b_0", "1e300,2");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PairedData.csv(huge, null, "a_", "b_"))
                .getMessage().contains("line 2, column 'a_0'"));
    }

    @Test
    void splitsPairsReproducibly() throws IOException {
        MutableDataset<Label> data = PairedExamples.of(2, 10, 1);
        PairedData.Split first = PairedData.split(data, 0.25, 3);
        PairedData.Split again = PairedData.split(data, 0.25, 3);
        assertEquals(15, first.kept().size());
        assertEquals(5, first.heldOut().size());
        assertEquals(first.heldOut().getExample(0), again.heldOut().getExample(0));
        assertThrows(IllegalArgumentException.class, () -> PairedData.split(data, 0.01, 3));
    }
}
