package org.dml4j.eval;

import java.util.HashMap;
import java.util.Map;

/**
 * Mutual-information agreement scores between two labelings, as scikit-learn 1.2 computes them.
 * <p>
 * {@link #nmi} is {@code normalized_mutual_info_score} and {@link #ami} is
 * {@code adjusted_mutual_info_score}, both with {@code average_method="arithmetic"} (natural logarithms).
 * Tribuo's own {@code ClusteringMetrics} normalizes by the smaller entropy and gives other values.
 * The expected mutual information is the hypergeometric expectation of Vinh, Epps and Bailey,
 * "Information Theoretic Measures for Clusterings Comparison" (JMLR 2010).
 */
public final class MutualInformation {

    private MutualInformation() {
    }

    /** A contingency table with its row and column sums. */
    private static final class Contingency {
        final long[][] counts;
        final long[] rowSums;
        final long[] colSums;
        final int n;

        Contingency(int[] a, int[] b) {
            if (a.length != b.length) {
                throw new IllegalArgumentException("labelings differ in length: " + a.length + " and " + b.length);
            }
            int[] ia = denseIds(a);
            int[] ib = denseIds(b);
            int rows = max(ia) + 1;
            int cols = max(ib) + 1;
            counts = new long[rows][cols];
            rowSums = new long[rows];
            colSums = new long[cols];
            for (int i = 0; i < a.length; i++) {
                counts[ia[i]][ib[i]]++;
                rowSums[ia[i]]++;
                colSums[ib[i]]++;
            }
            n = a.length;
        }

        private static int[] denseIds(int[] labels) {
            Map<Integer, Integer> ids = new HashMap<>();
            int[] out = new int[labels.length];
            for (int i = 0; i < labels.length; i++) {
                out[i] = ids.computeIfAbsent(labels[i], key -> ids.size());
            }
            return out;
        }

        private static int max(int[] values) {
            int m = -1;
            for (int v : values) {
                m = Math.max(m, v);
            }
            return m;
        }
    }

    /**
     * Normalized mutual information {@code MI / mean(H(a), H(b))}.
     * <p>
     * Two labelings with one class each (or none) score 1; a zero mutual information scores 0.
     * @param labelsTrue The reference labeling.
     * @param labelsPred The labeling to compare (e.g. cluster ids).
     * @return NMI in [0, 1].
     */
    public static double nmi(int[] labelsTrue, int[] labelsPred) {
        Contingency c = new Contingency(labelsTrue, labelsPred);
        if (bothTrivial(c)) {
            return 1.0;
        }
        double mi = mutualInformation(c);
        if (mi == 0.0) {
            return 0.0;
        }
        return mi / arithmeticMean(c);
    }

    /**
     * Adjusted mutual information {@code (MI - E[MI]) / (mean(H(a), H(b)) - E[MI])}.
     * <p>
     * Two labelings with one class each (or none) score 1. The denominator is kept at least machine
     * epsilon away from zero, keeping its sign, as scikit-learn does.
     * @param labelsTrue The reference labeling.
     * @param labelsPred The labeling to compare (e.g. cluster ids).
     * @return AMI, at most 1 (near 0 for chance agreement, may be negative).
     */
    public static double ami(int[] labelsTrue, int[] labelsPred) {
        Contingency c = new Contingency(labelsTrue, labelsPred);
        if (bothTrivial(c)) {
            return 1.0;
        }
        double mi = mutualInformation(c);
        double emi = expectedMutualInformation(c);
        double denominator = arithmeticMean(c) - emi;
        double eps = Math.ulp(1.0);
        denominator = denominator < 0 ? Math.min(denominator, -eps) : Math.max(denominator, eps);
        return (mi - emi) / denominator;
    }

    /**
     * The mutual information of two labelings in nats.
     * @param labelsTrue The first labeling.
     * @param labelsPred The second labeling.
     * @return MI &ge; 0.
     */
    public static double mutualInformation(int[] labelsTrue, int[] labelsPred) {
        return mutualInformation(new Contingency(labelsTrue, labelsPred));
    }

    private static boolean bothTrivial(Contingency c) {
        int rows = c.rowSums.length;
        int cols = c.colSums.length;
        return (rows == 1 && cols == 1) || (rows == 0 && cols == 0);
    }

    private static double arithmeticMean(Contingency c) {
        return (entropy(c.rowSums) + entropy(c.colSums)) / 2.0;
    }

    private static double mutualInformation(Contingency c) {
        if (c.rowSums.length == 1 || c.colSums.length == 1) {
            return 0.0;
        }
        double n = c.n;
        double logN = Math.log(n);
        double eps = Math.ulp(1.0);
        double mi = 0.0;
        for (int i = 0; i < c.rowSums.length; i++) {
            for (int j = 0; j < c.colSums.length; j++) {
                long nij = c.counts[i][j];
                if (nij == 0) {
                    continue;
                }
                double p = nij / n;
                double logOuter = -Math.log((double) (c.rowSums[i] * c.colSums[j])) + logN + logN;
                double term = p * (Math.log(nij) - logN) + p * logOuter;
                if (Math.abs(term) >= eps) {
                    mi += term;
                }
            }
        }
        return Math.max(mi, 0.0);
    }

    private static double entropy(long[] sums) {
        if (sums.length <= 1) {
            return sums.length == 0 ? 1.0 : 0.0;
        }
        double total = 0.0;
        for (long s : sums) {
            total += s;
        }
        double logTotal = Math.log(total);
        double h = 0.0;
        for (long s : sums) {
            h -= (s / total) * (Math.log(s) - logTotal);
        }
        return h;
    }

    private static double expectedMutualInformation(Contingency c) {
        long[] a = c.rowSums;
        long[] b = c.colSums;
        if (a.length == 1 || b.length == 1) {
            return 0.0;
        }
        int n = c.n;
        double[] logFactorial = new double[n + 1];
        for (int k = 2; k <= n; k++) {
            logFactorial[k] = logFactorial[k - 1] + Math.log(k);
        }
        double logN = Math.log(n);
        double emi = 0.0;
        for (long ai : a) {
            for (long bj : b) {
                long start = Math.max(1, ai - n + bj);
                long end = Math.min(ai, bj);
                double fixed = logFactorial[(int) ai] + logFactorial[(int) bj]
                        + logFactorial[(int) (n - ai)] + logFactorial[(int) (n - bj)] - logFactorial[n];
                for (long nij = start; nij <= end; nij++) {
                    double term1 = nij / (double) n;
                    double term2 = logN + Math.log(nij) - Math.log(ai) - Math.log(bj);
                    double gln = fixed - logFactorial[(int) nij] - logFactorial[(int) (ai - nij)]
                            - logFactorial[(int) (bj - nij)] - logFactorial[(int) (n - ai - bj + nij)];
                    emi += term1 * term2 * Math.exp(gln);
                }
            }
        }
        return emi;
    }
}
