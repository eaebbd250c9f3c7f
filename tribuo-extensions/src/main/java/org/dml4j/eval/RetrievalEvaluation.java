package org.dml4j.eval;

import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.evaluation.Evaluation;
import org.tribuo.evaluation.metrics.MetricID;
import org.tribuo.evaluation.metrics.MetricTarget;
import org.tribuo.provenance.DataProvenance;
import org.tribuo.provenance.EvaluationProvenance;
import org.tribuo.provenance.ModelProvenance;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The result of a {@link RetrievalEvaluator} run: mean retrieval metrics, the per-query values behind them,
 * per-class means, clustering scores and provenance.
 * <p>
 * Rank metrics are averaged over the evaluated queries only: queries with no relevant candidate
 * ({@code R_q = 0}) are left out and counted in {@link #numLoneQueries()}. Per-query arrays are parallel to
 * {@link #evaluatedQueryIndices()}, which makes paired significance tests between two runs straightforward.
 */
public final class RetrievalEvaluation implements Evaluation<Label> {
    private final Map<String, double[]> perQuery;
    private final Map<String, Double> means;
    private final int[] evaluatedQueryIndices;
    private final int[] numRelevant;
    private final int[] evaluatedQueryLabels;
    private final int numLoneQueries;
    private final double nmi;
    private final double ami;
    private final ModelProvenance modelProvenance;
    private final DataProvenance dataProvenance;

    /**
     * Assembles an evaluation; called by {@link RetrievalEvaluator}.
     * @param perQuery Per-query values by metric name, in reporting order.
     * @param evaluatedQueryIndices The query rows with at least one relevant candidate.
     * @param numRelevant {@code R_q} per evaluated query.
     * @param evaluatedQueryLabels The label of each evaluated query.
     * @param numLoneQueries The number of queries left out.
     * @param nmi Normalized mutual information, or NaN when clustering was off.
     * @param ami Adjusted mutual information, or NaN when clustering was off.
     * @param modelProvenance The model provenance, never null.
     * @param dataProvenance The data provenance, never null.
     */
    RetrievalEvaluation(Map<String, double[]> perQuery, int[] evaluatedQueryIndices, int[] numRelevant,
                        int[] evaluatedQueryLabels, int numLoneQueries, double nmi, double ami,
                        ModelProvenance modelProvenance, DataProvenance dataProvenance) {
        this.perQuery = perQuery;
        this.evaluatedQueryIndices = evaluatedQueryIndices;
        this.numRelevant = numRelevant;
        this.evaluatedQueryLabels = evaluatedQueryLabels;
        this.numLoneQueries = numLoneQueries;
        this.nmi = nmi;
        this.ami = ami;
        this.modelProvenance = modelProvenance;
        this.dataProvenance = dataProvenance;
        this.means = new LinkedHashMap<>();
        for (Map.Entry<String, double[]> e : perQuery.entrySet()) {
            means.put(e.getKey(), mean(e.getValue(), null, 0));
        }
    }

    private double mean(double[] values, int[] labels, int label) {
        double sum = 0.0;
        int count = 0;
        for (int i = 0; i < values.length; i++) {
            if (labels == null || labels[i] == label) {
                sum += values[i];
                count++;
            }
        }
        return count == 0 ? Double.NaN : sum / count;
    }

    /**
     * The names of the rank metrics, in reporting order.
     * @return The metric names (keys of {@link #means()}).
     */
    public Set<String> metricNames() {
        return Collections.unmodifiableSet(perQuery.keySet());
    }

    /**
     * The mean of every rank metric over the evaluated queries (NaN when no query was evaluated).
     * @return Metric name to mean, in reporting order.
     */
    public Map<String, Double> means() {
        return Collections.unmodifiableMap(means);
    }

    /**
     * The per-query values of one rank metric, parallel to {@link #evaluatedQueryIndices()}.
     * @param metric A name from {@link #metricNames()}.
     * @return A copy of the values.
     */
    public double[] perQuery(String metric) {
        double[] values = perQuery.get(metric);
        if (values == null) {
            throw new IllegalArgumentException("Unknown metric '" + metric + "', known: " + perQuery.keySet());
        }
        return values.clone();
    }

    /**
     * The query rows that have at least one relevant candidate, ascending.
     * @return A copy of the indices.
     */
    public int[] evaluatedQueryIndices() {
        return evaluatedQueryIndices.clone();
    }

    /**
     * {@code R_q}, the number of relevant candidates, per evaluated query.
     * @return A copy of the counts.
     */
    public int[] numRelevantPerQuery() {
        return numRelevant.clone();
    }

    /**
     * The number of queries without a relevant candidate, left out of every mean.
     * @return The lone-query count.
     */
    public int numLoneQueries() {
        return numLoneQueries;
    }

    /**
     * Normalized mutual information of the query labels and a k-means clustering of the queries.
     * @return NMI, or NaN when the evaluator did not cluster.
     */
    public double nmi() {
        return nmi;
    }

    /**
     * Adjusted mutual information of the query labels and a k-means clustering of the queries.
     * @return AMI, or NaN when the evaluator did not cluster.
     */
    public double ami() {
        return ami;
    }

    /**
     * The mean of every rank metric over the evaluated queries of each query label.
     * @return Query label to (metric name to mean), labels ascending.
     */
    public Map<Integer, Map<String, Double>> perClassMeans() {
        Map<Integer, Map<String, Double>> out = new TreeMap<>();
        for (int label : evaluatedQueryLabels) {
            out.computeIfAbsent(label, l -> {
                Map<String, Double> m = new LinkedHashMap<>();
                for (Map.Entry<String, double[]> e : perQuery.entrySet()) {
                    m.put(e.getKey(), mean(e.getValue(), evaluatedQueryLabels, l));
                }
                return m;
            });
        }
        return out;
    }

    /**
     * Every scalar result by name: the rank-metric means, then {@code nmi} and {@code ami} (when computed),
     * {@code num_lone_queries} and {@code num_evaluated_queries}.
     * @return Metric name to value, in reporting order.
     */
    public Map<String, Double> summary() {
        Map<String, Double> out = new LinkedHashMap<>(means);
        if (!Double.isNaN(nmi)) {
            out.put(MetricNames.NMI, nmi);
            out.put(MetricNames.AMI, ami);
        }
        out.put(MetricNames.NUM_LONE_QUERIES, (double) numLoneQueries);
        out.put(MetricNames.NUM_EVALUATED_QUERIES, (double) evaluatedQueryIndices.length);
        return out;
    }

    /**
     * The {@link #summary()} under the macro-average target, followed by the {@link #perClassMeans()} under
     * one target per query label (the label's integer value as the {@link Label} name).
     * @return Metric id to value.
     */
    @Override
    public Map<MetricID<Label>, Double> asMap() {
        Map<MetricID<Label>, Double> out = new LinkedHashMap<>();
        MetricTarget<Label> average = MetricTarget.macroAverageTarget();
        for (Map.Entry<String, Double> e : summary().entrySet()) {
            out.put(new MetricID<>(average, e.getKey()), e.getValue());
        }
        for (Map.Entry<Integer, Map<String, Double>> c : perClassMeans().entrySet()) {
            MetricTarget<Label> target = new MetricTarget<>(new Label(String.valueOf(c.getKey())));
            for (Map.Entry<String, Double> e : c.getValue().entrySet()) {
                out.put(new MetricID<>(target, e.getKey()), e.getValue());
            }
        }
        return out;
    }

    /**
     * Always an empty list: a retrieval evaluation ranks references instead of predicting labels.
     * @return An empty list.
     */
    @Override
    public List<Prediction<Label>> getPredictions() {
        return Collections.emptyList();
    }

    /**
     * The evaluation provenance. For raw embedding matrices the model part is a {@link NoModelProvenance} and
     * the data part a {@link RawEmbeddingsProvenance} unless the caller supplied its own.
     * @return The provenance of the model and data evaluated.
     */
    @Override
    public EvaluationProvenance getProvenance() {
        return new EvaluationProvenance(modelProvenance, dataProvenance);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("RetrievalEvaluation(");
        for (Map.Entry<String, Double> e : summary().entrySet()) {
            sb.append(e.getKey()).append('=').append(String.format("%.6f", e.getValue())).append(", ");
        }
        sb.setLength(sb.length() - 2);
        return sb.append(')').toString();
    }
}
