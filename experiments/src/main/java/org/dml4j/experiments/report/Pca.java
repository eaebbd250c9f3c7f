package org.dml4j.experiments.report;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;

/**
 * Principal component analysis by the singular value decomposition of the centered data (Commons Math): the
 * projection of every point on the leading components, and the share of the variance each component explains.
 *
 * @param points    the {@code n × components} projections
 * @param explained the fraction of the total variance along each component, descending
 */
record Pca(double[][] points, double[] explained) {

    /**
     * Projects points on their leading principal components.
     *
     * @param data       the {@code n × d} points, {@code n >= 2}
     * @param components how many components, at most {@code d}
     * @return the projections and the variance shares
     * @throws IllegalArgumentException if there are fewer than two points or more components than dimensions
     */
    static Pca of(double[][] data, int components) {
        if (data.length < 2 || components > data[0].length) {
            throw new IllegalArgumentException("PCA to " + components + " components needs at least 2 points of at "
                    + "least that many dimensions, found " + data.length + " points");
        }
        int d = data[0].length;
        double[] mean = new double[d];
        for (double[] row : data) {
            for (int j = 0; j < d; j++) {
                mean[j] += row[j] / data.length;
            }
        }
        RealMatrix centered = new Array2DRowRealMatrix(data.length, d);
        for (int i = 0; i < data.length; i++) {
            for (int j = 0; j < d; j++) {
                centered.setEntry(i, j, data[i][j] - mean[j]);
            }
        }
        SingularValueDecomposition svd = new SingularValueDecomposition(centered);
        double[] singular = svd.getSingularValues();
        double total = 0;
        for (double s : singular) {
            total += s * s;
        }
        double[] explained = new double[components];
        for (int c = 0; c < components && c < singular.length; c++) {
            explained[c] = total == 0 ? 0 : singular[c] * singular[c] / total;
        }
        RealMatrix axes = svd.getV().getSubMatrix(0, d - 1, 0, components - 1);
        return new Pca(centered.multiply(axes).getData(), explained);
    }
}
