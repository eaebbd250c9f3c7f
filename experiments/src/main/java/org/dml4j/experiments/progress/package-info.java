/**
 * Progress on the terminal: a redrawn status line with a bar and an ETA for training
 * ({@link org.dml4j.experiments.progress.ProgressListener}) and evaluation
 * ({@link org.dml4j.experiments.progress.EvalProgress}), plain lines when the output is not a terminal.
 */
package org.dml4j.experiments.progress;
