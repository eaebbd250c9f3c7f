package org.dml4j.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import us.hebi.matlab.mat.format.Mat5;
import us.hebi.matlab.mat.types.Cell;
import us.hebi.matlab.mat.types.MatFile;
import us.hebi.matlab.mat.types.MatlabType;
import us.hebi.matlab.mat.types.Matrix;
import us.hebi.matlab.mat.types.Struct;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cars196 in the official release's layout: a {@code cars_annos.mat} written here with the MAT File Library. */
class Cars196LayoutTest {

    @TempDir
    Path dir;

    /** A uint8 scalar, the type of the release's class, test and (small) bbox values. */
    private static Matrix uint8(int value) {
        Matrix m = Mat5.newMatrix(1, 1, MatlabType.UInt8);
        m.setInt(0, value);
        return m;
    }

    /**
     * Writes {@code cars_annos.mat} as the release has it: image {@code i} (from 1) is {@code car_ims/00000i.png},
     * of class {@code classes[i - 1]}, with a bounding box and a test flag; {@code classNames} class names; without
     * the annotation fields or variables named in {@code leaveOut}.
     */
    private Path annotations(int[] classes, int classNames, String... leaveOut) throws IOException {
        Struct annotations = Mat5.newStruct(1, classes.length);
        for (int i = 0; i < classes.length; i++) {
            annotations.set("relative_im_path", i, Mat5.newString(String.format("car_ims/%06d.png", i + 1)))
                    .set("bbox_x1", i, uint8(1)).set("bbox_y1", i, uint8(2))
                    .set("bbox_x2", i, uint8(5)).set("bbox_y2", i, uint8(4))
                    .set("class", i, uint8(classes[i])).set("test", i, uint8(i % 2));
        }
        for (String field : leaveOut) {
            if (annotations.getFieldNames().contains(field)) {
                annotations.remove(field);
            }
        }
        Cell names = Mat5.newCell(1, classNames);
        for (int c = 0; c < classNames; c++) {
            names.set(c, Mat5.newString("Make Model " + (2000 + c)));
        }
        MatFile mat = Mat5.newMatFile().addArray("annotations", annotations);
        if (!List.of(leaveOut).contains("class_names")) {
            mat.addArray("class_names", names);
        }
        Path file = dir.resolve("cars_annos.mat");
        Mat5.writeToFile(mat, file.toFile());
        return file;
    }

    @Test
    void readsTheOfficialAnnotationsAndSplitsClasses1To98FromTheRest() throws IOException {
        int[] classes = {3, 1, 4, 2, 1, 3, 2, 4};
        for (int i = 1; i <= classes.length; i++) {
            Color shade = new Color(30 * classes[i - 1], 0, 0);
            ImageLayoutsTest.png(dir.resolve(String.format("car_ims/%06d.png", i)), 6, 6, shade, shade);
        }
        IOException missing = assertThrows(IOException.class, () -> Cars196Layout.read(dir));
        assertTrue(missing.getMessage().startsWith("missing " + dir.resolve("cars_annos.mat")
                + ", which holds the classes"), missing.getMessage());
        assertTrue(missing.getMessage().contains("put the release's cars_annos.mat next to car_ims/"));

        annotations(classes, 4);
        ImageSplits splits = Cars196Layout.read(dir);
        // The first half of the classes (1 and 2) trains, in the file's order; the test flags do not split.
        assertEquals(List.of("000002.png", "000004.png", "000005.png", "000007.png"),
                splits.train().stream().map(i -> i.file().getFileName().toString()).toList());
        assertEquals(List.of("1", "2", "1", "2"), splits.train().stream().map(LabeledImage::label).toList());
        assertEquals(List.of("3", "4", "3", "4"), splits.test().stream().map(LabeledImage::label).toList());
        assertEquals(dir.resolve("car_ims/000001.png"), splits.test().get(0).file());
        MutableDataset<Label> test = new MutableDataset<>(
                new ImageDataSource(splits.test(), new ImageFormat(2, 3), "cars test"));
        assertEquals(4, test.size());
        assertEquals(90 / 255.0, test.getExample(0).lookup("00").getValue(), 1e-3);  // class 3's red
    }

    @Test
    void namesTheFileAndTheFixForEveryMistakeInTheAnnotations() throws IOException {
        Path file = annotations(new int[]{1, 2}, 2, "class_names");
        IOException noNames = assertThrows(IOException.class, () -> Cars196Layout.read(dir));
        assertTrue(noNames.getMessage().startsWith(file + " has no cell variable 'class_names'; restore the "
                + "official cars_annos.mat"), noNames.getMessage());

        annotations(new int[]{1, 2}, 2, "class");
        IOException noClass = assertThrows(IOException.class, () -> Cars196Layout.read(dir));
        assertTrue(noClass.getMessage().startsWith(file + ": the annotations struct has no field 'class'"),
                noClass.getMessage());
        assertTrue(noClass.getMessage().contains("relative_im_path"), noClass.getMessage());

        annotations(new int[]{1, 2, 3}, 2);
        IOException unknown = assertThrows(IOException.class, () -> Cars196Layout.read(dir));
        assertTrue(unknown.getMessage().startsWith(file + ": annotation 3 has relative_im_path "
                + "'car_ims/000003.png' and class 3.0, not a path and a class id from 1 to 2 (the size of "
                + "class_names)"), unknown.getMessage());
        assertTrue(unknown.getMessage().contains(Cars196Layout.LAYOUT), unknown.getMessage());

        Files.writeString(file, "not a MATLAB file");
        IOException corrupt = assertThrows(IOException.class, () -> Cars196Layout.read(dir));
        assertTrue(corrupt.getMessage().startsWith(file + " is not a readable MATLAB v5 file"),
                corrupt.getMessage());
        assertTrue(corrupt.getMessage().contains("download the official cars_annos.mat again"));
    }
}
