package org.dml4j.data;

import org.tribuo.DataSource;
import org.tribuo.Example;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.MutableFeatureMap;
import org.tribuo.OutputFactory;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.DataSourceProvenance;

import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * What the image sources share: labelled examples whose features are pixel values named as Tribuo's
 * {@code IDXDataSource} names them (zero-padded indices), stored sparsely (non-zero values only, as Tribuo does), so a
 * dataset's own feature map may miss a pixel that is zero everywhere; {@link #featureMap()} holds every pixel.
 */
abstract class PixelDataSource implements DataSource<Label> {

    /** The output factory of every image source. */
    static final LabelFactory LABEL_FACTORY = new LabelFactory();

    private final List<Example<Label>> examples;
    private final int pixelCount;
    private final DataSourceProvenance provenance;

    /**
     * @param examples   the examples, kept as an unmodifiable view
     * @param pixelCount the number of values of an image
     * @param provenance what the examples were read from
     */
    PixelDataSource(List<Example<Label>> examples, int pixelCount, DataSourceProvenance provenance) {
        this.examples = Collections.unmodifiableList(examples);
        this.pixelCount = pixelCount;
        this.provenance = provenance;
    }

    /**
     * Tribuo's IDX feature names: indices zero-padded to the width of {@code count}.
     *
     * @param count the number of pixels
     * @return the names, in pixel order (which is also their string order)
     */
    static String[] featureNames(int count) {
        String format = "%0" + Integer.toString(count).length() + "d";
        String[] names = new String[count];
        for (int i = 0; i < count; i++) {
            names[i] = String.format(format, i);
        }
        return names;
    }

    /**
     * An example holding the non-zero values of an image.
     *
     * @param label  its class
     * @param names  the feature names of {@link #featureNames(int)}
     * @param values the pixel values, in feature order
     * @return the example
     */
    static Example<Label> sparseExample(Label label, String[] names, float[] values) {
        String[] rowNames = new String[values.length];
        double[] rowValues = new double[values.length];
        int count = 0;
        for (int p = 0; p < values.length; p++) {
            if (values[p] != 0) {
                rowNames[count] = names[p];
                rowValues[count++] = values[p];
            }
        }
        return new ArrayExample<>(label, Arrays.copyOf(rowNames, count), Arrays.copyOf(rowValues, count));
    }

    /** @return a feature map holding every pixel, feature id = pixel index */
    public ImmutableFeatureMap featureMap() {
        MutableFeatureMap map = new MutableFeatureMap();
        for (String name : featureNames(pixelCount)) {
            map.add(name, 0);
        }
        return new ImmutableFeatureMap(map);
    }

    /** @return the number of images */
    public int size() {
        return examples.size();
    }

    @Override
    public OutputFactory<Label> getOutputFactory() {
        return LABEL_FACTORY;
    }

    @Override
    public DataSourceProvenance getProvenance() {
        return provenance;
    }

    @Override
    public Iterator<Example<Label>> iterator() {
        return examples.iterator();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + provenance + ")";
    }
}
