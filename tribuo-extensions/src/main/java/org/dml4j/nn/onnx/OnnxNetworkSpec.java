package org.dml4j.nn.onnx;

import ai.onnx.proto.OnnxMl;
import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import org.dml4j.nn.Dense;
import org.dml4j.nn.EmbeddingNetwork;
import org.dml4j.nn.L2Normalize;
import org.dml4j.nn.Layer;
import org.dml4j.nn.NetworkSpec;
import org.dml4j.nn.Unflatten;
import org.nd4j.linalg.api.buffer.DataType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * An embedding network whose trunk is an imported ONNX model ({@link OnnxBackbone}), fine-tuned as a whole: the
 * feature rows are unflattened to the model's {@code C×H×W} input, run through its graph (with its weights), then,
 * when {@code embeddingSize} is set, through a new linear embedding head; by default the embeddings are
 * L2-normalized. {@code freeze} leaves the whole backbone or its first layers untrained (their weights then travel as
 * buffers, see {@link GraphLayer#freeze}); {@code freezeBatchNorm} runs the batch normalizations of frozen layers
 * in inference mode (see {@link GraphLayer#freezeBatchNorm}). Command-line form:
 * {@code onnx:PATH[:embedding=E,normalize=false,freeze=all|N,freeze-bn=true]}
 * ({@link org.dml4j.nn.NetworkSpecs#parse}).
 */
public final class OnnxNetworkSpec implements NetworkSpec {

    /** The kind name on the command line. */
    public static final String KIND = "onnx";
    /** {@code freeze} value: every backbone layer trains. */
    public static final String NONE = "none";
    /** {@code freeze} value: only the embedding head trains. */
    public static final String ALL = "all";

    @Config(mandatory = true, description = "The ONNX model file of the backbone.")
    private String path;

    @Config(description = "The width of a linear embedding head after the backbone; 0 (the default) for none, the "
            + "backbone's output being the embedding.")
    private int embeddingSize = 0;

    @Config(description = "Whether the embeddings are L2-normalized by the network's last layer.")
    private boolean normalize = true;

    @Config(description = "The backbone layers left untrained: 'none' (the default), 'all' (only the embedding head "
            + "trains) or N, the first N layers with parameters (stem first).")
    private String freeze = NONE;

    @Config(description = "Whether the batch normalizations of frozen backbone layers (the whole backbone while a "
            + "fine-tuning warm-up holds it frozen) normalize with their running statistics and leave them unchanged, "
            + "as in inference; false (the default) normalizes with batch statistics and updates the running ones.")
    private boolean freezeBatchNorm = false;

    private OnnxBackbone backbone;

    /** For OLCUT. */
    private OnnxNetworkSpec() {
    }

    /**
     * Creates the spec, reading the model.
     *
     * @param path          the ONNX model file
     * @param embeddingSize the width of a linear head, or 0 for none
     * @param normalize     whether the embeddings are L2-normalized
     * @param freeze        the backbone layers left untrained: {@value #NONE}, {@value #ALL} or a count
     * @throws IllegalArgumentException if the model cannot be imported
     */
    public OnnxNetworkSpec(String path, int embeddingSize, boolean normalize, String freeze) {
        this(path, embeddingSize, normalize, freeze, false);
    }

    /**
     * Creates the spec, reading the model.
     *
     * @param path            the ONNX model file
     * @param embeddingSize   the width of a linear head, or 0 for none
     * @param normalize       whether the embeddings are L2-normalized
     * @param freeze          the backbone layers left untrained: {@value #NONE}, {@value #ALL} or a count
     * @param freezeBatchNorm whether frozen layers' batch normalizations run in inference mode
     * @throws IllegalArgumentException if the model cannot be imported
     */
    public OnnxNetworkSpec(String path, int embeddingSize, boolean normalize, String freeze,
                           boolean freezeBatchNorm) {
        this(path, embeddingSize, normalize, freeze, freezeBatchNorm, null);
    }

    private OnnxNetworkSpec(String path, int embeddingSize, boolean normalize, String freeze,
                            boolean freezeBatchNorm, OnnxBackbone backbone) {
        this.path = path;
        this.embeddingSize = embeddingSize;
        this.normalize = normalize;
        this.freeze = freeze;
        this.freezeBatchNorm = freezeBatchNorm;
        this.backbone = backbone;
        postConfig();
    }

    /**
     * The spec of a saved model's network, built from the graph structure stored with it rather than from the model
     * file it was imported from (which need not exist any more).
     *
     * @param path          the model file named by the spec
     * @param embeddingSize the width of a linear head, or 0 for none
     * @param normalize     whether the embeddings are L2-normalized
     * @param freeze        the backbone layers left untrained
     * @param freezeBatchNorm whether frozen layers' batch normalizations run in inference mode
     * @param structure     the stored {@link GraphLayer#structure()}
     * @return the spec
     */
    public static OnnxNetworkSpec stored(String path, int embeddingSize, boolean normalize, String freeze,
                                         boolean freezeBatchNorm, OnnxMl.ModelProto structure) {
        return new OnnxNetworkSpec(path, embeddingSize, normalize, freeze, freezeBatchNorm,
                OnnxBackbone.fromStructure(structure, "the stored structure of " + path));
    }

    @Override
    public void postConfig() {
        if (embeddingSize < 0) {
            throw new PropertyException("", "embeddingSize", "embeddingSize must be 0 (no head) or positive, found "
                    + embeddingSize);
        }
        frozenLayers();
        if (freeze.equals(ALL) && embeddingSize == 0) {
            throw new PropertyException("", "freeze", "freeze=all leaves nothing to train without an embedding head: "
                    + "set embedding (embeddingSize) too");
        }
        if (backbone == null) {
            backbone = OnnxBackbone.read(Path.of(path));
        }
    }

    /** @return how many weighted backbone layers {@code freeze} leaves untrained */
    private int frozenLayers() {
        if (freeze.equals(NONE)) {
            return 0;
        }
        if (freeze.equals(ALL)) {
            return Integer.MAX_VALUE;
        }
        try {
            int n = Integer.parseInt(freeze);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new PropertyException("", "freeze", "freeze must be none, all or a count of layers, found '" + freeze
                + "'");
    }

    @Override
    public EmbeddingNetwork build(int inputSize, long seed, DataType dataType) {
        int[] image = backbone.imageShape();
        if (inputSize != image[0] * image[1] * image[2]) {
            throw new IllegalArgumentException("the ONNX model " + path + " takes " + image[0] + "x" + image[1] + "x"
                    + image[2] + " images (" + image[0] * image[1] * image[2] + " features), found " + inputSize
                    + " features");
        }
        List<Layer> layers = new ArrayList<>();
        layers.add(new Unflatten(image[0], image[1], image[2]));
        layers.add(backbone.layer(dataType).freeze(frozenLayers()).freezeBatchNorm(freezeBatchNorm));
        if (embeddingSize > 0) {
            layers.add(new Dense(Math.toIntExact(backbone.outputWidth()), embeddingSize, new SplittableRandom(seed),
                    dataType));
        }
        if (normalize) {
            layers.add(new L2Normalize());
        }
        return new EmbeddingNetwork(layers);
    }

    @Override
    public int embeddingSize() {
        return embeddingSize > 0 ? embeddingSize : Math.toIntExact(backbone.outputWidth());
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "NetworkSpec");
    }

    /** @return the spec in the command-line form {@link org.dml4j.nn.NetworkSpecs#parse} reads */
    @Override
    public String toString() {
        List<String> options = new ArrayList<>();
        if (embeddingSize > 0) {
            options.add("embedding=" + embeddingSize);
        }
        if (!normalize) {
            options.add("normalize=false");
        }
        if (!freeze.equals(NONE)) {
            options.add("freeze=" + freeze);
        }
        if (freezeBatchNorm) {
            options.add("freeze-bn=true");
        }
        return KIND + ":" + path + (options.isEmpty() ? "" : ":" + String.join(",", options));
    }
}
