package org.dml4j.nn.onnx;

import org.dml4j.nd.MatrixProducts;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An ONNX {@code Conv} that DML4J's {@link org.dml4j.nn.Conv2d} cannot run: grouped (depthwise when
 * {@code groups} equals the channels), dilated, with a rectangular kernel or asymmetric padding. Over CNHW batches,
 * {@code weight} is {@code [out, in/groups, kh, kw]} as in ONNX and PyTorch. Each group unfolds its channel slice
 * into a column matrix (Java loops) and multiplies its rows of the weight by it, in double precision whatever the
 * network's type; this is slower than {@code Conv2d}'s single product per batch, so the importer uses it only where
 * it must.
 */
final class GroupedConv implements GraphOp {

    private final INDArray weight;
    private final INDArray bias;
    private final String weightName;
    private final String biasName;
    private final int groups;
    private final Window window;
    private long[] inputShape;
    private int outHeight;
    private int outWidth;
    private INDArray[] columns;
    private Map<String, INDArray> gradients = Map.of();

    /**
     * Creates the convolution over loaded weights.
     *
     * @param weight     {@code [out, in/groups, kh, kw]}, live
     * @param weightName the weight's ONNX name
     * @param bias       {@code [out]}, live, or null for none
     * @param biasName   the bias's ONNX name, or null
     * @param groups     the number of groups, dividing both channel counts
     * @param window     the kernel, strides, dilations and padding
     */
    GroupedConv(INDArray weight, String weightName, INDArray bias, String biasName, int groups, Window window) {
        this.weight = weight;
        this.bias = bias;
        this.weightName = weightName;
        this.biasName = biasName;
        this.groups = groups;
        this.window = window;
    }

    private int outChannels() {
        return (int) weight.size(0);
    }

    private int groupInChannels() {
        return (int) weight.size(1);
    }

    private int kernelValues() {
        return window.kernelH() * window.kernelW();
    }

    @Override
    public INDArray forward(INDArray[] inputs, boolean training) {
        INDArray x = inputs[0];
        if (x.rank() != 4 || x.size(0) != (long) groupInChannels() * groups) {
            throw new IllegalArgumentException("convolution expects a batch of " + groupInChannels() * groups
                    + "-channel images, found shape " + Arrays.toString(x.shape()));
        }
        inputShape = x.shape();
        outHeight = window.outHeight(inputShape[2]);
        outWidth = window.outWidth(inputShape[3]);
        double[] in = Host.values(x);
        int perGroup = outChannels() / groups;
        long pixels = inputShape[1] * outHeight * outWidth;
        INDArray weights = weightMatrix();
        INDArray out = Nd4j.create(DataType.DOUBLE, outChannels(), pixels);
        columns = new INDArray[groups];
        for (int g = 0; g < groups; g++) {
            columns[g] = Nd4j.createFromArray(unfold(in, g * groupInChannels()))
                    .reshape('c', (long) groupInChannels() * kernelValues(), pixels);
            out.get(NDArrayIndex.interval(g * perGroup, (g + 1) * perGroup), NDArrayIndex.all())
                    .assign(MatrixProducts.product(rows(weights, g), columns[g], false, false));
        }
        if (bias != null) {
            out.addiColumnVector(bias.castTo(DataType.DOUBLE).reshape(outChannels(), 1));
        }
        return out.reshape('c', outChannels(), inputShape[1], outHeight, outWidth).castTo(x.dataType());
    }

    private INDArray weightMatrix() {
        return weight.castTo(DataType.DOUBLE).dup('c').reshape('c', outChannels(),
                (long) groupInChannels() * kernelValues());
    }

    private INDArray rows(INDArray matrix, int group) {
        int perGroup = outChannels() / groups;
        return matrix.get(NDArrayIndex.interval(group * perGroup, (group + 1) * perGroup), NDArrayIndex.all());
    }

