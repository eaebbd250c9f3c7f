package org.dml4j.crossmodal;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.Output;

import java.util.List;
import java.util.TreeSet;

/**
 * One modality's features: those named {@code prefix + i} for {@code i = 0 .. width-1}, in the order of {@code i}
 * (not Tribuo's alphabetical feature-id order, which would put {@code b_10} before {@code b_2} and scramble an
 * image's pixels). A missing feature of an example is 0, as Tribuo's sparse examples mean.
 *
 * @param prefix the feature-name prefix, e.g. {@code a_}
 * @param width  the number of features
 */
public record FeatureGroup(String prefix, int width) {

    /**
     * Checks the group.
     *
     * @param prefix the prefix
     * @param width  the width
     * @throws IllegalArgumentException if the prefix is empty or the width below 1
     */
    public FeatureGroup {
        if (prefix == null || prefix.isEmpty()) {
            throw new IllegalArgumentException("a feature group needs a non-empty name prefix, e.g. a_");
        }
        if (width < 1) {
            throw new IllegalArgumentException("feature group " + prefix + " needs at least one feature, found "
                    + width);
        }
    }

    /**
     * The group of the features with a prefix among some feature names.
     *
     * @param prefix   the prefix
     * @param names    every feature name of the data
     * @param modality which modality the group is, for messages
     * @param source   where the names come from, for messages (e.g. the file)
     * @return the group, as wide as its largest index + 1
     * @throws IllegalArgumentException naming the source when no feature has the prefix, a name with the prefix does
     *                                  not end in an index, or an index between 0 and the largest is missing
     */
    public static FeatureGroup of(String prefix, Iterable<String> names, Modality modality, String source) {
        TreeSet<Integer> indices = new TreeSet<>();
        for (String name : names) {
            if (name.startsWith(prefix)) {
                indices.add(parseIndex(prefix, name, source));
            }
        }
        if (indices.isEmpty()) {
            throw new IllegalArgumentException(source + " has no feature of modality " + modality + " (no name "
                    + "starts with '" + prefix + "'): each example needs both groups, " + prefix + "0, " + prefix
                    + "1, ... for modality " + modality + "; fix the data or the modality's prefix");
        }
        int width = indices.last() + 1;
        if (indices.size() != width) {
            int missing = 0;
            while (indices.contains(missing)) {
                missing++;
            }
            throw new IllegalArgumentException(source + " has features up to " + prefix + indices.last()
                    + " but no feature " + prefix + missing + ": modality " + modality + " needs every index from "
                    + prefix + "0 to " + prefix + indices.last());
        }
        return new FeatureGroup(prefix, width);
    }

    private static int parseIndex(String prefix, String name, String source) {
        String suffix = name.substring(prefix.length());
        try {
            int index = Integer.parseInt(suffix);
            if (index >= 0 && suffix.equals(Integer.toString(index))) {
                return index;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(source + ": feature '" + name + "' starts with the modality prefix '"
                + prefix + "' but does not end in an index (" + prefix + "0, " + prefix + "1, ...); rename it");
    }

    /**
     * The column of a feature name in this group.
     *
     * @param name a feature name
     * @return its column, or -1 if the name is not this group's
     * @throws IllegalArgumentException if the name has the prefix and an index beyond the width
     */
    public int column(String name) {
        if (!name.startsWith(prefix)) {
            return -1;
        }
        String suffix = name.substring(prefix.length());
        int index;
        try {
            index = Integer.parseInt(suffix);
        } catch (NumberFormatException e) {
            return -1;
        }
        if (index < 0 || !suffix.equals(Integer.toString(index))) {
            return -1;
        }
        if (index >= width) {
            throw new IllegalArgumentException("feature '" + name + "' is beyond the " + width + " features "
                    + prefix + "0.." + prefix + (width - 1) + " of this modality: the data's width does not match the"
                    + " tower's input width " + width);
        }
        return index;
    }

    /**
     * Whether an example has a feature of this group.
     *
     * @param example the example
     * @return true if one of its feature names is this group's
     */
    public boolean presentIn(Example<?> example) {
        for (Feature f : example) {
            if (column(f.getName()) >= 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * The group's dense float32 rows of examples.
     *
     * @param examples the examples
     * @param <T>      the output type
     * @return N × width, in index order
     * @throws IllegalArgumentException naming the example without any feature of the group, or a feature beyond it
     */
    public <T extends Output<T>> INDArray rows(List<? extends Example<T>> examples) {
        float[] values = new float[examples.size() * width];
        for (int i = 0; i < examples.size(); i++) {
            boolean any = false;
            for (Feature f : examples.get(i)) {
                int column = column(f.getName());
                if (column >= 0) {
                    values[i * width + column] = (float) f.getValue();
                    any = true;
                }
            }
            if (!any) {
                throw new IllegalArgumentException("example " + i + " has no feature " + prefix + "0.." + prefix
                        + (width - 1) + ": each example needs this modality's features");
            }
        }
        return Nd4j.create(values, new long[]{examples.size(), width}, 'c');
    }
}
