package org.dml4j.data;

import us.hebi.matlab.mat.format.Mat5;
import us.hebi.matlab.mat.types.Array;
import us.hebi.matlab.mat.types.Cell;
import us.hebi.matlab.mat.types.Char;
import us.hebi.matlab.mat.types.MatFile;
import us.hebi.matlab.mat.types.Matrix;
import us.hebi.matlab.mat.types.Struct;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the official Stanford Cars annotations, {@code cars_annos.mat} (a MATLAB v5 file, read with the MAT File
 * Library): the struct array {@code annotations}, of which each element's {@code relative_im_path} (e.g. {@code
 * car_ims/000001.jpg}) and {@code class} (1-based, an index into the cell array {@code class_names}) are used. Like
 * the metric-learning protocol (PML), it ignores the bounding boxes ({@code bbox_*}) and the release's own split
 * by image ({@code test}).
 */
final class CarsAnnotations {

    /** The annotation file's name. */
    static final String FILE = "cars_annos.mat";

    private static final String ANNOTATIONS = "annotations";
    private static final String CLASS_NAMES = "class_names";
    private static final String PATH = "relative_im_path";
    private static final String CLASS = "class";

    private CarsAnnotations() {
    }

    /**
     * Lists the annotated images.
     *
     * @param file   the {@code cars_annos.mat} file; image paths are relative to its folder
     * @param layout the description of the expected layout, for errors
     * @return every image with its class id as label, in the file's order
     * @throws IOException if the file is not a MATLAB v5 file, lacks a variable or field, or an annotation has a
     *                     class outside {@code class_names}
     */
    static List<LabeledImage> read(Path file, String layout) throws IOException {
        try (MatFile mat = open(file, layout)) {
            Struct annotations = variable(mat, ANNOTATIONS, Struct.class, file, layout);
            int classCount = variable(mat, CLASS_NAMES, Cell.class, file, layout).getNumElements();
            for (String field : List.of(PATH, CLASS)) {
                if (!annotations.getFieldNames().contains(field)) {
                    throw new IOException(file + ": the annotations struct has no field '" + field + "' (it has "
                            + annotations.getFieldNames() + "); restore the official " + FILE + ", expected "
                            + layout);
                }
            }
            Path dir = file.getParent();
            List<LabeledImage> images = new ArrayList<>(annotations.getNumElements());
            for (int i = 0; i < annotations.getNumElements(); i++) {
                Array path = annotations.get(PATH, i);
                Array label = annotations.get(CLASS, i);
                long id = classId(label);
                if (!(path instanceof Char name) || id < 1 || id > classCount) {
                    throw new IOException(file + ": annotation " + (i + 1) + " has " + PATH + " " + describe(path)
                            + " and " + CLASS + " " + describe(label) + ", not a path and a class id from 1 to "
                            + classCount + " (the size of " + CLASS_NAMES + "); fix it or restore the official "
                            + FILE + ", expected " + layout);
                }
                images.add(new LabeledImage(dir.resolve(name.getString().trim()), Long.toString(id)));
            }
            return images;
        }
    }

    /** A scalar's integer value, or 0 if it is not an integral scalar. */
    private static long classId(Array value) {
        if (value instanceof Matrix m && m.getNumElements() == 1) {
            double v = m.getDouble(0);
            return v == Math.rint(v) ? (long) v : 0;
        }
        return 0;
    }

    /** A short description of a value for an error message. */
    private static String describe(Array value) {
        if (value instanceof Char text) {
            return "'" + text.getString() + "'";
        }
        if (value instanceof Matrix m && m.getNumElements() == 1) {
            return String.valueOf(m.getDouble(0));
        }
        return "a " + value.getType() + " of " + value.getNumRows() + "x" + value.getNumCols();
    }

    private static MatFile open(Path file, String layout) throws IOException {
        try {
            return Mat5.readFromFile(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + " is not a readable MATLAB v5 file (" + e.getMessage() + "); download "
                    + "the official " + FILE + " again, expected " + layout, e);
        }
    }

    private static <T extends Array> T variable(MatFile mat, String name, Class<T> type, Path file, String layout)
            throws IOException {
        for (MatFile.Entry entry : mat.getEntries()) {
            if (entry.getName().equals(name) && type.isInstance(entry.getValue())) {
                return type.cast(entry.getValue());
            }
        }
        throw new IOException(file + " has no " + type.getSimpleName().toLowerCase(Locale.ROOT)
                + " variable '" + name + "'; restore the official " + FILE + ", expected " + layout);
    }
}
