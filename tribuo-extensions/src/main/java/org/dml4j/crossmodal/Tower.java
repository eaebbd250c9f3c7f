package org.dml4j.crossmodal;

import org.dml4j.nn.EmbeddingNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One modality's half of a {@link TwoTowerModel}: its feature group, its trained network, and the embeddings of the
 * training pairs' rows of this modality (what the other modality's queries search when the model predicts).
 *
 * @param group       the modality's features (the network's input, in index order)
 * @param networkSpec the network's architecture in command-line form (rebuilds it when loading)
 * @param network     the trained network (live; do not train it further)
 * @param references  the training rows' embeddings, N × d
 */
public record Tower(FeatureGroup group, String networkSpec, EmbeddingNetwork network, INDArray references) {

    /** @return a deep copy */
    Tower copy() {
        return new Tower(group, networkSpec, network.copy(), references.dup());
    }
}
