package org.dml4j.index;

import org.apache.lucene.index.VectorSimilarityFunction;

/**
 * The {@link KnnDistance}s on float32 rows for the graph index, in the same units as {@link ExactKnn}: squared
 * Euclidean, cosine distance on unit rows ({@code 1 - q.r}) and negated inner product, each with the Lucene
 * similarity that ranks rows in the same order (the graph is searched by similarity; the candidates it returns are
 * then ranked by these distances). The loops keep four partial sums, so that the JIT can overlap the multiply-adds
 * (Java 17 has no portable SIMD).
 */
enum GraphDistance {
    /** {@link KnnDistance#SQUARED_EUCLIDEAN}; Lucene's {@code EUCLIDEAN} scores {@code 1 / (1 + d²)}. */
    SQUARED_EUCLIDEAN(VectorSimilarityFunction.EUCLIDEAN) {
        @Override
        float distance(float[] u, float[] v) {
            int n = u.length;
            int end = n & ~3;
            float s0 = 0;
            float s1 = 0;
            float s2 = 0;
            float s3 = 0;
            for (int i = 0; i < end; i += 4) {
                float d0 = u[i] - v[i];
                float d1 = u[i + 1] - v[i + 1];
                float d2 = u[i + 2] - v[i + 2];
                float d3 = u[i + 3] - v[i + 3];
                s0 += d0 * d0;
                s1 += d1 * d1;
                s2 += d2 * d2;
                s3 += d3 * d3;
            }
            for (int i = end; i < n; i++) {
                float d = u[i] - v[i];
                s0 += d * d;
            }
            return (s0 + s1) + (s2 + s3);
        }
    },
    /** {@link KnnDistance#COSINE}, on rows normalized when they enter the index ({@code DOT_PRODUCT} on them). */
    COSINE(VectorSimilarityFunction.DOT_PRODUCT) {
        @Override
        float distance(float[] u, float[] v) {
            return 1f - dot(u, v);
        }
    },
    /** {@link KnnDistance#DOT}; Lucene's {@code MAXIMUM_INNER_PRODUCT}. */
    DOT(VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT) {
        @Override
        float distance(float[] u, float[] v) {
            return -dot(u, v);
        }
    };

    private final VectorSimilarityFunction similarity;

    GraphDistance(VectorSimilarityFunction similarity) {
        this.similarity = similarity;
    }

    /**
     * The distance between two rows of the same width.
     * @param u A row.
     * @param v Another row.
     * @return Their distance in {@link KnnDistance}'s units.
     */
    abstract float distance(float[] u, float[] v);

    /** @return Lucene's similarity that orders rows as this distance does (higher is nearer). */
    VectorSimilarityFunction similarity() {
        return similarity;
    }

    static GraphDistance of(KnnDistance distance) {
        return switch (distance) {
            case SQUARED_EUCLIDEAN -> SQUARED_EUCLIDEAN;
            case COSINE -> COSINE;
            case DOT -> DOT;
        };
    }

    private static float dot(float[] u, float[] v) {
        int n = u.length;
        int end = n & ~3;
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        for (int i = 0; i < end; i += 4) {
            s0 += u[i] * v[i];
            s1 += u[i + 1] * v[i + 1];
            s2 += u[i + 2] * v[i + 2];
            s3 += u[i + 3] * v[i + 3];
        }
        for (int i = end; i < n; i++) {
            s0 += u[i] * v[i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /**
     * Scales a row to unit length as {@link KnnDistance#COSINE} does ({@code x / max(||x||, 1e-12)}), in place.
     * @param row The row.
     */
    static void normalize(float[] row) {
        double norm = 0;
        for (float v : row) {
            norm += (double) v * v;
        }
        float scale = (float) (1 / Math.max(Math.sqrt(norm), 1e-12));
        for (int i = 0; i < row.length; i++) {
            row[i] *= scale;
        }
    }
}
