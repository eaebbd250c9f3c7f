package org.dml4j.nn;

import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The configurable description of an embedding network's architecture, which builds freshly initialized
 * {@link EmbeddingNetwork}s. Its provenance records every architectural choice; {@code toString()} gives the
 * command-line form ({@code mlp:512,128}) that {@link NetworkSpecs#parse} reads back.
 */
public interface NetworkSpec extends Configurable, Provenancable<ConfiguredObjectProvenance> {

    /**
     * Builds a network with PyTorch's default initialization drawn from {@code seed}.
     *
     * @param inputSize the number of input features
     * @param seed      the seed of the initialization and of the dropout masks
     * @param dataType  the parameters' type: {@link DataType#FLOAT} to train, {@link DataType#DOUBLE} for checks
     * @return a new network
     * @throws IllegalArgumentException if the architecture does not fit {@code inputSize}
     */
    EmbeddingNetwork build(int inputSize, long seed, DataType dataType);

    /** @return the width of the embeddings the network outputs */
    int embeddingSize();
}
