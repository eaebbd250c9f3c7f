/**
 * Exact k-nearest-neighbour search in bounded memory.
 * <p>
 * {@link org.dml4j.index.ExactKnn} compares a query matrix with a reference matrix one
 * (query block &times; reference block) tile at a time, using one ND4J matrix product per tile, and keeps
 * per query either a bounded top-k ({@link org.dml4j.index.KnnResult}) or the exact rank of every
 * reference that shares the query's label ({@link org.dml4j.index.RelevantRanks}); a
 * {@link org.dml4j.index.ReferenceShard} runs the same passes over one shard of a reference set split over machines,
 * whose results merge into the whole set's. Memory grows with the
 * block sizes, with k and with the number of relevant references, never with the product of the query and
 * reference counts. Rankings are ascending in distance with ties broken by reference index.
 * {@link org.dml4j.index.PairDistances} scores listed pairs of rows in the same distance units, and
 * {@link org.dml4j.index.OpenSetMatcher} labels queries by their nearest reference within a threshold.
 * <p>
 * {@link org.dml4j.index.NearestNeighbourIndex} is the interface of a searchable reference set:
 * {@link org.dml4j.index.ExactIndex} (exact search, the ground truth) and {@link org.dml4j.index.HnswIndex}
 * (approximate, an HNSW graph from Apache Lucene's {@code org.apache.lucene.util.hnsw}), each built from its
 * OLCUT-configurable {@link org.dml4j.index.IndexSpec}, and saved with {@link org.dml4j.index.IndexFile}, which ties a file to the
 * digest of the model it was built for.
 */
package org.dml4j.index;