    /** The column matrix {@code [in/groups·kh·kw, N·oh·ow]} of the group whose channels start at {@code first}. */
    private double[] unfold(double[] in, int first) {
        int pixels = (int) inputShape[1] * outHeight * outWidth;
        double[] cols = new double[groupInChannels() * kernelValues() * pixels];
        forEachTap(first, (row, column, source) -> cols[row * pixels + column] = in[source]);
        return cols;
    }

    /** Calls {@code tap} for every (column-matrix row, column, input index) that reads a value inside the image. */
    private void forEachTap(int first, Tap tap) {
        int n = (int) inputShape[1];
        int h = (int) inputShape[2];
        int w = (int) inputShape[3];
        for (int c = 0; c < groupInChannels(); c++) {
            for (int i = 0; i < window.kernelH(); i++) {
                for (int j = 0; j < window.kernelW(); j++) {
                    int row = (c * window.kernelH() + i) * window.kernelW() + j;
                    for (int img = 0; img < n; img++) {
                        int plane = ((first + c) * n + img) * h;
                        for (int oy = 0; oy < outHeight; oy++) {
                            int y = oy * window.strideH() - window.padTop() + i * window.dilationH();
                            if (y < 0 || y >= h) {
                                continue;
                            }
                            for (int ox = 0; ox < outWidth; ox++) {
                                int x = ox * window.strideW() - window.padLeft() + j * window.dilationW();
                                if (x >= 0 && x < w) {
                                    tap.at(row, (img * outHeight + oy) * outWidth + ox, (plane + y) * w + x);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** One tap of the kernel: column-matrix entry {@code (row, column)} reads input value {@code source}. */
    private interface Tap {
        void at(int row, int column, int source);
    }

    @Override
    public INDArray[] backward(INDArray gradOutput, boolean[] wanted) {
        INDArray[] cols = ForwardCheck.require(columns, "Conv");
        long pixels = inputShape[1] * outHeight * outWidth;
        INDArray grad = gradOutput.castTo(DataType.DOUBLE).dup('c').reshape('c', outChannels(), pixels);
        INDArray weights = weightMatrix();
        INDArray weightGrad = Nd4j.create(DataType.DOUBLE, weights.shape());
        double[] inputGrad = wanted[0] ? new double[Math.toIntExact(inputShape[0] * inputShape[1] * inputShape[2]
                * inputShape[3])] : null;
        int p = (int) pixels;
        for (int g = 0; g < groups; g++) {
            INDArray groupGrad = rows(grad, g);
            rows(weightGrad, g).assign(MatrixProducts.product(groupGrad, cols[g], false, true));
            if (inputGrad != null) {
                double[] colGrad = Host.values(MatrixProducts.product(rows(weights, g), groupGrad, true, false));
                forEachTap(g * groupInChannels(),
                        (row, column, source) -> inputGrad[source] += colGrad[row * p + column]);
            }
        }
        DataType type = weight.dataType();
        Map<String, INDArray> grads = new LinkedHashMap<>();
        grads.put(weightName, weightGrad.reshape('c', weight.shape()).castTo(type).dup('c'));
        if (bias != null) {
            grads.put(biasName, grad.sum(1).castTo(type));
        }
        gradients = grads;
        INDArray dx = inputGrad == null ? null : Host.array(inputGrad, gradOutput.dataType(), inputShape);
        return new INDArray[]{dx};
    }

    @Override
    public Map<String, INDArray> parameters() {
        return GraphOp.weightAndBias(weightName, weight, biasName, bias);
    }

    @Override
    public Map<String, INDArray> gradients() {
        return gradients;
    }

    @Override
    public GraphOp copy() {
        return new GroupedConv(weight.dup(), weightName, bias == null ? null : bias.dup(), biasName, groups, window);
    }

    @Override
    public String toString() {
        return "GroupedConv(" + groupInChannels() * groups + " -> " + outChannels() + ", groups=" + groups + ", "
                + window + ")";
    }
}
