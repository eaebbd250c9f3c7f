/**
 * Conformance of DML4J with pytorch-metric-learning: reads reference case files in the {@code dml-golden} schema
 * (losses with gradients, miners, retrieval metrics), rebuilds the PML configuration they describe with DML4J's
 * classes ({@link org.dml4j.conformance.PmlTranslator}), and checks values and gradients within the schema's
 * tolerances ({@link org.dml4j.conformance.ConformanceRunner}). The unit tests and {@code dml4j conformance} both use
 * it, so any case file in that schema — other seeds, shapes or scales — can be checked.
 */
package org.dml4j.conformance;
