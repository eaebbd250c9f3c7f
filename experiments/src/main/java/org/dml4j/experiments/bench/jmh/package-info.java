/**
 * JMH micro-benchmarks of the hot paths: pairwise distances and their gradients ({@link
 * org.dml4j.experiments.bench.jmh.DistanceBench}), mining ({@link org.dml4j.experiments.bench.jmh.MiningBench}),
 * exact top-k search ({@link org.dml4j.experiments.bench.jmh.TopKBench}), loss kernels ({@link
 * org.dml4j.experiments.bench.jmh.LossBench}) and a cross-batch-memory step ({@link
 * org.dml4j.experiments.bench.jmh.CrossBatchBench}), each group with a baseline in the same run so that results read
 * as ratios. {@code experiments/bench/run-jmh.sh} runs them; they are compiled with the module but never run as tests.
 */
package org.dml4j.experiments.bench.jmh;
