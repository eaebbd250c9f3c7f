package org.dml4j.crossmodal;

import org.dml4j.eval.RetrievalEvaluator;
import org.dml4j.eval.RetrievalMode;
import org.dml4j.index.KnnDistance;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.classification.Label;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates cross-modal retrieval in both directions with the eval package's {@link RetrievalEvaluator}: each
 * example's modality-A embedding queries every example's modality-B embedding (A→B), and the other way round (B→A);
 * a gallery row is relevant when it has the query's label, so with one label per pair only the partner is relevant,
 * with class labels every row of the class. Reported per direction: Recall@K, MAP@R, R-precision, ... as
 * {@link org.dml4j.eval.RetrievalEvaluation#summary()} names them, ranked by cosine distance (the space the
 * cross-modal InfoNCE loss trains).
 */
public final class CrossModalEvaluator {

    /** The K of Recall@K and precision@K, as the trainer's validation. */
    private static final int[] KS = {1, 2, 4, 8, 16};

    private final RetrievalEvaluator retrieval;

    /** An evaluator with K = 1, 2, 4, 8, 16, cosine distance and full-ranking mAP. */
    public CrossModalEvaluator() {
        this(new RetrievalEvaluator(KS, KnnDistance.COSINE, RetrievalEvaluator.DEFAULT_BLOCK_SIZE, false,
                RetrievalEvaluator.DEFAULT_SEED));
    }

    /**
     * An evaluator ranking as a given retrieval evaluator does (its K list, distance, full ranking).
     *
     * @param retrieval the evaluator of each direction
     */
    public CrossModalEvaluator(RetrievalEvaluator retrieval) {
        this.retrieval = retrieval;
    }

    /**
     * Embeds both modalities of paired examples with a model's towers and evaluates both directions.
     *
     * @param model the two-tower model
     * @param pairs the examples, each with both modalities' features
     * @return both directions' metrics
     * @throws IllegalArgumentException naming an example without a modality's features, or if every pair has the
     *                                  same label
     */
    public CrossModalEvaluation evaluate(TwoTowerModel model, Dataset<Label> pairs) {
        List<Example<Label>> rows = new ArrayList<>();
        pairs.forEach(rows::add);
        return evaluate(model.embed(Modality.A, rows), model.embed(Modality.B, rows), labelIds(rows));
    }

    /**
     * Evaluates both directions of paired embeddings.
     *
     * @param a      the first modality's embeddings, N × d
     * @param b      the second modality's embeddings, N × d (row i: the partner of row i of {@code a})
     * @param labels the label of each pair (equal labels are relevant to each other)
     * @return both directions' metrics
     * @throws IllegalArgumentException if the shapes differ or every pair has the same label
     */
    public CrossModalEvaluation evaluate(INDArray a, INDArray b, int[] labels) {
        return new CrossModalEvaluation(retrieval.evaluate(a, labels, b, labels, RetrievalMode.SEPARATE),
                retrieval.evaluate(b, labels, a, labels, RetrievalMode.SEPARATE));
    }

    /**
     * Integer ids of the examples' labels, by first appearance.
     *
     * @param examples the examples
     * @return one id per example; equal labels get equal ids
     */
    static int[] labelIds(List<Example<Label>> examples) {
        Map<String, Integer> ids = new HashMap<>();
        int[] out = new int[examples.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ids.computeIfAbsent(examples.get(i).getOutput().getLabel(), k -> ids.size());
        }
        return out;
    }
}
