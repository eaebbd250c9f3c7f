package org.dml4j.data;

import java.util.ArrayList;
import java.util.List;

/**
 * The training and test images of a dataset layout.
 *
 * @param train the training images
 * @param test  the test images
 */
public record ImageSplits(List<LabeledImage> train, List<LabeledImage> test) {

    /**
     * The open-set split of CUB-200-2011 and Cars196: the first half of the classes, in {@link LabelIndex} order
     * (numeric ids ascending: 1-100 of CUB's 200, 1-98 of Cars196's 196), trains, the other half is for testing.
     *
     * @param images every image of the dataset
     * @return the split by class
     * @throws IllegalArgumentException if there are fewer than two classes
     */
    public static ImageSplits byClassHalves(List<LabeledImage> images) {
        LabelIndex classes = LabelIndex.of(images.stream().map(LabeledImage::label).toList());
        if (classes.size() < 2) {
            throw new IllegalArgumentException("an open-set split needs at least two classes, found "
                    + classes.names());
        }
        int trainClasses = classes.size() / 2;
        List<LabeledImage> train = new ArrayList<>();
        List<LabeledImage> test = new ArrayList<>();
        for (LabeledImage image : images) {
            (classes.id(image.label()) < trainClasses ? train : test).add(image);
        }
        return new ImageSplits(List.copyOf(train), List.copyOf(test));
    }
}
