/**
 * Retrieval evaluation of embeddings: ranking metrics, clustering agreement and their Tribuo evaluation.
 * <p>
 * {@link org.dml4j.eval.RetrievalEvaluator} ranks a reference set for every query with
 * {@link org.dml4j.index.ExactKnn} in bounded memory, in one top-k pass, and reports precision, recall and NDCG at
 * K, MAP@R, R-precision and MRR, and on request full-ranking mAP ({@link org.dml4j.eval.RankMetrics}), plus NMI
 * and AMI of a k-means
 * clustering of the queries ({@link org.dml4j.eval.MutualInformation}). Conventions follow
 * pytorch-metric-learning's {@code AccuracyCalculator}: queries without a relevant candidate are left out of
 * every average and counted. The evaluator is a Tribuo {@link org.tribuo.evaluation.Evaluator} of an
 * {@link org.dml4j.model.EmbeddingModel} on a dataset (leave-one-out, or queries against a gallery) and refuses
 * non-finite embeddings and one-class data. The result, {@link org.dml4j.eval.RetrievalEvaluation}, is a Tribuo
 * {@link org.tribuo.evaluation.Evaluation} and keeps per-query values, per-class means by label name and the model's
 * predictions; {@link org.dml4j.eval.PairedComparison} tests two evaluations of the same queries against each other
 * (bootstrap interval of the mean difference, Wilcoxon signed-rank test).
 * <p>
 * Verification: {@link org.dml4j.eval.VerificationPairs} draws genuine and impostor pairs,
 * {@link org.dml4j.eval.VerificationEvaluation} reports ROC AUC, EER and TAR at fixed FARs from their scores
 * on an exact {@link org.dml4j.eval.RocCurve}, and {@link org.dml4j.eval.ThresholdCalibration} picks a
 * distance threshold for a target precision or FAR, used by {@link org.dml4j.index.OpenSetMatcher}.
 * {@link org.dml4j.eval.KnnAnomalyScorer} scores anomalies by the distance to the k-th nearest normal
 * embedding and emits Tribuo anomaly events. {@link org.dml4j.eval.LinearProbe} measures an embedding by the test
 * accuracy of a logistic regression trained on frozen embeddings (the linear probe of self-supervised learning).
 * <p>
 * Few-shot: {@link org.dml4j.eval.FewShotEvaluator} draws seeded N-way K-shot episodes from (held-out) classes,
 * classifies each query by its nearest class prototype (the mean support embedding) and reports, in a
 * {@link org.dml4j.eval.FewShotEvaluation}, the mean accuracy with its 95% confidence interval over the episodes.
 */
package org.dml4j.eval;
