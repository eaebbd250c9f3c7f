/**
 * Data for training and evaluation: {@link org.dml4j.data.DenseData} turns Tribuo examples into one dense float32
 * matrix with class ids from a stable {@link org.dml4j.data.LabelIndex}; {@link org.dml4j.data.MnistDataSource}
 * reads (Fashion-)MNIST IDX files, found by {@link org.dml4j.data.MnistFiles}; {@link
 * org.dml4j.data.ImageDataSource} reads PNG/JPEG files as {@link org.dml4j.data.ImageFormat} images, listed by {@link
 * org.dml4j.data.ImageFolderLayout} (one sub-folder per class), {@link org.dml4j.data.Cub200Layout}, {@link
 * org.dml4j.data.Cars196Layout} (class folders or the official {@code cars_annos.mat}, a MATLAB file) and {@link
 * org.dml4j.data.OnlineProductsLayout} with their protocols' {@link org.dml4j.data.ImageSplits}; {@link
 * org.dml4j.data.ClassFilter} and {@link org.dml4j.data.StratifiedSplit} make open-set and validation splits; {@link
 * org.dml4j.data.TupleCsvReader} reads pair, triplet and quadruplet annotations; {@link org.dml4j.data.UnlabeledData}
 * says how examples without a label are represented (Tribuo's unknown label) and {@link
 * org.dml4j.data.UnlabeledImageFolder} lists a folder of unlabeled images.
 */
package org.dml4j.data;
