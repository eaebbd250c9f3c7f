package org.dml4j.nn.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.InvalidProtocolBufferException;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import org.dml4j.nn.EmbeddingNetwork;
import org.dml4j.nn.Layer;
import org.dml4j.nn.NetworkSpec;
import org.dml4j.nn.NetworkSpecKind;

import java.util.Locale;
import java.util.Map;

/**
 * The {@code onnx:PATH[:embedding=E,normalize=true|false,freeze=none|all|N,freeze-bn=true|false]} network spec
 * ({@link OnnxNetworkSpec}), registered with
 * {@link org.dml4j.nn.NetworkSpecs} as a service; a saved model stores the graph's structure
 * ({@link GraphLayer#structure()}) so it loads without the file.
 */
public final class OnnxSpecKind implements NetworkSpecKind {

    /** For {@link java.util.ServiceLoader}. */
    public OnnxSpecKind() {
    }

    @Override
    public String kind() {
        return OnnxNetworkSpec.KIND;
    }

    @Override
    public NetworkSpec parse(String argument, Map<String, String> options, byte[] stored) {
        if (argument.isBlank()) {
            throw new PropertyException("", "path", "an onnx spec needs the model file's path");
        }
        String embedding = options.remove("embedding");
        int embeddingSize = 0;
        if (embedding != null) {
            try {
                embeddingSize = Integer.parseInt(embedding.trim());
            } catch (NumberFormatException e) {
                embeddingSize = -1;
            }
            if (embeddingSize <= 0) {
                throw new PropertyException("", "embeddingSize", "embedding must be a positive integer, found '"
                        + embedding + "'");
            }
        }
        boolean normalize = flag(options, "normalize", true, "normalize");
        boolean freezeBatchNorm = flag(options, "freeze-bn", false, "freezeBatchNorm");
        String freeze = options.remove("freeze");
        freeze = freeze == null ? OnnxNetworkSpec.NONE : freeze.toLowerCase(Locale.ROOT);
        if (stored == null) {
            return new OnnxNetworkSpec(argument, embeddingSize, normalize, freeze, freezeBatchNorm);
        }
        try {
            return OnnxNetworkSpec.stored(argument, embeddingSize, normalize, freeze, freezeBatchNorm,
                    OnnxMl.ModelProto.parseFrom(stored));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("corrupt model data: the stored ONNX structure of " + argument
                    + " does not parse (" + e.getMessage() + ")", e);
        }
    }

    /** Removes and reads a true/false option, the default when absent. */
    private static boolean flag(Map<String, String> options, String option, boolean absent, String field) {
        String text = options.remove(option);
        if (text == null) {
            return absent;
        }
        String value = text.toLowerCase(Locale.ROOT);
        if (!value.equals("true") && !value.equals("false")) {
            throw new PropertyException("", field, option + " must be true or false, found '" + text + "'");
        }
        return value.equals("true");
    }

    @Override
    public byte[] stored(EmbeddingNetwork network) {
        for (Layer layer : network.layers()) {
            if (layer instanceof GraphLayer graph) {
                return graph.structure().toByteArray();
            }
        }
        return null;
    }
}
