package org.dml4j.nn;

import com.oracle.labs.mlrg.olcut.config.PropertyException;

import java.util.Map;

/**
 * A kind of {@link NetworkSpec} that a package above this one adds to {@link NetworkSpecs#parse} (the imported ONNX
 * networks of {@code org.dml4j.nn.onnx}), found with {@link java.util.ServiceLoader} so that this package does not
 * depend on it.
 */
public interface NetworkSpecKind {

    /** @return the kind's name, the spec's prefix before the first {@code ':'} */
    String kind();

    /**
     * Builds the spec from its command-line form.
     *
     * @param argument the text between the kind and the options, e.g. a file path
     * @param options  the {@code key=value} options; the kind removes those it reads (the rest are reported unknown)
     * @param stored   what a saved model stored for its network with this spec ({@link #stored}), or null to build
     *                 it from the argument alone
     * @return the spec
     * @throws PropertyException        for a malformed argument or option (reported as a malformed spec)
     * @throws IllegalArgumentException for anything else, e.g. a file the spec names that cannot be used
     */
    NetworkSpec parse(String argument, Map<String, String> options, byte[] stored);

    /**
     * What a saved model must store, next to its parameters, to rebuild a network of this kind without the files its
     * spec names (for an ONNX network: its graph structure).
     *
     * @param network a network built by a spec of this kind
     * @return the bytes, or null when the spec alone rebuilds the network
     */
    byte[] stored(EmbeddingNetwork network);
}
