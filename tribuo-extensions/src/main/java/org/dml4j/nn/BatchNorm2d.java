package org.dml4j.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * Batch normalization of each channel of an NCHW batch over the batch and both spatial dimensions, as PyTorch's
 * {@code nn.BatchNorm2d}; it is {@link BatchNorm1d} applied to the channels-last rows, with the same parameters,
 * buffers, {@code eps} and {@code momentum}.
 */
public final class BatchNorm2d implements Layer {

    private final BatchNorm1d rows;
    private final long channels;
    private long[] shape;

    /**
     * Creates a batch normalization layer.
     *
     * @param channels the number of channels
     * @param dataType the parameters' type
     */
    public BatchNorm2d(int channels, DataType dataType) {
        this(new BatchNorm1d(channels, dataType), channels);
    }

    private BatchNorm2d(BatchNorm1d rows, long channels) {
        this.rows = rows;
        this.channels = channels;
    }

    @Override
    public INDArray forward(INDArray input, boolean training) {
        Nchw.check(input, channels, "BatchNorm2d");
        shape = input.shape();
        return Nchw.fromRows(rows.forward(Nchw.toRows(input), training), shape[0], shape[2], shape[3]);
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        long[] s = ForwardCache.require(shape, "BatchNorm2d");
        return Nchw.fromRows(rows.backward(Nchw.toRows(gradOutput)), s[0], s[2], s[3]);
    }

    @Override
    public Map<String, INDArray> parameters() {
        return rows.parameters();
    }

    @Override
    public Map<String, INDArray> gradients() {
        return rows.gradients();
    }

    @Override
    public Map<String, INDArray> buffers() {
        return rows.buffers();
    }

    @Override
    public Layer copy() {
        return new BatchNorm2d((BatchNorm1d) rows.copy(), channels);
    }

    @Override
    public String toString() {
        return "BatchNorm2d(" + channels + ")";
    }
}
