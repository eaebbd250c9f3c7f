/**
 * Seeded data augmentation applied to a batch of rows before the forward pass: for images stored as flat
 * {@code channels × height × width} rows (as the CNN and the image data sources), {@link org.dml4j.augment.RandomRotation}, {@link
 * org.dml4j.augment.RandomScaling}, {@link org.dml4j.augment.RandomCrop} and {@link
 * org.dml4j.augment.RandomHorizontalFlip}, and SimCLR's {@link org.dml4j.augment.RandomResizedCrop}, {@link
 * org.dml4j.augment.ColorJitter} and {@link org.dml4j.augment.GaussianBlur} (torchvision's definitions); for any vector, {@link org.dml4j.augment.GaussianNoise}. {@link
 * org.dml4j.augment.Compose} chains them. All randomness comes from the generator passed to {@link
 * org.dml4j.augment.Augmentation#apply}, so a seed fixes the result.
 */
package org.dml4j.augment;
