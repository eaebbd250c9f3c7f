package org.dml4j.loss;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.distance.CosineSimilarity;
import org.dml4j.distance.Distance;
import org.dml4j.distance.PairwiseMatrix;
import org.dml4j.reduce.LossTerms;
import org.dml4j.reduce.MeanReducer;
import org.dml4j.reduce.Reducer;

/**
 * SoftTriple (Qian et al., "SoftTriple Loss: Deep Metric Learning Without Triplet Sampling", ICCV 2019), PML's
 * {@code SoftTripleLoss}: k centers per class; the similarity of an embedding to class c is the softmax-weighted mean
 * of its similarities to the class's centers, {@code S_c = Σ_k softmax_k(γ⁻¹ S_ck) S_ck}, and the loss is the
 * cross-entropy of {@code λ (S_c - δ δ_{c,y})} at the label, each example weighted by its miner weight, mean over
 * the batch.
 * <p>
 * The centers are the class vectors, {@code numClasses · centersPerClass} rows (class c's are rows
 * {@code c·K .. c·K+K-1}, PML's column order of its {@code fc} matrix). As in PML, the paper's regularizer that
 * merges similar centers is not part of the loss (PML leaves it to a weight regularizer).
 */
public final class SoftTripleLoss extends ClassParameterLoss {

    /** PML's default number of centers per class. */
    public static final int DEFAULT_CENTERS_PER_CLASS = 10;

    @Config(description = "The number of centers k of each class (PML default " + DEFAULT_CENTERS_PER_CLASS + ").")
    private int centersPerClass = DEFAULT_CENTERS_PER_CLASS;

    /** PML's default logit scale λ ({@code la}). */
    public static final double DEFAULT_LA = 20.0;

    @Config(description = "The scale λ of the logits (PML's la, default " + DEFAULT_LA + ").")
    private double la = DEFAULT_LA;

    /** PML's default γ, the temperature of the softmax over a class's centers. */
    public static final double DEFAULT_GAMMA = 0.1;

    @Config(description = "The temperature γ of the softmax over a class's centers (PML default " + DEFAULT_GAMMA
            + ").")
    private double gamma = DEFAULT_GAMMA;

    /** PML's default margin δ. */
    public static final double DEFAULT_MARGIN = 0.01;

    @Config(description = "The margin δ subtracted from the target class's similarity (PML default "
            + DEFAULT_MARGIN + ").")
    private double margin = DEFAULT_MARGIN;

    private SoftTripleLoss() {
        super(new CosineSimilarity(), new MeanReducer());
    }

    /**
     * Creates the loss with PML's defaults (10 centers per class, λ = 20, γ = 0.1, δ = 0.01, cosine similarity).
     *
     * @param numClasses    the number of classes
     * @param embeddingSize the embedding dimension
     */
    public SoftTripleLoss(int numClasses, int embeddingSize) {
        this(numClasses, embeddingSize, DEFAULT_CENTERS_PER_CLASS, DEFAULT_LA, DEFAULT_GAMMA, DEFAULT_MARGIN,
                new CosineSimilarity(), new MeanReducer());
    }

    /**
     * Creates the loss.
     *
     * @param numClasses      the number of classes
     * @param embeddingSize   the embedding dimension
     * @param centersPerClass the number of centers of each class
     * @param la              the logit scale λ
     * @param gamma           the temperature γ of the softmax over centers
     * @param margin          the margin δ
     * @param distance        a similarity
     * @param reducer         the reducer over examples
     */
    public SoftTripleLoss(int numClasses, int embeddingSize, int centersPerClass, double la, double gamma,
                          double margin, Distance distance, Reducer reducer) {
        super(distance, reducer);
        this.numClasses = numClasses;
        this.embeddingSize = embeddingSize;
        this.centersPerClass = centersPerClass;
        this.la = la;
        this.gamma = gamma;
        this.margin = margin;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (centersPerClass < 1) {
            throw new PropertyException("", "centersPerClass", "centersPerClass must be >= 1, found "
                    + centersPerClass);
        }
        if (!(gamma > 0) || Double.isInfinite(gamma) || !Double.isFinite(la) || !Double.isFinite(margin)) {
            throw new PropertyException("", "gamma", "gamma must be > 0 and la, margin finite, found gamma=" + gamma
                    + ", la=" + la + ", margin=" + margin);
        }
        if (!distance.isInverted()) {
            throw new PropertyException("", "distance", "SoftTripleLoss needs a similarity (e.g. CosineSimilarity),"
                    + " found " + distance);
        }
        super.postConfig();
    }

    @Override
    public int vectorsPerClass() {
        return centersPerClass;
    }

    @Override
    public String parameterName() {
        return "centers";
    }

    @Override
    protected double compute(PairwiseMatrix m, int[] labels, double[] minerWeights, double[] gradient) {
        int size = labels.length;
        int k = centersPerClass;
        int cols = m.cols();
        double[][] centerWeights = new double[size * numClasses][k];
        double[][] softmax = new double[size][numClasses];
        double[][] classSimilarity = new double[size][numClasses];
        double[] terms = new double[size];
        double[] sims = new double[k];
        for (int i = 0; i < size; i++) {
            double[] logits = new double[numClasses];
            for (int c = 0; c < numClasses; c++) {
                for (int j = 0; j < k; j++) {
                    sims[j] = m.get(i, c * k + j) / gamma;
                }
                double[] p = centerWeights[i * numClasses + c];
                LossMath.logSumExp(sims, k, false, p);
                double s = 0;
                for (int j = 0; j < k; j++) {
                    s += p[j] * m.get(i, c * k + j);
                }
                classSimilarity[i][c] = s;
                logits[c] = la * (s - (c == labels[i] ? margin : 0));
            }
            terms[i] = (LossMath.logSumExp(logits, numClasses, false, softmax[i]) - logits[labels[i]])
                    * minerWeights[i];
        }
        double[] weights = new double[size];
        double value = reduce(LossTerms.perElement(terms).withLabels(labels), weights);
        for (int i = 0; i < size; i++) {
            double w = weights[i] * minerWeights[i] * la;
            for (int c = 0; c < numClasses; c++) {
                double dSimilarity = w * (softmax[i][c] - (c == labels[i] ? 1 : 0));
                double[] p = centerWeights[i * numClasses + c];
                for (int j = 0; j < k; j++) {
                    // d(Σ p_l s_l)/ds_j = p_j (1 + (s_j - Σ p_l s_l) / γ)
                    double local = p[j] * (1 + (m.get(i, c * k + j) - classSimilarity[i][c]) / gamma);
                    gradient[i * cols + c * k + j] += dSimilarity * local;
                }
            }
        }
        return value;
    }

    @Override
    public String toString() {
        return "SoftTripleLoss(numClasses=" + numClasses + ", embeddingSize=" + embeddingSize + ", centersPerClass="
                + centersPerClass + ", la=" + la + ", gamma=" + gamma + ", margin=" + margin + ", distance="
                + distance + ", reducer=" + reducer + ")";
    }
}
