/**
 * What the commands read and write, checked as untrusted input: {@link org.dml4j.experiments.io.UserError} (a
 * mistake the user can fix, reported as one line and exit code 2), JSON files, OLCUT configuration files (refused when
 * they use DTDs or, from someone else, anything beyond DML4J components) and model files. Depends on no other
 * {@code experiments} package.
 */
package org.dml4j.experiments.io;
