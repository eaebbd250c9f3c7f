/**
 * Reports on runs: the evaluation printed and written per query
 * ({@link org.dml4j.experiments.report.Evaluation}, {@link org.dml4j.experiments.report.PerQueryResults}), plots
 * (training curves, a PCA of the embeddings) as SVG, and the paired comparison of runs read back from MLflow
 * ({@link org.dml4j.experiments.report.Comparison}, {@link org.dml4j.experiments.report.TrackedRun}).
 */
package org.dml4j.experiments.report;
