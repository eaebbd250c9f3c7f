package org.dml4j.experiments.spark;

import org.dml4j.index.KnnDistance;
import org.dml4j.index.ReferenceShard;
import org.nd4j.linalg.factory.Nd4j;

import java.io.Serializable;
import java.util.Arrays;

/**
 * One shard of an embedded gallery, as an executor holds it: the embeddings of gallery rows
 * {@code [offset, offset + size)} (float32, row-major) and their label ids. Shards start at multiples of the
 * evaluation's block size, so that each shard's tiles are the whole gallery's ({@link ReferenceShard}).
 *
 * @param offset the global index of the first row
 * @param dim    the embedding width
 * @param rows   {@code size × dim} values, row-major
 * @param labels the rows' label ids
 */
record GalleryShard(int offset, int dim, float[] rows, int[] labels) implements Serializable {

    GalleryShard {
        if (rows.length != (long) labels.length * dim) {
            throw new IllegalArgumentException(labels.length + " labels but " + rows.length + " values of width "
                    + dim);
        }
    }

    /** @return the number of rows */
    int size() {
        return labels.length;
    }

    /**
     * @param distance  the ranking distance
     * @param blockSize queries and references per tile
     * @return this shard, searchable
     */
    ReferenceShard search(KnnDistance distance, int blockSize) {
        return new ReferenceShard(Nd4j.create(rows, new long[]{size(), dim}, 'c'), labels, offset, distance,
                blockSize, blockSize);
    }

    /**
     * @param count how many of the first rows
     * @return them, as a shard at the same offset
     */
    GalleryShard head(int count) {
        int n = Math.min(count, size());
        return new GalleryShard(offset, dim, Arrays.copyOf(rows, n * dim), Arrays.copyOf(labels, n));
    }

    /**
     * Joins shards that follow each other.
     *
     * @param shards shards in offset order, each starting where the previous ends
     * @return one shard of all their rows
     */
    static GalleryShard concat(java.util.List<GalleryShard> shards) {
        int n = shards.stream().mapToInt(GalleryShard::size).sum();
        int dim = shards.get(0).dim();
        float[] rows = new float[n * dim];
        int[] labels = new int[n];
        int at = 0;
        for (GalleryShard shard : shards) {
            if (shard.offset() != shards.get(0).offset() + at) {
                throw new IllegalStateException("shard at " + shard.offset() + " does not follow row " + at);
            }
            System.arraycopy(shard.rows(), 0, rows, at * dim, shard.rows().length);
            System.arraycopy(shard.labels(), 0, labels, at, shard.size());
            at += shard.size();
        }
        return new GalleryShard(shards.get(0).offset(), dim, rows, labels);
    }
}
