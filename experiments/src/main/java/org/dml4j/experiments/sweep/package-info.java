/**
 * The sweep engine: a sweep file ({@link org.dml4j.experiments.sweep.SweepFile}: base options, search space, search
 * and early stopping) becomes trials that {@link org.dml4j.experiments.sweep.SweepRunner} runs in threads or child
 * JVMs, stopped early by a {@link org.dml4j.experiments.sweep.StoppingRule} (median, successive halving), with a
 * summary and progress lines. Tracking is behind {@link org.dml4j.experiments.sweep.SweepTracker}; this package does
 * not know MLflow (the CLI's adapter does).
 */
package org.dml4j.experiments.sweep;
