package org.dml4j.nn;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * A multilayer perceptron: for each hidden size {@code h}, {@code Dense(h)} → [{@code BatchNorm1d}] → activation →
 * [{@code Dropout}], then {@code Dense(embeddingSize)} → [{@code L2Normalize}]. The reference protocol's network
 * (784-512-ReLU-128, L2-normalized) is {@code new MlpSpec(new int[]{512}, 128)}, or {@code mlp:512,128}.
 */
public final class MlpSpec extends AbstractNetworkSpec {

    @Config(description = "The widths of the hidden layers, in order (may be empty: a linear embedding).")
    private int[] hiddenSizes = {512};

    @Config(description = "The activation after each hidden layer.")
    private Activation activation = Activation.RELU;

    @Config(description = "The dropout probability after each hidden activation (0 for none).")
    private double dropout = 0.0;

    @Config(description = "Whether each hidden layer is followed by batch normalization (before the activation).")
    private boolean batchNorm = false;

    /** For olcut. */
    private MlpSpec() {
    }

    /**
     * Creates a ReLU MLP with L2-normalized output, no dropout and no batch normalization.
     *
     * @param hiddenSizes   the hidden widths
     * @param embeddingSize the embedding width
     */
    public MlpSpec(int[] hiddenSizes, int embeddingSize) {
        this(hiddenSizes, embeddingSize, Activation.RELU, 0.0, false, true);
    }

    /**
     * Creates an MLP.
     *
     * @param hiddenSizes   the hidden widths
     * @param embeddingSize the embedding width
     * @param activation    the hidden activation
     * @param dropout       the dropout probability after each hidden activation, in [0, 1)
     * @param batchNorm     whether hidden layers are batch-normalized
     * @param normalize     whether the output is L2-normalized
     */
    public MlpSpec(int[] hiddenSizes, int embeddingSize, Activation activation, double dropout, boolean batchNorm,
                   boolean normalize) {
        this.hiddenSizes = hiddenSizes.clone();
        this.embeddingSize = embeddingSize;
        this.activation = activation;
        this.dropout = dropout;
        this.batchNorm = batchNorm;
        this.normalize = normalize;
        postConfig();
    }

    @Override
    public void postConfig() {
        super.postConfig();
        for (int h : hiddenSizes) {
            if (h <= 0) {
                throw new PropertyException("", "hiddenSizes", "hidden sizes must be positive, found "
                        + Arrays.toString(hiddenSizes));
            }
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new PropertyException("", "dropout", "dropout must be in [0, 1), found " + dropout);
        }
        if (activation == null) {
            throw new PropertyException("", "activation", "activation must be set (RELU or TANH)");
        }
    }

    @Override
    public EmbeddingNetwork build(int inputSize, long seed, DataType dataType) {
        if (inputSize <= 0) {
            throw new IllegalArgumentException("inputSize must be positive, found " + inputSize);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        List<Layer> layers = new ArrayList<>();
        int width = inputSize;
        for (int h : hiddenSizes) {
            layers.add(new Dense(width, h, rng, dataType));
            if (batchNorm) {
                layers.add(new BatchNorm1d(h, dataType));
            }
            layers.add(activation.create());
            if (dropout > 0) {
                layers.add(new Dropout(dropout, rng.nextLong()));
            }
            width = h;
        }
        addHead(layers, width, rng, dataType);
        return new EmbeddingNetwork(layers);
    }

    /** @return the spec in the form {@link NetworkSpecs#parse} reads, e.g. {@code mlp:512,128:dropout=0.1} */
    @Override
    public String toString() {
        List<String> options = new ArrayList<>();
        if (activation != Activation.RELU) {
            options.add("activation=" + activation.name().toLowerCase(Locale.ROOT));
        }
        if (dropout > 0) {
            options.add("dropout=" + dropout);
        }
        if (batchNorm) {
            options.add("batch-norm=true");
        }
        if (!normalize) {
            options.add("normalize=false");
        }
        String sizes = Arrays.stream(hiddenSizes).mapToObj(Integer::toString).collect(Collectors.joining(","));
        return NetworkSpecs.MLP + ":" + (sizes.isEmpty() ? "" : sizes + ",") + embeddingSize
                + (options.isEmpty() ? "" : ":" + String.join(",", options));
    }
}
