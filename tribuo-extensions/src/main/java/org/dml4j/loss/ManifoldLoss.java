package org.dml4j.loss;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.distance.CosineSimilarity;
import org.dml4j.distance.Distance;
import org.dml4j.distance.PairwiseMatrix;
import org.dml4j.mining.IndexTuples;
import org.dml4j.nd.HostArrays;
import org.dml4j.reduce.MeanReducer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * The manifold similarity loss with hard proxies (Aziere and Todorovic, "Ensemble Deep Manifold Similarity Learning
 * using Hard Proxies", CVPR 2019), PML's {@code ManifoldLoss}. The N embeddings and the K trainable proxies form one
 * graph: with {@code S} the similarity matrix of all N + K rows ({@code S_ab = exp(max(s_ab, 0) / 0.5)}, zero
 * diagonal, {@code s} the distance's matrix, cosine by default), {@code S̄ = D^{-1/2} S D^{-1/2}} ({@code D} its row
 * sums) and the random walk's similarities {@code F = (1 - α)(I - α S̄)^{-1}} (an (N+K) × (N+K) inverse). Each
 * embedding {@code i} belongs to the meta-class (proxy) {@code m_i}, which is its <em>label</em>; with a soft hinge
 * {@code h(v) = mean_i log(1 + Σ_{k ≠ m_i, v_ik - v_{i m_i} + margin ≥ 0} e^{v_ik - v_{i m_i} + margin})}:
 * <ul>
 *     <li>intrinsic loss {@code h(F[i, N+k])}, the walk's similarity of embedding i to proxy k;</li>
 *     <li>context loss {@code h(cos(F_i, F_{N+k}))}, between the walk's rows of embedding i and of proxy k;</li>
 *     <li>loss = intrinsic + λ_C · context.</li>
 * </ul>
 * PML takes no labels: it receives the meta-classes as its {@code indices_tuple}, or draws random ones. DML4J reads
 * them from the labels (in {@code [0, K)}), so that a trainer's batch supplies them; the number of proxies K is the
 * class-vector count ({@code numClasses}; PML's {@code K}, whose PML default 50 DML4J replaces by the number of
 * classes of the training data when left at 0). {@code λ_C = ∞} gives the context loss alone, as PML documents (PML
 * 2.8.1 itself returns {@code 0 + ∞ · context}, infinite or NaN). PML inverts in float32 even for float64 input;
 * DML4J computes in float64 (golden cases {@code manifold*}, made with PML's code in float64: its float32 inverse
 * differs from them by about 1e-8 relative). The loss takes neither mined tuples nor a reference set and reduces
 * itself, as in PML.
 */
public final class ManifoldLoss extends ClassParameterLoss {

    /** PML's default number of proxies K (DML4J's own default, 0, takes the number of classes of the data). */
    public static final int PML_DEFAULT_K = 50;
    /** PML's default weight of the context loss. */
    public static final double DEFAULT_LAMBDA_C = 1.0;
    /** PML's default share of similarity a node passes on in the random walk. */
    public static final double DEFAULT_ALPHA = 0.8;
    /** PML's default margin. */
    public static final double DEFAULT_MARGIN = 5e-4;
    /** PML's temperature of the similarity kernel {@code exp(s / 0.5)} (fixed in PML). */
    private static final double KERNEL_TEMPERATURE = 0.5;

    @Config(description = "The weight lambdaC of the context loss, >= 0 (Infinity: the context loss alone; PML "
            + "default " + DEFAULT_LAMBDA_C + ").")
    private double lambdaC = DEFAULT_LAMBDA_C;

    @Config(description = "The random walk's alpha in (0, 1) (PML default " + DEFAULT_ALPHA + ").")
    private double alpha = DEFAULT_ALPHA;

    @Config(description = "The margin (PML default " + DEFAULT_MARGIN + ").")
    private double margin = DEFAULT_MARGIN;

    private ManifoldLoss() {
        super(new CosineSimilarity(), new MeanReducer());
    }

    /**
     * Creates the loss with PML's defaults.
     *
     * @param numProxies    the number of proxies K (the meta-classes; labels must be in {@code [0, K)})
     * @param embeddingSize the embedding dimension (PML's {@code l})
     */
    public ManifoldLoss(int numProxies, int embeddingSize) {
        this(numProxies, embeddingSize, DEFAULT_LAMBDA_C, DEFAULT_ALPHA, DEFAULT_MARGIN, new CosineSimilarity());
    }

    /**
     * Creates the loss.
     *
     * @param numProxies    the number of proxies K
     * @param embeddingSize the embedding dimension
     * @param lambdaC       the weight of the context loss, {@code >= 0} or infinite
     * @param alpha         the random walk's alpha, in (0, 1)
     * @param margin        the margin
     * @param distance      the similarity of the graph (PML default cosine)
     */
    public ManifoldLoss(int numProxies, int embeddingSize, double lambdaC, double alpha, double margin,
                        Distance distance) {
        this();
        this.numClasses = numProxies;
        this.embeddingSize = embeddingSize;
        this.lambdaC = lambdaC;
        this.alpha = alpha;
        this.margin = margin;
        this.distance = distance;
        postConfig();
    }

    @Override
    public void postConfig() {
        if (!(lambdaC >= 0)) {
            throw new PropertyException("", "lambdaC", "lambdaC must be >= 0 (or Infinity), found " + lambdaC);
        }
        if (!(alpha > 0 && alpha < 1)) {
            throw new PropertyException("", "alpha", "alpha must be in (0, 1), found " + alpha);
        }
        if (!Double.isFinite(margin)) {
            throw new PropertyException("", "margin", "margin must be finite, found " + margin);
        }
        requireMeanReducer();
        super.postConfig();
    }

    @Override
    public String parameterName() {
        return "proxies";
    }

    /** @return false: the meta-classes come from the labels, not from mined tuples */
    @Override
    public boolean acceptsTuples() {
        return false;
    }

    @Override
    public LossResult compute(INDArray embeddings, int[] labels, IndexTuples tuples) {
        if (tuples != null) {
            throw new IllegalArgumentException("ManifoldLoss takes its meta-classes from the labels, not from mined"
                    + " tuples: train it without a miner");
        }
        checkClassBatch(embeddings, labels);
        int n = labels.length;
        int k = numClasses;
        int d = embeddingSize;
        double[] rows = new double[(n + k) * d];
        System.arraycopy(HostArrays.doubles(embeddings), 0, rows, 0, n * d);
        System.arraycopy(HostArrays.doubles(classVectors()), 0, rows, n * d, k * d);
        PairwiseMatrix matrix = distance.pairwise(HostArrays.float64(rows, n + k, d));
        RandomWalk walk = new RandomWalk(matrix, alpha);
        double[] dF = new double[(n + k) * (n + k)];
        double value = 0;
        if (Double.isFinite(lambdaC)) {
            value += intrinsic(walk.f, n, k, labels, 1, dF);
        }
        double contextWeight = Double.isFinite(lambdaC) ? lambdaC : 1;
        if (contextWeight != 0) {
            value += contextWeight * context(walk.f, n, k, labels, contextWeight, dF);
        }
        double[] total = HostArrays.doubles(matrix.backward(walk.backward(dF)).queries());
        double[] dEmbeddings = new double[n * d];
        double[] dProxies = new double[k * d];
        System.arraycopy(total, 0, dEmbeddings, 0, n * d);
        System.arraycopy(total, n * d, dProxies, 0, k * d);
        return new LossResult(value, HostArrays.create(dEmbeddings, embeddings.dataType(), n, d),
                Map.of(parameterName(), HostArrays.create(dProxies, classVectors().dataType(), k, d)));
    }

    /** The intrinsic loss on {@code F[i, N+k]}, adding {@code weight ·} its gradient to {@code dF}. */
    private double intrinsic(double[] f, int n, int k, int[] labels, double weight, double[] dF) {
        int size = n + k;
        double[] v = new double[n * k];
        for (int i = 0; i < n; i++) {
            System.arraycopy(f, i * size + n, v, i * k, k);
        }
        double[] dv = new double[n * k];
        double value = softHinge(v, n, k, labels, weight, dv);
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < k; c++) {
                dF[i * size + n + c] += dv[i * k + c];
            }
        }
        return value;
    }

    /**
     * The context loss on the cosines between the walk's rows of the embeddings and of the proxies, adding
     * {@code weight ·} its gradient to {@code dF}.
     */
    private double context(double[] f, int n, int k, int[] labels, double weight, double[] dF) {
        int size = n + k;
        double[] norms = new double[size];
        for (int a = 0; a < size; a++) {
            norms[a] = Math.sqrt(dot(f, a, f, a, size));
        }
        double[] cosines = new double[n * k];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < k; c++) {
                cosines[i * k + c] = dot(f, i, f, n + c, size) / (norms[i] * norms[n + c]);
            }
        }
        double[] dCos = new double[n * k];
        double value = softHinge(cosines, n, k, labels, weight, dCos);
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < k; c++) {
                double g = dCos[i * k + c];
                if (g == 0) {
                    continue;
                }
                int p = n + c;
                double cos = cosines[i * k + c];
                double inv = 1 / (norms[i] * norms[p]);
                for (int b = 0; b < size; b++) {
                    dF[i * size + b] += g * (f[p * size + b] * inv - cos * f[i * size + b] / (norms[i] * norms[i]));
                    dF[p * size + b] += g * (f[i * size + b] * inv - cos * f[p * size + b] / (norms[p] * norms[p]));
                }
            }
        }
        return value;
    }

    private static double dot(double[] x, int row, double[] y, int other, int size) {
        double sum = 0;
        for (int b = 0; b < size; b++) {
            sum += x[row * size + b] * y[other * size + b];
        }
        return sum;
    }

    /**
     * PML's soft hinge of an N × K matrix {@code v}: {@code mean_i log(1 + Σ e^{z_ik})} over
     * {@code z_ik = v_ik - v_{i m_i} + margin ≥ 0}, {@code k ≠ m_i}; adds {@code weight ·} its gradient to
     * {@code dv}.
     */
    private double softHinge(double[] v, int n, int k, int[] labels, double weight, double[] dv) {
        double value = 0;
        double[] z = new double[k];
        for (int i = 0; i < n; i++) {
            int own = labels[i];
            double sum = 0;
            for (int c = 0; c < k; c++) {
                z[c] = v[i * k + c] - v[i * k + own] + margin;
                boolean kept = c != own && z[c] >= 0;
                z[c] = kept ? Math.exp(z[c]) : 0;
                sum += z[c];
            }
            value += Math.log1p(sum) / n;
            for (int c = 0; c < k; c++) {
                double g = weight * z[c] / ((1 + sum) * n);
                dv[i * k + c] += g;
                dv[i * k + own] -= g;
            }
        }
        return value;
    }

    /** The random walk's similarities {@code F = (1 - α)(I - α S̄)^{-1}} of a matrix and their backward pass. */
    private static final class RandomWalk {
        private final int size;
        private final double alpha;
        private final double[] raw;
        /** The kernel {@code exp(max(s, 0) / 0.5)} with a zero diagonal. */
        private final double[] kernel;
        /** {@code D^{-1/2}}, the inverse square roots of the kernel's row sums. */
        private final double[] scale;
        /** {@code (I - α S̄)^{-1}}. */
        private final double[] inverse;
        /** {@code F}, row-major. */
        final double[] f;

        RandomWalk(PairwiseMatrix matrix, double alpha) {
            this.size = matrix.rows();
            this.alpha = alpha;
            this.raw = matrix.toArray();
            this.kernel = new double[size * size];
            this.scale = new double[size];
            for (int a = 0; a < size; a++) {
                double sum = 0;
                for (int b = 0; b < size; b++) {
                    double s = a == b ? 0 : Math.exp(Math.max(raw[a * size + b], 0) / KERNEL_TEMPERATURE);
                    kernel[a * size + b] = s;
                    sum += s;
                }
                scale[a] = 1 / Math.sqrt(sum);
            }
            double[] system = new double[size * size];
            for (int a = 0; a < size; a++) {
                for (int b = 0; b < size; b++) {
                    system[a * size + b] = (a == b ? 1 : 0) - alpha * scale[a] * kernel[a * size + b] * scale[b];
                }
            }
            this.inverse = LinearAlgebra.inverse(system, size);
            this.f = new double[size * size];
            for (int i = 0; i < f.length; i++) {
                f[i] = (1 - alpha) * inverse[i];
            }
        }

        /** dL/ds of the raw matrix from dL/dF. */
        double[] backward(double[] dF) {
            // with A = I - α S̄ and A^{-1} = F / (1 - α): dL/dA = -A^{-T} (dL/dA^{-1}) A^{-T}, dL/dS̄ = -α dL/dA
            double[] dInverse = new double[dF.length];
            for (int i = 0; i < dF.length; i++) {
                dInverse[i] = (1 - alpha) * dF[i];
            }
            double[] dSystem = LinearAlgebra.transposedSandwich(inverse, dInverse, size);
            double[] dKernel = new double[size * size];
            double[] dScale = new double[size];
            for (int a = 0; a < size; a++) {
                for (int b = 0; b < size; b++) {
                    double dNormalized = alpha * dSystem[a * size + b];
                    dKernel[a * size + b] = dNormalized * scale[a] * scale[b];
                    dScale[a] += dNormalized * kernel[a * size + b] * scale[b];
                    dScale[b] += dNormalized * scale[a] * kernel[a * size + b];
                }
            }
            double[] dRaw = new double[size * size];
            for (int a = 0; a < size; a++) {
                // scale = sum^{-1/2}: d scale / d sum = -scale³ / 2, and every off-diagonal entry adds to the sum
                double dSum = -0.5 * dScale[a] * scale[a] * scale[a] * scale[a];
                for (int b = 0; b < size; b++) {
                    int ab = a * size + b;
                    if (a != b && raw[ab] >= 0) {
                        dRaw[ab] = (dKernel[ab] + dSum) * kernel[ab] / KERNEL_TEMPERATURE;
                    }
                }
            }
            return dRaw;
        }
    }

    /** Not used: the loss builds its own matrix of embeddings and proxies (see {@link #compute(INDArray, int[],
     * IndexTuples)}). */
    @Override
    protected double compute(PairwiseMatrix matrix, int[] labels, double[] minerWeights, double[] gradient) {
        throw new UnsupportedOperationException("ManifoldLoss computes its own matrix");
    }

    @Override
    public String toString() {
        return "ManifoldLoss(K=" + numClasses + ", embeddingSize=" + embeddingSize + ", lambdaC=" + lambdaC
                + ", alpha=" + alpha + ", margin=" + margin + ", distance=" + distance + ")";
    }
}
