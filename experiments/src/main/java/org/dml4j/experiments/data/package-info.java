/**
 * The datasets the commands train and evaluate on: the {@code --dataset} options
 * ({@link org.dml4j.experiments.data.DatasetOptions}) and their loaders (CSV files, Fashion-MNIST and other IDX image
 * sets), a model with the data to embed ({@link org.dml4j.experiments.data.ModelData}), and embedding output files.
 */
package org.dml4j.experiments.data;
