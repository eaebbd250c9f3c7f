/**
 * Small ND4J helpers shared by the other packages: bulk copies between Java arrays and ND4J's native buffers.
 */
package org.dml4j.nd;
