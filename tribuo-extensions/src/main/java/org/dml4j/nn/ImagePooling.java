package org.dml4j.nn;

/**
 * How an image network ({@link CnnSpec}, {@link ResNetSpec}) turns its last feature map into the row its embedding
 * head reads.
 */
public enum ImagePooling {
    /** All features in {@code (c, h, w)} order ({@link Flatten}): {@code cnn}'s default. */
    FLATTEN,
    /** The mean of each channel ({@link GlobalAvgPool2d}): {@code resnet}'s default. */
    AVG,
    /** The generalized mean of each channel with a learned exponent ({@link GeMPool2d}). */
    GEM,
    /** A learned query attending over the positions ({@link AttentionPool}). */
    ATTENTION
}
