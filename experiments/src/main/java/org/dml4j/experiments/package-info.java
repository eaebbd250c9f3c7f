/**
 * The {@code dml4j} command line ({@link org.dml4j.experiments.Dml4jCommand}): conformance with
 * pytorch-metric-learning, and (as they land) training, evaluation, sweeps, run comparison and benchmarks. The
 * {@code ./dml4j} script at the repository root builds and launches it.
 */
package org.dml4j.experiments;
