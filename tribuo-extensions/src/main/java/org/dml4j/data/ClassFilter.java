package org.dml4j.data;

import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.MutableOutputInfo;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.dataset.DatasetView;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Keeps the examples of some classes, for open-set protocols (train on classes 0-4, evaluate on 5-9). The result is
 * a Tribuo {@link DatasetView}, so the original dataset's provenance is kept and no example is copied; its output
 * info holds only the kept classes.
 */
public final class ClassFilter {

    private ClassFilter() {
    }

    /**
     * Parses a class list such as {@code "0-4"}, {@code "0,2,7-9"} or {@code "cat,dog"}: comma-separated names, where
     * {@code a-b} with integers {@code a <= b} stands for every integer from a to b.
     *
     * @param spec the list
     * @return the label names, in the order given
     * @throws IllegalArgumentException if the list is empty or a range is reversed
     */
    public static Set<String> parse(String spec) {
        Set<String> names = new LinkedHashSet<>();
        for (String part : spec.split(",")) {
            String item = part.trim();
            int dash = item.indexOf('-', 1);
            if (dash > 0 && isInteger(item.substring(0, dash)) && isInteger(item.substring(dash + 1))) {
                long from = Long.parseLong(item.substring(0, dash).trim());
                long to = Long.parseLong(item.substring(dash + 1).trim());
                if (from > to) {
                    throw new IllegalArgumentException("class range '" + item + "' in '" + spec
                            + "' is reversed; write it as " + to + "-" + from);
                }
                for (long c = from; c <= to; c++) {
                    names.add(Long.toString(c));
                }
            } else if (!item.isEmpty()) {
                names.add(item);
            }
        }
        if (names.isEmpty()) {
            throw new IllegalArgumentException("class list '" + spec + "' names no class; use e.g. '0-4' or 'a,b'");
        }
        return names;
    }

    private static boolean isInteger(String s) {
        return s.trim().matches("-?\\d+");
    }

    /**
     * The examples whose label is one of {@code classes}, with the dataset's feature map.
     *
     * @param dataset the examples
     * @param classes the label names to keep
     * @return the view
     * @throws IllegalArgumentException if a requested class has no example
     */
    public static DatasetView<Label> keep(Dataset<Label> dataset, Set<String> classes) {
        return keep(dataset, classes, dataset.getFeatureIDMap());
    }

    /**
     * The examples whose label is one of {@code classes}, with a given feature map (e.g. {@link
     * MnistDataSource#featureMap()}).
     *
     * @param dataset    the examples
     * @param classes    the label names to keep
     * @param featureMap the view's feature map
     * @return the view
     * @throws IllegalArgumentException if a requested class has no example
     */
    public static DatasetView<Label> keep(Dataset<Label> dataset, Set<String> classes,
                                          ImmutableFeatureMap featureMap) {
        List<Integer> kept = new ArrayList<>();
        Set<String> found = new TreeSet<>();
        Set<String> present = new TreeSet<>();
        int i = 0;
        for (Example<Label> e : dataset) {
            String name = e.getOutput().getLabel();
            present.add(name);
            if (classes.contains(name)) {
                kept.add(i);
                found.add(name);
            }
            i++;
        }
        if (found.size() != classes.size()) {
            Set<String> missing = new TreeSet<>(classes);
            missing.removeAll(found);
            throw new IllegalArgumentException("classes " + missing + " have no example in the dataset; its classes "
                    + "are " + present);
        }
        return view(dataset, kept.stream().mapToInt(Integer::intValue).toArray(), featureMap,
                "classes=" + String.join(",", classes));
    }

    /**
     * A view of some rows whose output info holds only the labels of those rows.
     *
     * @param dataset    the examples
     * @param rows       the rows, in the view's order
     * @param featureMap the view's feature map
     * @param tag        the view's tag (recorded in its provenance)
     * @return the view
     */
    static DatasetView<Label> view(Dataset<Label> dataset, int[] rows, ImmutableFeatureMap featureMap, String tag) {
        MutableOutputInfo<Label> info = new LabelFactory().generateInfo();
        for (int row : rows) {
            info.observe(dataset.getExample(row).getOutput());
        }
        ImmutableOutputInfo<Label> outputs = info.generateImmutableOutputInfo();
        return new DatasetView<>(dataset, rows, featureMap, outputs, tag);
    }
}
