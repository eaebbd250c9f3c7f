package org.dml4j.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Example;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageLayoutsTest {

    @TempDir
    Path dir;

    /** Writes a PNG of {@code width × height}: the left half {@code left}, the right half {@code right}. */
    static Path png(Path file, int width, int height, Color left, Color right) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(left);
        g.fillRect(0, 0, width / 2, height);
        g.setColor(right);
        g.fillRect(width / 2, 0, width - width / 2, height);
        g.dispose();
        Files.createDirectories(file.getParent());
        ImageIO.write(image, "png", file.toFile());
        return file;
    }

    private Path png(String path, int shade) throws IOException {
        Color c = new Color(shade, shade, shade);
        return png(dir.resolve(path), 6, 6, c, c);
    }

    @Test
    void formatScalesCropsAndLaysOutChannelsFirst() throws IOException {
        BufferedImage wide = ImageIO.read(png(dir.resolve("w.png"), 8, 4, Color.RED, Color.BLUE).toFile());
        float[] rgb = new ImageFormat(4, 3).pixels(wide);
        assertEquals(48, rgb.length);
        // The center crop keeps source columns 2..5: two red columns, then two blue ones.
        assertEquals(1f, rgb[0]);          // red plane, (0, 0)
        assertEquals(0f, rgb[3]);          // red plane, (3, 0)
        assertEquals(1f, rgb[32 + 3]);     // blue plane, (3, 0)
        assertEquals(0f, rgb[32]);         // blue plane, (0, 0)
        float[] grey = new ImageFormat(2, 1).pixels(wide);
        assertEquals(4, grey.length);
        assertEquals(0.299, grey[0], 0.01);
        assertEquals(0.114, grey[1], 0.01);
        assertThrows(IllegalArgumentException.class, () -> new ImageFormat(4, 2));
    }

    @Test
    void imageFolderListsClassesAndFilesInSortedOrder() throws IOException {
        png("b/2.png", 40);
        png("b/1.png", 30);
        png("a/x.PNG", 20);
        Files.writeString(dir.resolve("a/notes.txt"), "not an image");
        List<LabeledImage> images = ImageFolderLayout.read(dir);
        assertEquals(List.of("a/x.PNG", "b/1.png", "b/2.png"),
                images.stream().map(i -> dir.relativize(i.file()).toString()).toList());
        assertEquals(List.of("a", "b", "b"), images.stream().map(LabeledImage::label).toList());
        ImageDataSource source = new ImageDataSource(images, new ImageFormat(3, 1), "folder");
        MutableDataset<Label> data = new MutableDataset<>(source);
        assertEquals(3, data.size());
        assertEquals(9, source.featureMap().size());
        Example<Label> first = data.getExample(0);
        assertEquals(20 / 255.0, first.lookup("0").getValue(), 1e-3);
        assertTrue(source.getProvenance().toString().contains("sha256"), source.getProvenance().toString());
        IOException empty = assertThrows(IOException.class, () -> ImageFolderLayout.read(dir.resolve("a")));
        assertTrue(empty.getMessage().contains("holds no image"), empty.getMessage());
    }

    @Test
    void unreadableImagesAreNamed() throws IOException {
        Path bogus = dir.resolve("a/bogus.png");
        Files.createDirectories(bogus.getParent());
        Files.writeString(bogus, "not a png");
        ImageFormat format = new ImageFormat(2, 1);
        IOException decode = assertThrows(IOException.class,
                () -> new ImageDataSource(List.of(new LabeledImage(bogus, "a")), format, "bogus"));
        assertTrue(decode.getMessage().contains(bogus.toString()), decode.getMessage());
        Path missing = dir.resolve("a/missing.png");
        IOException absent = assertThrows(IOException.class,
                () -> new ImageDataSource(List.of(new LabeledImage(missing, "a")), format, "missing"));
        assertTrue(absent.getMessage().contains(missing + " (class a) does not exist"), absent.getMessage());
    }

    @Test
    void cubSplitsTheFirstHalfOfItsClassesForTraining() throws IOException {
        StringBuilder images = new StringBuilder();
        StringBuilder labels = new StringBuilder();
        for (int id = 1; id <= 8; id++) {
            int cls = (id + 1) / 2;
            String path = String.format("%03d.bird%d/img_%d.png", cls, cls, id);
            png("images/" + path, 10 * id);
            images.append(id).append(' ').append(path).append('\n');
            labels.append(id).append(' ').append(cls).append('\n');
        }
        IOException noDir = assertThrows(IOException.class, () -> Cub200Layout.read(dir.resolve("CUB_200_2011")));
        assertTrue(noDir.getMessage().startsWith("dataset folder " + dir.resolve("CUB_200_2011") + " does not exist; "
                + "expected the CUB-200-2011 layout"), noDir.getMessage());
        IOException missing = assertThrows(IOException.class, () -> Cub200Layout.read(dir));
        assertTrue(missing.getMessage().contains("missing " + dir.resolve("images.txt")), missing.getMessage());
        assertTrue(missing.getMessage().contains("image_class_labels.txt (image_id class_id)"));
        Files.writeString(dir.resolve("images.txt"), images.toString());
        Files.writeString(dir.resolve("image_class_labels.txt"), labels.toString());
        ImageSplits splits = Cub200Layout.read(dir);
        assertEquals(List.of("1", "1", "2", "2"), splits.train().stream().map(LabeledImage::label).toList());
        assertEquals(List.of("3", "3", "4", "4"), splits.test().stream().map(LabeledImage::label).toList());
        assertTrue(Files.isRegularFile(splits.test().get(0).file()));
        Files.writeString(dir.resolve("classes.txt"), "1 a\n2 b\n3 c\n4 d\n");
        assertEquals(splits, Cub200Layout.read(dir));
        Path labelsFile = dir.resolve("image_class_labels.txt");
        assertCubError(labelsFile + " line 2: it has 1 fields ('2'), not 2; fix the line", "1 1\n2\n");
        assertCubError(labelsFile + " line 3: class_id 'x' is not a positive integer", "1 1\n2 1\n3 x\n");
        assertCubError(labelsFile + " line 8: class_id 5 is not listed in " + dir.resolve("classes.txt"),
                labels.toString().replace("8 4", "8 5"));
        assertCubError(dir.resolve("images.txt") + " line 8: image 8 has no class in " + labelsFile,
                labels.toString().replace("8 4\n", ""));
    }

    private void assertCubError(String message, String labels) throws IOException {
        Files.writeString(dir.resolve("image_class_labels.txt"), labels);
        IOException e = assertThrows(IOException.class, () -> Cub200Layout.read(dir));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
        assertTrue(e.getMessage().endsWith("or restore the dataset's original file, expected " + Cub200Layout.LAYOUT),
                e.getMessage());
    }

    @Test
    void carsPoolsItsTrainAndTestFoldersAndSplitsByClass() throws IOException {
        for (int cls = 1; cls <= 4; cls++) {
            png("train/" + cls + "/a.jpg.png", 20 * cls);
            png("test/" + cls + "/b.png", 20 * cls + 5);
        }
        ImageSplits splits = Cars196Layout.read(dir);
        assertEquals(List.of("1", "2", "1", "2"), splits.train().stream().map(LabeledImage::label).toList());
        assertEquals(4, splits.test().size());
        IOException absent = assertThrows(IOException.class, () -> Cars196Layout.read(dir.resolve("none")));
        assertTrue(absent.getMessage().contains(Cars196Layout.LAYOUT), absent.getMessage());
    }

    @Test
    void onlineProductsFollowsItsTrainAndTestFiles() throws IOException {
        png("bicycle_final/1_0.png", 10);
        png("bicycle_final/2_0.png", 20);
        png("chair_final/3_0.png", 30);
        Files.writeString(dir.resolve("Ebay_train.txt"), "image_id class_id super_class_id path\n"
                + "1 1 1 bicycle_final/1_0.png\n2 1 1 bicycle_final/2_0.png\n");
        IOException missing = assertThrows(IOException.class, () -> OnlineProductsLayout.read(dir));
        assertTrue(missing.getMessage().contains("Ebay_test.txt"), missing.getMessage());
        Files.writeString(dir.resolve("Ebay_test.txt"), "image_id class_id super_class_id path\n"
                + "3 2 2 chair_final/3_0.png\n");
        ImageSplits splits = OnlineProductsLayout.read(dir);
        assertEquals(2, splits.train().size());
        assertEquals(new LabeledImage(dir.resolve("chair_final/3_0.png"), "2"), splits.test().get(0));
        Path test = dir.resolve("Ebay_test.txt");
        Files.writeString(test, "3 2 2 chair_final/3_0.png\n");
        IOException header = assertThrows(IOException.class, () -> OnlineProductsLayout.read(dir));
        assertTrue(header.getMessage().startsWith(test + " line 1 ('3 2 2 chair_final/3_0.png') is a row, not the "
                + "header"), header.getMessage());
        Files.writeString(test, "image_id class_id super_class_id path\n3 2 2 chair_final/3_0.png\n"
                + "4 1 1 bicycle_final/4_0.png\n");
        IOException shared = assertThrows(IOException.class, () -> OnlineProductsLayout.read(dir));
        assertTrue(shared.getMessage().startsWith(test + " line 3: class_id 1 is also a training class ("
                + dir.resolve("Ebay_train.txt") + " line 2), but the protocol's training and test classes are "
                + "disjoint; fix the line"), shared.getMessage());
        Files.writeString(test, "image_id class_id super_class_id path\nthree 2 2 chair_final/3_0.png\n");
        IOException id = assertThrows(IOException.class, () -> OnlineProductsLayout.read(dir));
        assertTrue(id.getMessage().startsWith(test + " line 2: image_id 'three' is not a positive integer"),
                id.getMessage());
    }
}
