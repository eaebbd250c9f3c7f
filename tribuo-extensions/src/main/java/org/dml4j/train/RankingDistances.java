package org.dml4j.train;

import org.dml4j.distance.Distance;
import org.dml4j.index.KnnDistance;
import org.dml4j.loss.MetricLoss;

/**
 * The ranking distance that matches the distance a loss trains with, so that a model ranks its references the way
 * its loss compared embeddings: a similarity on L2-normalized embeddings (cosine) and a distance on normalized
 * embeddings rank as {@link KnnDistance#COSINE}; a similarity on raw embeddings as {@link KnnDistance#DOT}; a
 * distance on raw embeddings (and a loss without a configurable distance) as {@link KnnDistance#SQUARED_EUCLIDEAN}.
 */
final class RankingDistances {

    /** The key of the ranking distance in a model's run (instance) provenance. */
    static final String PROVENANCE_KEY = "ranking-distance";

    private RankingDistances() {
    }

    /**
     * @param loss a loss
     * @return the ranking distance matching its distance
     */
    static KnnDistance of(MetricLoss loss) {
        Distance distance = loss.distance();
        if (distance == null) {
            return KnnDistance.SQUARED_EUCLIDEAN;
        }
        if (distance.normalizesEmbeddings()) {
            return KnnDistance.COSINE;
        }
        return distance.isInverted() ? KnnDistance.DOT : KnnDistance.SQUARED_EUCLIDEAN;
    }
}
