/**
 * The DML4J side of the side-by-side benchmarks against PyTorch + pytorch-metric-learning and faiss
 * ({@link org.dml4j.experiments.bench.PeerBench}); {@code experiments/bench/run-bench.sh} runs both sides. Benchmarks,
 * not tests.
 */
package org.dml4j.experiments.bench;
