package org.dml4j.mlflow;

import org.dml4j.eval.RetrievalEvaluation;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Output;
import org.tribuo.classification.Classifiable;
import org.tribuo.classification.Label;
import org.tribuo.classification.evaluation.ClassifierEvaluation;
import org.tribuo.classification.evaluation.ConfusionMatrix;
import org.tribuo.evaluation.Evaluation;
import org.tribuo.evaluation.metrics.MetricID;
import org.tribuo.evaluation.metrics.MetricTarget;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a Tribuo {@link Evaluation} logs: its metrics under MLflow keys and, for a classifier, its confusion matrix.
 * <p>
 * Keys: a metric averaged over the outputs is {@code <average>_<metric>} ({@code macro_f1}, {@code micro_precision}),
 * one of a single output {@code <metric>/<output>} ({@code f1/setosa}, grouped by metric in the UI's charts); a
 * classifier's evaluation also gives {@code accuracy} and {@code balanced_error_rate}, and a DML4J
 * {@link RetrievalEvaluation} its own summary names ({@code precision_at_1}, {@code map_at_r}, {@code map} ...).
 */
final class EvaluationResults {

    private EvaluationResults() {
    }

    /**
     * The metrics of an evaluation by MLflow key.
     *
     * @param evaluation the evaluation
     * @return the values, in a stable order
     */
    static Map<String, Double> metrics(Evaluation<?> evaluation) {
        if (evaluation instanceof RetrievalEvaluation retrieval) {
            return retrieval.summary();
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        if (evaluation instanceof ClassifierEvaluation<?> classifier) {
            metrics.put("accuracy", classifierAccuracy(classifier));
            metrics.put("balanced_error_rate", classifier.balancedErrorRate());
        }
        List<Map.Entry<String, Double>> entries = new ArrayList<>();
        for (Map.Entry<? extends MetricID<?>, Double> entry : evaluation.asMap().entrySet()) {
            entries.add(Map.entry(key(entry.getKey()), entry.getValue()));
        }
        entries.sort(Map.Entry.comparingByKey());
        entries.forEach(entry -> metrics.putIfAbsent(entry.getKey(), entry.getValue()));
        return metrics;
    }

    private static double classifierAccuracy(ClassifierEvaluation<?> classifier) {
        ConfusionMatrix<?> matrix = classifier.getConfusionMatrix();
        return matrix.support() == 0 ? Double.NaN : matrix.tp() / matrix.support();
    }

    private static String key(MetricID<?> id) {
        MetricTarget<?> target = id.getA();
        String metric = id.getB().toLowerCase(Locale.ROOT);
        Optional<? extends Output<?>> output = target.getOutputTarget();
        String key = output.isPresent() ? metric + "/" + name(output.get())
                : target.getAverageTarget().map(a -> a.name().toLowerCase(Locale.ROOT) + "_").orElse("") + metric;
        return MlflowKeys.sanitizeKey(key);
    }

    /**
     * A classifier evaluation's confusion matrix as CSV: one row per true output, one column per predicted output,
     * in the model's output order.
     *
     * @param evaluation the evaluation
     * @return the CSV text, or empty when the evaluation is not a classifier's
     */
    static Optional<String> confusionMatrixCsv(Evaluation<?> evaluation) {
        if (!(evaluation instanceof ClassifierEvaluation<?> classifier)) {
            return Optional.empty();
        }
        return Optional.of(csv(classifier.getConfusionMatrix()));
    }

    private static <T extends Classifiable<T>> String csv(ConfusionMatrix<T> matrix) {
        ImmutableOutputInfo<T> domain = matrix.getDomain();
        List<T> outputs = new ArrayList<>();
        domain.forEach(pair -> outputs.add(pair.getB()));
        StringBuilder csv = new StringBuilder("true\\predicted");
        outputs.forEach(predicted -> csv.append(',').append(cell(name(predicted))));
        csv.append('\n');
        for (T truth : outputs) {
            csv.append(cell(name(truth)));
            for (T predicted : outputs) {
                csv.append(',').append((long) matrix.confusion(predicted, truth));
            }
            csv.append('\n');
        }
        return csv.toString();
    }

    /** An output's name: a label's name without its score. */
    private static String name(Output<?> output) {
        return output instanceof Label label ? label.getLabel() : output.toString();
    }

    private static String cell(String text) {
        return text.matches("[^,\"\\n\\r]*") ? text : '"' + text.replace("\"", "\"\"") + '"';
    }
}
