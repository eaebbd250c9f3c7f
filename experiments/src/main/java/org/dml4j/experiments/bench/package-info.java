/**
 * The DML4J side of the side-by-side benchmarks against PyTorch + pytorch-metric-learning and faiss
 * ({@link org.dml4j.experiments.bench.PeerBench}); {@code experiments/bench/run-bench.sh} runs both sides. Benchmarks,
 * not tests. {@link org.dml4j.experiments.bench.KnnBenchmark} measures the time and peak memory of exact kNN search
 * and retrieval evaluation at scale (kept out of the library so that its {@code index} package does not depend on
 * {@code eval}).
 */
package org.dml4j.experiments.bench;
