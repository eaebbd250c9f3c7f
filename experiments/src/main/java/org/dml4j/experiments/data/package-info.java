/**
 * The datasets the commands train and evaluate on: the {@code --dataset} options
 * ({@link org.dml4j.experiments.data.DatasetOptions}) and their loaders (CSV files, Fashion-MNIST, image folders and
 * the CUB-200-2011, Cars196 and Stanford Online Products layouts), a model with the data to embed
 * ({@link org.dml4j.experiments.data.ModelData}), and embedding output files.
 */
package org.dml4j.experiments.data;
