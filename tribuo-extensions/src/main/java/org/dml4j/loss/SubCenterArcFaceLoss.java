package org.dml4j.loss;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.distance.PairwiseMatrix;
import org.dml4j.nd.HostArrays;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Sub-center ArcFace (Deng et al. 2020, "Sub-center ArcFace: Boosting Face Recognition by Large-Scale Noisy Web
 * Faces"), PML's {@code SubCenterArcFaceLoss}: {@link ArcFaceLoss} with K weight vectors (sub-centers) per class, the
 * cosine of a class being the largest of its sub-centers' (the gradient goes to that sub-center only). The class
 * weights are (C·K) × d, class c owning rows {@code c·K .. c·K+K-1} (PML's columns of W). {@link #outliers} finds
 * the examples far from their class's dominant sub-center, as PML's {@code get_outliers}.
 */
public final class SubCenterArcFaceLoss extends ArcFaceLoss {

    /** PML's default number of sub-centers per class. */
    public static final int DEFAULT_SUB_CENTERS = 3;

    /** PML's default angle, in degrees, beyond which {@link #outliers} drops an example. */
    public static final double DEFAULT_OUTLIER_THRESHOLD_DEGREES = 75;

    @Config(description = "The number K of sub-centers per class (PML default " + DEFAULT_SUB_CENTERS + ").")
    private int subCenters = DEFAULT_SUB_CENTERS;

    private SubCenterArcFaceLoss() {
        super(DEFAULT_MARGIN_DEGREES, DEFAULT_SCALE);
    }

    /**
     * Creates the loss with PML's defaults (margin 28.6°, scale 64, 3 sub-centers).
     *
     * @param numClasses    the number of classes
     * @param embeddingSize the embedding dimension
     */
    public SubCenterArcFaceLoss(int numClasses, int embeddingSize) {
        this(numClasses, embeddingSize, DEFAULT_MARGIN_DEGREES, DEFAULT_SCALE, DEFAULT_SUB_CENTERS);
    }

    /**
     * Creates the loss.
     *
     * @param numClasses    the number of classes
     * @param embeddingSize the embedding dimension
     * @param marginDegrees the angular margin in degrees
     * @param scale         the logit scale
     * @param subCenters    the number of sub-centers per class
     */
    public SubCenterArcFaceLoss(int numClasses, int embeddingSize, double marginDegrees, double scale,
                                int subCenters) {
        super(marginDegrees, scale);
        this.numClasses = numClasses;
        this.embeddingSize = embeddingSize;
        this.subCenters = subCenters;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (subCenters < 1) {
            throw new PropertyException("", "subCenters", "SubCenterArcFaceLoss needs subCenters >= 1, found "
                    + subCenters);
        }
        super.postConfig();
    }

    @Override
    public int vectorsPerClass() {
        return subCenters;
    }

    /**
     * The examples of a batch that lie far from their class's dominant sub-center, as PML's {@code get_outliers}:
     * for each class in the batch, the dominant sub-center is the one closest (by cosine) to the most of the class's
     * examples (the lowest index on ties), and an example whose cosine to it is below
     * {@code cos(thresholdDegrees)} is an outlier.
     *
     * @param embeddings       the raw B × d embeddings
     * @param labels           their labels
     * @param thresholdDegrees the largest angle to the dominant sub-center that is kept (PML default 75)
     * @return the outliers (by class, then batch order) and each class's dominant sub-center
     */
    public Outliers outliers(INDArray embeddings, int[] labels, double thresholdDegrees) {
        checkBatch(embeddings, labels);
        INDArray vectors = classVectors();
        if (vectors == null || embeddings.columns() != embeddingSize) {
            throw new IllegalArgumentException("outliers need the loss's class weights and embeddings of size "
                    + embeddingSize + ", found " + embeddings.columns() + " columns");
        }
        PairwiseMatrix cosines = distance.pairwise(embeddings, vectors.castTo(embeddings.dataType()));
        double threshold = Math.cos(Math.toRadians(thresholdDegrees));
        int[] dominant = new int[numClasses];
        Arrays.fill(dominant, -1);
        List<Integer> outliers = new ArrayList<>();
        for (int c = 0; c < numClasses; c++) {
            int[] counts = new int[subCenters];
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] == c) {
                    counts[closestSubCenter(cosines, i, c) - c * subCenters]++;
                }
            }
            int best = 0;
            for (int k = 1; k < subCenters; k++) {
                best = counts[k] > counts[best] ? k : best;
            }
            if (counts[best] == 0) {
                continue;
            }
            dominant[c] = c * subCenters + best;
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] == c && cosines.get(i, dominant[c]) < threshold) {
                    outliers.add(i);
                }
            }
        }
        return new Outliers(outliers.stream().mapToInt(Integer::intValue).toArray(), dominant);
    }

    /**
     * The result of {@link #outliers}.
     *
     * @param indices           the batch rows that are outliers, class by class (ascending classes), each class's
     *                          in batch order
     * @param dominantSubCenter for each class, the row of its dominant sub-center in the class weights, or -1 when
     *                          the class is not in the batch (PML leaves that column of its result uninitialized)
     */
    public record Outliers(int[] indices, int[] dominantSubCenter) {

        /**
         * The dominant sub-centers as a C × d matrix, as the second result of PML's {@code get_outliers}
         * (transposed: one row per class); rows of classes not in the batch are 0.
         *
         * @param classWeights the loss's (C·K) × d class weights
         * @return the C × d matrix
         */
        public INDArray dominantCenters(INDArray classWeights) {
            double[] weights = HostArrays.doubles(classWeights);
            int dim = classWeights.columns();
            double[] out = new double[dominantSubCenter.length * dim];
            for (int c = 0; c < dominantSubCenter.length; c++) {
                if (dominantSubCenter[c] >= 0) {
                    System.arraycopy(weights, dominantSubCenter[c] * dim, out, c * dim, dim);
                }
            }
            return HostArrays.create(out, classWeights.dataType(), dominantSubCenter.length, dim);
        }
    }

    @Override
    public String toString() {
        return "SubCenterArcFaceLoss(numClasses=" + numClasses + ", embeddingSize=" + embeddingSize
                + ", marginDegrees=" + marginDegrees() + ", scale=" + scale + ", subCenters=" + subCenters + ")";
    }
}
