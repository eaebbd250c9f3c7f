/**
 * Data for training and evaluation: {@link org.dml4j.data.DenseData} turns Tribuo examples into one dense float32
 * matrix with class ids from a stable {@link org.dml4j.data.LabelIndex}; {@link org.dml4j.data.MnistDataSource}
 * reads (Fashion-)MNIST IDX files, found by {@link org.dml4j.data.MnistFiles}; {@link
 * org.dml4j.data.ClassFilter} and {@link org.dml4j.data.StratifiedSplit} make open-set and validation splits; {@link
 * org.dml4j.data.TupleCsvReader} reads pair, triplet and quadruplet annotations.
 */
package org.dml4j.data;
