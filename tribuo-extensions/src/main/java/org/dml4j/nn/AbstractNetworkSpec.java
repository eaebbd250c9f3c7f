package org.dml4j.nn;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The embedding head shared by the specs: a {@link Dense} layer to {@code embeddingSize} followed, by default, by
 * {@link L2Normalize}.
 */
abstract class AbstractNetworkSpec implements NetworkSpec {

    @Config(description = "The width of the embeddings.")
    protected int embeddingSize = 128;

    @Config(description = "Whether the embeddings are L2-normalized by the network's last layer.")
    protected boolean normalize = true;

    @Override
    public void postConfig() {
        if (embeddingSize <= 0) {
            throw new PropertyException("", "embeddingSize", "embeddingSize must be positive, found "
                    + embeddingSize);
        }
    }

    @Override
    public int embeddingSize() {
        return embeddingSize;
    }

    /**
     * Appends the embedding head.
     *
     * @param layers   the layers so far
     * @param width    the width of their output
     * @param rng      the initialization's random source
     * @param dataType the parameters' type
     */
    protected void addHead(List<Layer> layers, int width, SplittableRandom rng, DataType dataType) {
        layers.add(new Dense(width, embeddingSize, rng, dataType));
        if (normalize) {
            layers.add(new L2Normalize());
        }
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "NetworkSpec");
    }
}
