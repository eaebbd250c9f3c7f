package org.dml4j.data;

import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.classification.Label;
import org.tribuo.dataset.DatasetView;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A seeded split into training and validation examples that keeps each class's proportion: from each class,
 * {@code round(fraction × size)} random examples go to validation, but at least one always stays in training. Both
 * parts keep the dataset's order and are Tribuo {@link DatasetView}s (tags {@code "train"} and {@code
 * "validation"}).
 *
 * @param train      the training part
 * @param validation the validation part (possibly empty for tiny classes)
 */
public record StratifiedSplit(DatasetView<Label> train, DatasetView<Label> validation) {

    /**
     * Splits a dataset with its own feature map.
     *
     * @param dataset  the examples
     * @param fraction the share of each class held out, in (0, 1)
     * @param seed     the seed of the random choice
     * @return the split
     */
    public static StratifiedSplit of(Dataset<Label> dataset, double fraction, long seed) {
        return of(dataset, fraction, seed, dataset.getFeatureIDMap());
    }

    /**
     * Splits a dataset.
     *
     * @param dataset    the examples
     * @param fraction   the share of each class held out, in (0, 1)
     * @param seed       the seed of the random choice
     * @param featureMap the feature map of both parts
     * @return the split
     * @throws IllegalArgumentException if the fraction is not in (0, 1)
     */
    public static StratifiedSplit of(Dataset<Label> dataset, double fraction, long seed,
                                     ImmutableFeatureMap featureMap) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be in (0, 1), found " + fraction);
        }
        Map<String, List<Integer>> byClass = new LinkedHashMap<>();
        int row = 0;
        for (Example<Label> e : dataset) {
            byClass.computeIfAbsent(e.getOutput().getLabel(), k -> new ArrayList<>()).add(row++);
        }
        boolean[] held = new boolean[row];
        SplittableRandom rng = new SplittableRandom(seed);
        for (String name : LabelIndex.of(byClass.keySet()).names()) {
            List<Integer> members = byClass.get(name);
            int take = (int) Math.min(Math.round(fraction * members.size()), members.size() - 1);
            // Partial Fisher-Yates: the first `take` positions become a uniform random subset.
            for (int i = 0; i < take; i++) {
                int j = i + rng.nextInt(members.size() - i);
                members.set(i, members.set(j, members.get(i)));
                held[members.get(i)] = true;
            }
        }
        int[] train = new int[row];
        int[] validation = new int[row];
        int nt = 0;
        int nv = 0;
        for (int i = 0; i < row; i++) {
            if (held[i]) {
                validation[nv++] = i;
            } else {
                train[nt++] = i;
            }
        }
        return new StratifiedSplit(ClassFilter.view(dataset, Arrays.copyOf(train, nt), featureMap, "train"),
                ClassFilter.view(dataset, Arrays.copyOf(validation, nv), featureMap, "validation"));
    }
}
