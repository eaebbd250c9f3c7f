package org.dml4j.nn;

/**
 * Guards the use of a layer's cached forward value in its backward pass.
 */
final class ForwardCache {

    private ForwardCache() {
    }

    /**
     * Returns the cached value, or fails if there is none.
     *
     * @param value the value cached by the last forward pass, or null
     * @param layer the layer's name, for the message
     * @param <T>   the cached type
     * @return the value
     * @throws IllegalStateException if there was no forward pass
     */
    static <T> T require(T value, String layer) {
        if (value == null) {
            throw new IllegalStateException(layer + ".backward called before forward: run forward(input, true) first");
        }
        return value;
    }
}
