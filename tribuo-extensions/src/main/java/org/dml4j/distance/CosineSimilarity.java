package org.dml4j.distance;

import com.oracle.labs.mlrg.olcut.config.PropertyException;

/**
 * Cosine similarity {@code <u_i, v_j>} of the L2-normalized rows; larger is more similar (PML's
 * {@code CosineSimilarity}, the default of ProxyAnchor, MultiSimilarity, NT-Xent, SupCon, ArcFace, CosFace and
 * Circle).
 */
public final class CosineSimilarity extends InnerProductSimilarity {

    /** Creates the cosine similarity. */
    public CosineSimilarity() {
    }

    @Override
    public void postConfig() {
        if (!normalizeEmbeddings) {
            throw new PropertyException("", "normalizeEmbeddings",
                    "cosine similarity always normalizes; use DotProductSimilarity for raw inner products");
        }
    }
}
