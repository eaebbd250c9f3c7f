package org.dml4j.experiments.spark;

import org.dml4j.experiments.bench.ClusteredEmbeddings;

import org.dml4j.experiments.io.UserError;

import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * A clustered synthetic gallery that every executor generates itself from a seed ({@code synthetic:N,D,C,SEED}), so
 * that a benchmark of millions of rows ships none: C class centres with unit-variance coordinates, and row i the
 * centre of a uniformly drawn class plus Gaussian noise (standard deviation {@value #NOISE}, as the kNN benchmark's
 * data). Each block of {@value #BLOCK} rows draws from its own seed, so any shard of whole blocks is the same rows
 * whoever generates it. Labels are named by their class number.
 *
 * @param rows    N, the gallery rows
 * @param dim     D, the width
 * @param classes C, the classes
 * @param seed    the seed
 */
record SyntheticGallery(int rows, int dim, int classes, long seed) implements Serializable {

    /** The per-coordinate noise around a centre. */
    static final double NOISE = 2.0;
    /** Rows per seeded block. */
    static final int BLOCK = 1024;

    /**
     * @param spec {@code N,D,C,SEED}
     * @return the gallery
     * @throws UserError when the spec is not four positive integers
     */
    static SyntheticGallery parse(String spec) {
        String[] parts = spec.split(",");
        try {
            if (parts.length == 4) {
                SyntheticGallery gallery = new SyntheticGallery(Integer.parseInt(parts[0].strip()),
                        Integer.parseInt(parts[1].strip()), Integer.parseInt(parts[2].strip()),
                        Long.parseLong(parts[3].strip()));
                if (gallery.rows > 0 && gallery.dim > 0 && gallery.classes > 1) {
                    return gallery;
                }
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new UserError("'synthetic:" + spec + "' is not synthetic:ROWS,DIM,CLASSES,SEED with positive rows and "
                + "width and at least two classes (e.g. synthetic:1000000,128,10000,1).");
    }

    /**
     * Rows {@code [offset, offset + count)} of the gallery ({@code offset} a multiple of {@value #BLOCK}).
     *
     * @param offset the first row
     * @param count  how many
     * @return the rows and their labels
     */
    GalleryShard shard(int offset, int count) {
        return generate(offset, count, 0);
    }

    /**
     * Queries drawn around the same centres from another stream (separate from every gallery row).
     *
     * @param count how many
     * @return the query rows and labels, at offset 0
     */
    GalleryShard queries(int count) {
        return generate(0, count, 1);
    }

    private GalleryShard generate(int offset, int count, long stream) {
        double[][] centres = ClusteredEmbeddings.centres(classes, dim, seed);
        float[] values = new float[count * dim];
        int[] labels = new int[count];
        SplittableRandom rng = null;
        for (int i = 0; i < count; i++) {
            int row = offset + i;
            if (rng == null || row % BLOCK == 0) {
                rng = new SplittableRandom(mix(seed, stream, row / BLOCK));
                for (int skip = row - row % BLOCK; skip < row; skip++) { // an offset within a block
                    draw(rng, centres, new float[dim], 0);
                }
            }
            labels[i] = draw(rng, centres, values, i * dim);
        }
        return new GalleryShard(offset, dim, values, labels);
    }

    private static int draw(SplittableRandom rng, double[][] centres, float[] out, int at) {
        int label = rng.nextInt(centres.length);
        double[] centre = centres[label];
        for (int j = 0; j < centre.length; j++) {
            out[at + j] = (float) (centre[j] + NOISE * rng.nextGaussian());
        }
        return label;
    }

    /** A seed for one block of one stream (SplitMix64's finaliser over the three). */
    private static long mix(long seed, long stream, long block) {
        long z = seed * 0x9E3779B97F4A7C15L + stream * 0xBF58476D1CE4E5B9L + block * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
