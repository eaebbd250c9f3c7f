package org.dml4j.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Example;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MnistDataSourceTest {

    /** Three 2×2 images; pixel 2 is zero in all of them. */
    private static final int[] PIXELS = {0, 255, 0, 51, 128, 0, 0, 1, 7, 7, 0, 7};
    private static final int[] LABELS = {9, 0, 9};

    /** Writes an unsigned-byte IDX file, gzipped or not. */
    static Path writeIdx(Path file, int[] shape, int[] values, boolean gzip) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeShort(0);
            out.writeByte(0x08);
            out.writeByte(shape.length);
            for (int d : shape) {
                out.writeInt(d);
            }
            for (int v : values) {
                out.writeByte(v);
            }
        }
        try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(file))
                : Files.newOutputStream(file)) {
            out.write(bytes.toByteArray());
        }
        return file;
    }

    private static void writeSplit(Path dir, String prefix, boolean gzip) throws IOException {
        String ext = gzip ? ".gz" : "";
        writeIdx(dir.resolve(prefix + "-images-idx3-ubyte" + ext), new int[]{3, 2, 2}, PIXELS, gzip);
        writeIdx(dir.resolve(prefix + "-labels-idx1-ubyte" + ext), new int[]{3}, LABELS, gzip);
    }

    @Test
    void readsGzippedAndPlainFilesWithReferenceScaling(@TempDir Path dir) throws IOException {
        writeSplit(dir, "train", true);
        writeSplit(dir, "t10k", false);
        MnistFiles files = MnistFiles.locate(dir);
        for (MnistFiles.Split split : MnistFiles.Split.values()) {
            MnistDataSource source = MnistDataSource.of(files, split);
            assertEquals(3, source.size());
            assertEquals(2, source.height());
            assertEquals(2, source.width());
            ImmutableFeatureMap map = source.featureMap();
            assertEquals(4, map.size());
            for (int p = 0; p < 4; p++) {
                assertEquals(p, map.getID(Integer.toString(p)));
            }
            DenseData data = DenseData.of(new MutableDataset<>(source), map);
            for (int i = 0; i < 12; i++) {
                assertEquals(PIXELS[i] / 255f, data.features().getFloat(i / 4, i % 4), 0f, "value " + i);
            }
            assertEquals(List.of("0", "9"), data.labelIndex().names());
            assertArrayEquals(new int[]{1, 0, 1}, data.labels());
            assertTrue(source.getProvenance().toString().contains("sha256"));
        }
    }

    @Test
    void examplesKeepOnlyNonZeroPixelsWithTribuoNames(@TempDir Path dir) throws IOException {
        writeSplit(dir, "train", true);
        writeSplit(dir, "t10k", true);
        Example<Label> first = MnistDataSource.of(MnistFiles.locate(dir), MnistFiles.Split.TRAIN).iterator().next();
        assertEquals(2, first.size());
        assertEquals("9", first.getOutput().getLabel());
        assertEquals(List.of("000", "001", "783"), List.of(PixelDataSource.featureNames(784)[0],
                PixelDataSource.featureNames(784)[1], PixelDataSource.featureNames(784)[783]));
    }

    @Test
    void missingFilesNameBothPlacesAndTheFix(@TempDir Path dir) throws IOException {
        writeSplit(dir, "train", true);
        IOException explicit = assertThrows(IOException.class, () -> MnistFiles.locate(dir));
        assertTrue(explicit.getMessage().startsWith("Fashion-MNIST not found: the data directory " + dir
                + " has no t10k-images-idx3-ubyte[.gz]."), explicit.getMessage());
        assertTrue(explicit.getMessage().contains("apt-get install dataset-fashion-mnist"));
        assertTrue(explicit.getMessage().contains("--data-dir"));
        Path empty = Files.createDirectory(dir.resolve("empty"));
        IOException fallback = assertThrows(IOException.class, () -> MnistFiles.locate(null, empty));
        assertTrue(fallback.getMessage().contains("no data directory was given and the default " + empty),
                fallback.getMessage());
        writeSplit(empty, "train", false);
        writeSplit(empty, "t10k", false);
        assertEquals(empty, MnistFiles.locate(null, empty).directory());
        assertEquals(MnistFiles.DEBIAN_FASHION_MNIST, "/usr/share/datasets/fashion-mnist");
    }

    @Test
    void invalidFilesAreReportedWithTheirPath(@TempDir Path dir) throws IOException {
        Path images = writeIdx(dir.resolve("images"), new int[]{3, 2, 2}, PIXELS, true);
        Path twoLabels = writeIdx(dir.resolve("labels"), new int[]{2}, new int[]{1, 2}, false);
        IOException count = assertThrows(IOException.class, () -> new MnistDataSource(images, twoLabels));
        assertEquals("labels file " + twoLabels + " has shape [2] but the images file " + images + " holds 3 images",
                count.getMessage());
        Path truncated = writeIdx(dir.resolve("short"), new int[]{3, 2, 2}, new int[]{1, 2}, true);
        assertTrue(assertThrows(IOException.class, () -> IdxFile.read(truncated)).getMessage()
                .contains(truncated + " is truncated"));
        Path floats = dir.resolve("floats");
        Files.write(floats, new byte[]{0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0});
        assertTrue(assertThrows(IOException.class, () -> IdxFile.read(floats)).getMessage()
                .contains("holds type 0xd; only unsigned bytes"));
        assertTrue(assertThrows(IOException.class, () -> IdxFile.read(dir.resolve("nope"))).getMessage()
                .contains("does not exist"));
        Path text = Files.writeString(dir.resolve("text"), "hello world");
        assertTrue(assertThrows(IOException.class, () -> IdxFile.read(text)).getMessage()
                .contains("invalid header"));
    }
}
