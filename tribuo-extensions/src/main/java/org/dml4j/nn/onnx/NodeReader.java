package org.dml4j.nn.onnx;

import ai.onnx.proto.OnnxMl;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An ONNX node's attributes with their defaults, and errors that name the node and its operator.
 */
final class NodeReader {

    private final OnnxMl.NodeProto node;
    private final Map<String, OnnxMl.AttributeProto> attributes = new HashMap<>();

    /**
     * @param node the node
     */
    NodeReader(OnnxMl.NodeProto node) {
        this.node = node;
        for (OnnxMl.AttributeProto a : node.getAttributeList()) {
            attributes.put(a.getName(), a);
        }
    }

    /** @return the node's name, or its first output's when it has none */
    String name() {
        return node.getName().isEmpty() && node.getOutputCount() > 0 ? node.getOutput(0) : node.getName();
    }

    /** @return the ONNX operator */
    String opType() {
        return node.getOpType();
    }

    /**
     * @param problem what is wrong
     * @return an exception naming the node, its operator and the problem
     */
    IllegalArgumentException error(String problem) {
        return new IllegalArgumentException(OnnxBackbone.where(name(), opType()) + problem);
    }

    /**
     * Rejects attributes the importer does not know for this operator.
     *
     * @param known the attributes it reads
     */
    void allow(Set<String> known) {
        for (String a : attributes.keySet()) {
            if (!known.contains(a)) {
                throw error("attribute '" + a + "' is not supported (supported: " + known + ")");
            }
        }
    }

    /**
     * @param name      the attribute
     * @param fallback  the default
     * @return the integer attribute
     */
    long integer(String name, long fallback) {
        OnnxMl.AttributeProto a = attributes.get(name);
        return a == null ? fallback : a.getI();
    }

    /**
     * @param name     the attribute
     * @param fallback the default
     * @return the float attribute
     */
    double real(String name, double fallback) {
        OnnxMl.AttributeProto a = attributes.get(name);
        return a == null ? fallback : a.getF();
    }

    /**
     * @param name     the attribute
     * @param fallback the default
     * @return the string attribute
     */
    String text(String name, String fallback) {
        OnnxMl.AttributeProto a = attributes.get(name);
        return a == null ? fallback : a.getS().toStringUtf8();
    }

    /**
     * @param name     the attribute
     * @param fallback the default (its length is the length required)
     * @return the integer list attribute
     */
    int[] integers(String name, int... fallback) {
        OnnxMl.AttributeProto a = attributes.get(name);
        if (a == null) {
            return fallback;
        }
        List<Long> values = a.getIntsList();
        if (fallback.length > 0 && values.size() != fallback.length) {
            throw error("attribute '" + name + "' has " + values.size() + " values, expected " + fallback.length
                    + " (only 2-D images are supported)");
        }
        return values.stream().mapToInt(Long::intValue).toArray();
    }

    /**
     * @param name the attribute
     * @return the tensor attribute, or null
     */
    OnnxMl.TensorProto tensor(String name) {
        OnnxMl.AttributeProto a = attributes.get(name);
        return a == null ? null : a.getT();
    }

    /** @param expected the number of outputs the importer supports */
    void outputs(int expected) {
        if (node.getOutputCount() != expected) {
            throw error("has " + node.getOutputCount() + " outputs; DML4J computes only the first (inference form)");
        }
    }
}
