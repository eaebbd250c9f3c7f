package org.dml4j.nn;

import org.dml4j.nd.HostArrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

/**
 * Generalized-mean (GeM) pooling (Radenović, Tolias and Chum, 2018): each channel of each image of a CNHW batch
 * ({@link ImageBatch}) becomes {@code (mean(max(x, eps)^p))^(1/p)} over its pixels, giving the rows {@code [N, C]}.
 * The exponent {@code p} is one learned parameter shared by all channels, starting at 3; {@code p = 1} is average
 * pooling and a large {@code p} approaches max pooling. The same as cirtorch's {@code GeM} layer
 * ({@code avg_pool2d(x.clamp(min=eps).pow(p), (H, W)).pow(1/p)} with {@code eps = 1e-6}). It computes in float64 and
 * rounds the result once to the input's type.
 */
public final class GeMPool2d implements Layer {

    /** The lower clamp of the inputs, which keeps their powers and logarithms finite. */
    public static final double EPSILON = 1e-6;
    /** The initial exponent. */
    public static final double INITIAL_P = 3;

    private final INDArray p;
    private Map<String, INDArray> gradients = Map.of();
    private long[] shape;
    private double[] input;
    private double[] means;
    private double[] output;

    /**
     * Creates the layer with {@code p = 3}.
     *
     * @param dataType the parameter's type
     */
    public GeMPool2d(DataType dataType) {
        this(Nd4j.valueArrayOf(new long[]{1}, INITIAL_P, dataType));
    }

    private GeMPool2d(INDArray p) {
        this.p = p;
    }

    @Override
    public INDArray forward(INDArray x, boolean training) {
        if (x.rank() != 4) {
            throw new IllegalArgumentException("GeMPool2d expects a [channels, batch, height, width] image batch, "
                    + "found rank " + x.rank());
        }
        shape = x.shape();
        input = HostArrays.doubles(x);
        double power = p.getDouble(0);
        int planes = Math.toIntExact(shape[0] * shape[1]);
        int area = Math.toIntExact(shape[2] * shape[3]);
        means = new double[planes];
        output = new double[planes];
        for (int plane = 0; plane < planes; plane++) {
            double sum = 0;
            for (int i = plane * area; i < (plane + 1) * area; i++) {
                sum += Math.pow(Math.max(input[i], EPSILON), power);
            }
            means[plane] = sum / area;
            output[plane] = Math.pow(means[plane], 1 / power);
        }
        // planes are (channel, image); the rows are images
        return HostArrays.create(output, x.dataType(), shape[0], shape[1]).transpose().dup('c');
    }

    /**
     * With {@code z = max(x, eps)}, {@code m = mean(z^p)} and {@code y = m^(1/p)}: {@code dy/dx = y·z^(p-1)/(m·HW)}
     * where {@code x ≥ eps} (0 below, as PyTorch's clamp), and
     * {@code dy/dp = y·(mean(z^p·ln z)/(p·m) - ln(m)/p²)}.
     */
    @Override
    public INDArray backward(INDArray gradOutput) {
        long[] s = ForwardCache.require(shape, "GeMPool2d");
        double[] g = HostArrays.doubles(gradOutput.transpose());
        double power = p.getDouble(0);
        int planes = output.length;
        int area = Math.toIntExact(s[2] * s[3]);
        double[] dx = new double[input.length];
        double dp = 0;
        for (int plane = 0; plane < planes; plane++) {
            double y = output[plane];
            double m = means[plane];
            double scale = g[plane] * y / (m * area);
            double logSum = 0;
            for (int i = plane * area; i < (plane + 1) * area; i++) {
                double z = Math.max(input[i], EPSILON);
                double zp = Math.pow(z, power);
                logSum += zp * Math.log(z);
                dx[i] = input[i] >= EPSILON ? scale * zp / z : 0;
            }
            dp += g[plane] * y * (logSum / (area * power * m) - Math.log(m) / (power * power));
        }
        gradients = Map.of("p", HostArrays.create(new double[]{dp}, p.dataType(), 1));
        return HostArrays.create(dx, gradOutput.dataType(), s);
    }

    /** @return the current exponent */
    public double p() {
        return p.getDouble(0);
    }

    @Override
    public Map<String, INDArray> parameters() {
        return Map.of("p", p);
    }

    @Override
    public Map<String, INDArray> gradients() {
        return gradients;
    }

    @Override
    public Layer copy() {
        return new GeMPool2d(p.dup());
    }

    @Override
    public String toString() {
        return "GeMPool2d(p=" + p() + ")";
    }
}
