/**
 * The trained model: {@link org.dml4j.model.EmbeddingModel}, a Tribuo {@code Model<Label>} that embeds examples with
 * its network and predicts labels by k-nearest neighbours over a stored reference set, saved and loaded only through
 * versioned protobuf ({@code EmbeddingModelProto}), never Java serialization.
 */
package org.dml4j.model;
