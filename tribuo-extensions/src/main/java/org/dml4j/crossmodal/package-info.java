/**
 * Cross-modal two-tower metric learning, as CLIP (Radford et al. 2021, "Learning Transferable Visual Models From
 * Natural Language Supervision"): two embedding networks, one per modality, trained by {@link
 * org.dml4j.crossmodal.TwoTowerTrainer} with the symmetric cross-modal InfoNCE loss {@link
 * org.dml4j.crossmodal.CrossModalInfoNce} and a learnable temperature; the trained {@link
 * org.dml4j.crossmodal.TwoTowerModel}; paired data with two feature groups ({@link
 * org.dml4j.crossmodal.PairedData}); and retrieval evaluation in both directions ({@link
 * org.dml4j.crossmodal.CrossModalEvaluator}).
 */
package org.dml4j.crossmodal;
