package org.dml4j.eval;

import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.evaluation.Evaluation;
import org.tribuo.evaluation.metrics.MetricID;
import org.tribuo.evaluation.metrics.MetricTarget;
import org.tribuo.provenance.DataProvenance;
import org.tribuo.provenance.EvaluationProvenance;
import org.tribuo.provenance.ModelProvenance;

import org.dml4j.data.LabelIndex;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The result of a {@link RetrievalEvaluator} run: mean retrieval metrics, the per-query values behind them,
 * per-class means keyed by label name, clustering scores, the model's predictions for the queries and provenance.
 * <p>
 * Rank metrics are averaged over the evaluated queries only: queries with no relevant candidate
 * ({@code R_q = 0}) are left out and counted in {@link #numLoneQueries()}. Per-query arrays are parallel to
 * {@link #evaluatedQueryIndices()}; {@link PairedComparison#of(RetrievalEvaluation, RetrievalEvaluation, String,
 * int, double, long)} pairs two evaluations' values by query for a significance test.
 */
public final class RetrievalEvaluation implements Evaluation<Label> {
    private final Map<String, double[]> perQuery;
    private final Map<String, Double> means;
    private final int[] evaluatedQueryIndices;
    private final int[] numRelevant;
    private final String[] evaluatedQueryLabels;
    private final int numLoneQueries;
    private final double nmi;
    private final double ami;
    private final ModelProvenance modelProvenance;
    private final DataProvenance dataProvenance;
    private final Supplier<List<Prediction<Label>>> predictionSource;
    private List<Prediction<Label>> predictions;

    /**
     * Assembles an evaluation; called by {@link RetrievalEvaluator}.
     * @param perQuery Per-query values by metric name, in reporting order.
     * @param evaluatedQueryIndices The query rows with at least one relevant candidate.
     * @param numRelevant {@code R_q} per evaluated query.
     * @param evaluatedQueryLabels The label name of each evaluated query.
     * @param numLoneQueries The number of queries left out.
     * @param nmi Normalized mutual information, or NaN when clustering was off.
     * @param ami Adjusted mutual information, or NaN when clustering was off.
     * @param modelProvenance The model provenance, never null.
     * @param dataProvenance The data provenance, never null.
     * @param predictionSource Computes the model's predictions for the queries on the first
     *                         {@link #getPredictions()} call (an empty list without a model).
     */
    RetrievalEvaluation(Map<String, double[]> perQuery, int[] evaluatedQueryIndices, int[] numRelevant,
                        String[] evaluatedQueryLabels, int numLoneQueries, double nmi, double ami,
                        ModelProvenance modelProvenance, DataProvenance dataProvenance,
                        Supplier<List<Prediction<Label>>> predictionSource) {
        this.perQuery = perQuery;
        this.evaluatedQueryIndices = evaluatedQueryIndices;
        this.numRelevant = numRelevant;
        this.evaluatedQueryLabels = evaluatedQueryLabels;
        this.numLoneQueries = numLoneQueries;
        this.nmi = nmi;
        this.ami = ami;
        this.modelProvenance = modelProvenance;
        this.dataProvenance = dataProvenance;
        this.predictionSource = predictionSource;
        this.means = new LinkedHashMap<>();
        for (Map.Entry<String, double[]> e : perQuery.entrySet()) {
            means.put(e.getKey(), mean(e.getValue(), null, null));
        }
    }

    private static double mean(double[] values, String[] labels, String label) {
        double sum = 0.0;
        int count = 0;
        for (int i = 0; i < values.length; i++) {
            if (labels == null || labels[i].equals(label)) {
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
     * The label name of each evaluated query, parallel to {@link #evaluatedQueryIndices()}.
     * @return A copy of the names.
     */
    public String[] evaluatedQueryLabels() {
        return evaluatedQueryLabels.clone();
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
     * @return Label name to (metric name to mean), in {@link LabelIndex} order (numeric when every name is an
     *         integer, else alphabetical).
     */
    public Map<String, Map<String, Double>> perClassMeans() {
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        if (evaluatedQueryLabels.length == 0) {
            return out;
        }
        for (String label : LabelIndex.of(Arrays.asList(evaluatedQueryLabels)).names()) {
            Map<String, Double> m = new LinkedHashMap<>();
            for (Map.Entry<String, double[]> e : perQuery.entrySet()) {
                m.put(e.getKey(), mean(e.getValue(), evaluatedQueryLabels, label));
            }
            out.put(label, m);
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
     * one target per query label.
     * @return Metric id to value.
     */
    @Override
    public Map<MetricID<Label>, Double> asMap() {
        Map<MetricID<Label>, Double> out = new LinkedHashMap<>();
        MetricTarget<Label> average = MetricTarget.macroAverageTarget();
        for (Map.Entry<String, Double> e : summary().entrySet()) {
            out.put(new MetricID<>(average, e.getKey()), e.getValue());
        }
        for (Map.Entry<String, Map<String, Double>> c : perClassMeans().entrySet()) {
            MetricTarget<Label> target = new MetricTarget<>(new Label(c.getKey()));
            for (Map.Entry<String, Double> e : c.getValue().entrySet()) {
                out.put(new MetricID<>(target, e.getKey()), e.getValue());
            }
        }
        return out;
    }

    /**
     * The model's predictions for the queries, in query order: computed on the first call (a k-nearest-neighbour
     * vote over the model's own references, as {@link org.tribuo.Model#predict} does), or the predictions the
     * evaluation was given. Empty when raw embedding matrices were evaluated (no model).
     * @return The predictions, unmodifiable.
     */
    @Override
    public synchronized List<Prediction<Label>> getPredictions() {
        if (predictions == null) {
            predictions = Collections.unmodifiableList(Objects.requireNonNull(predictionSource.get()));
        }
        return predictions;
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
