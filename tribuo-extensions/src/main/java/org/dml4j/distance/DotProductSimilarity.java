package org.dml4j.distance;

/**
 * The raw inner product {@code <x_i, y_j>}, without normalization by default; larger is more similar (PML's
 * {@code DotProductSimilarity}).
 */
public final class DotProductSimilarity extends InnerProductSimilarity {

    /** Creates the dot-product similarity of the raw embeddings. */
    public DotProductSimilarity() {
        this.normalizeEmbeddings = false;
    }

    /**
     * Creates the dot-product similarity.
     *
     * @param normalizeEmbeddings whether embeddings are L2-normalized first (then it equals cosine similarity)
     */
    public DotProductSimilarity(boolean normalizeEmbeddings) {
        this.normalizeEmbeddings = normalizeEmbeddings;
    }
}
