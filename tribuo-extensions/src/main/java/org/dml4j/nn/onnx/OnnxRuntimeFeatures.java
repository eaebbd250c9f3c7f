package org.dml4j.nn.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.nio.FloatBuffer;
import java.util.Map;

/**
 * Runs an ONNX backbone ({@link org.dml4j.nn.Backbone#onnxModel()}) over many images with onnxruntime's Java API: the
 * other way to compute a frozen backbone's features once, beside DML4J's own inference pass. Needs
 * {@code com.microsoft.onnxruntime:onnxruntime} on the class path (an optional dependency of this library).
 */
public final class OnnxRuntimeFeatures {

    private OnnxRuntimeFeatures() {
    }

    /** @return whether onnxruntime's Java API is on the class path */
    public static boolean available() {
        try {
            Class.forName("ai.onnxruntime.OrtEnvironment", false, OnnxRuntimeFeatures.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /**
     * Computes the model's output for every row.
     *
     * @param model     a serialized ONNX model with one float32 {@code [batch, C, H, W]} input and one output
     * @param rows      {@code [n, C·H·W]} images, each flattened in CHW order
     * @param blockSize the images per onnxruntime call
     * @param threads   onnxruntime's intra-op threads
     * @return {@code [n, features]}, each output flattened in its ONNX (row-major) order, float32
     * @throws IllegalArgumentException if onnxruntime rejects the model or the rows do not fit its input
     */
    public static INDArray compute(byte[] model, INDArray rows, int blockSize, int threads) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            try (OrtSession session = env.createSession(model, options)) {
                return run(env, session, rows, blockSize);
            }
        } catch (OrtException e) {
            throw new IllegalArgumentException("onnxruntime cannot run the backbone: " + e.getMessage(), e);
        }
    }

    private static INDArray run(OrtEnvironment env, OrtSession session, INDArray rows, int blockSize)
            throws OrtException {
        Map.Entry<String, NodeInfo> input = session.getInputInfo().entrySet().iterator().next();
        TensorInfo info = (TensorInfo) input.getValue().getInfo();
        long[] shape = info.getShape();
        if (info.type != OnnxJavaType.FLOAT || shape.length != 4
                || shape[1] * shape[2] * shape[3] != rows.columns()) {
            throw new IllegalArgumentException("the backbone's input '" + input.getKey() + "' is " + info
                    + "; expected float32 [batch, C, H, W] with C·H·W = " + rows.columns());
        }
        long n = rows.rows();
        INDArray out = null;
        for (long start = 0; start < n; start += blockSize) {
            long end = Math.min(n, start + blockSize);
            float[] block = rows.get(NDArrayIndex.interval(start, end), NDArrayIndex.all()).dup('c')
                    .castTo(DataType.FLOAT).data().asFloat();
            long[] blockShape = {end - start, shape[1], shape[2], shape[3]};
            try (OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(block), blockShape);
                 OrtSession.Result result = session.run(Map.of(input.getKey(), tensor))) {
                OnnxTensor features = (OnnxTensor) result.get(0);
                FloatBuffer values = features.getFloatBuffer();
                float[] flat = new float[values.remaining()];
                values.get(flat);
                long width = flat.length / (end - start);
                if (out == null) {
                    out = Nd4j.create(DataType.FLOAT, n, width);
                }
                out.get(NDArrayIndex.interval(start, end), NDArrayIndex.all())
                        .assign(Nd4j.createFromArray(flat).reshape('c', end - start, width));
            }
        }
        return out;
    }
}
