package org.dml4j.nn.onnx;

/**
 * Guards a graph operation's use of its forward cache in the backward pass.
 */
final class ForwardCheck {

    private ForwardCheck() {
    }

    /**
     * @param value the value the last forward pass cached, or null
     * @param op    the operation's name, for the message
     * @param <T>   the cached type
     * @return the value
     * @throws IllegalStateException if there was no forward pass
     */
    static <T> T require(T value, String op) {
        if (value == null) {
            throw new IllegalStateException(op + ".backward called before forward: run forward(input, true) first");
        }
        return value;
    }
}
