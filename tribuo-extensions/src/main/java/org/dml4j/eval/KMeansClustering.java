package org.dml4j.eval;

import java.util.SplittableRandom;

/**
 * Lloyd's k-means with k-means++ seeding on plain double rows, deterministic for a given seed.
 * <p>
 * Used only to cluster query embeddings for NMI and AMI; cost is O(iterations &times; n &times; k &times; d).
 */
final class KMeansClustering {
    private static final int MAX_ITERATIONS = 100;

    private KMeansClustering() {
    }

    /**
     * Clusters the rows into k groups.
     * @param rows The points, n &times; d with n &ge; k.
     * @param k The number of clusters, at least 1.
     * @param seed The seed of the k-means++ initialisation.
     * @return The cluster id in [0, k) of every row.
     */
    static int[] cluster(double[][] rows, int k, long seed) {
        int n = rows.length;
        if (k < 1 || k > n) {
            throw new IllegalArgumentException("k must be in [1, " + n + "], found " + k);
        }
        double[][] centroids = seedPlusPlus(rows, k, new SplittableRandom(seed));
        int[] assignment = new int[n];
        for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
            boolean changed = false;
            for (int i = 0; i < n; i++) {
                int best = nearest(rows[i], centroids);
                if (iteration == 0 || best != assignment[i]) {
                    changed = true;
                    assignment[i] = best;
                }
            }
            if (!changed) {
                break;
            }
            updateCentroids(rows, assignment, centroids);
        }
        return assignment;
    }

    private static double[][] seedPlusPlus(double[][] rows, int k, SplittableRandom rng) {
        int n = rows.length;
        double[][] centroids = new double[k][];
        centroids[0] = rows[rng.nextInt(n)].clone();
        double[] closest = new double[n];
        for (int i = 0; i < n; i++) {
            closest[i] = squaredDistance(rows[i], centroids[0]);
        }
        for (int c = 1; c < k; c++) {
            double total = 0.0;
            for (double d : closest) {
                total += d;
            }
            int pick = n - 1;
            if (total > 0.0) {
                double target = rng.nextDouble() * total;
                for (int i = 0; i < n; i++) {
                    target -= closest[i];
                    if (target < 0.0) {
                        pick = i;
                        break;
                    }
                }
            } else {
                pick = rng.nextInt(n);
            }
            centroids[c] = rows[pick].clone();
            for (int i = 0; i < n; i++) {
                closest[i] = Math.min(closest[i], squaredDistance(rows[i], centroids[c]));
            }
        }
        return centroids;
    }

    private static void updateCentroids(double[][] rows, int[] assignment, double[][] centroids) {
        int d = rows[0].length;
        double[][] sums = new double[centroids.length][d];
        int[] counts = new int[centroids.length];
        for (int i = 0; i < rows.length; i++) {
            counts[assignment[i]]++;
            for (int j = 0; j < d; j++) {
                sums[assignment[i]][j] += rows[i][j];
            }
        }
        for (int c = 0; c < centroids.length; c++) {
            if (counts[c] > 0) {
                for (int j = 0; j < d; j++) {
                    centroids[c][j] = sums[c][j] / counts[c];
                }
            }
        }
    }

    private static int nearest(double[] row, double[][] centroids) {
        int best = 0;
        double bestDistance = Double.POSITIVE_INFINITY;
        for (int c = 0; c < centroids.length; c++) {
            double d = squaredDistance(row, centroids[c]);
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        return best;
    }

    private static double squaredDistance(double[] a, double[] b) {
        double sum = 0.0;
        for (int j = 0; j < a.length; j++) {
            double diff = a[j] - b[j];
            sum += diff * diff;
        }
        return sum;
    }
}
