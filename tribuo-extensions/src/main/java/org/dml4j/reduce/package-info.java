/**
 * Reducers turn a loss's per-element, per-pair or per-triplet terms into one value, and tell the loss how much each
 * term contributes to it (the weights its gradient needs): mean, average of the non-zero terms, threshold, divisor,
 * sum, per-anchor, class-weighted, one reducer per sub-loss ({@link org.dml4j.reduce.MultipleReducers}) and the
 * recording {@link org.dml4j.reduce.DoNothingReducer}, as pytorch-metric-learning's reducers.
 */
package org.dml4j.reduce;
