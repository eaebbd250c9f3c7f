package org.dml4j.experiments;

import org.dml4j.data.LabelIndex;
import org.dml4j.eval.RetrievalEvaluation;
import org.dml4j.eval.RetrievalEvaluator;
import org.dml4j.eval.RetrievalMode;
import org.dml4j.model.EmbeddingModel;
import org.tribuo.Dataset;
import org.tribuo.classification.Label;

import java.io.PrintWriter;
import java.util.Map;

/** Evaluates a model by retrieval on a dataset against itself (each query leaves itself out), and prints it. */
final class Evaluation {

    private Evaluation() {
    }

    static RetrievalEvaluation retrieval(EmbeddingModel model, Dataset<Label> data) {
        LabelIndex labels = LabelIndex.of(data);
        int[] ids = new int[data.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = labels.id(data.getExample(i).getOutput().getLabel());
        }
        return new RetrievalEvaluator().evaluate(model.embed(data), ids, null, null, RetrievalMode.SELF,
                model.getProvenance(), data.getProvenance());
    }

    static void printTable(PrintWriter out, Map<String, Double> metrics) {
        out.println("metric                     value");
        for (Map.Entry<String, Double> e : metrics.entrySet()) {
            out.printf("%-24s %8.4f%n", e.getKey(), e.getValue());
        }
        out.flush();
    }
}
