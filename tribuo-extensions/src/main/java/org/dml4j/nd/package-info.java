/**
 * Small ND4J helpers shared by the other packages: bulk and chunked copies between Java arrays and ND4J's native
 * buffers ({@link org.dml4j.nd.HostArrays}, {@link org.dml4j.nd.HostChunks}), row gathering
 * ({@link org.dml4j.nd.Rows}), column sums ({@link org.dml4j.nd.ColumnSums}), matrix products computed in blocks
 * on DML4J's own threads, one single-threaded OpenBLAS call per block ({@link org.dml4j.nd.MatrixProducts}), Java passes over host buffers split over the cores
 * ({@link org.dml4j.nd.HostRanges}), workspaces for loops that allocate the same temporaries on every pass
 * ({@link org.dml4j.nd.Workspaces}) and the calling thread's OpenMP thread limit
 * ({@link org.dml4j.nd.NativeOpThreads}). Each exists because the plain ND4J 1.0.0-M2.1 call costs a large share of a
 * training step (up to milliseconds); the class comments give the figures.
 */
package org.dml4j.nd;
