package org.dml4j.experiments.bench;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the 2-D little-endian float32 C-order {@code .npy} files {@code dml4j embed} writes (for benchmarks). */
final class NpyReader {
    private static final Pattern SHAPE = Pattern.compile("'shape': \\((\\d+), (\\d+)\\)");
    private static final int BLOCK = 8192;

    private NpyReader() {
    }

    static INDArray read(Path file) throws IOException {
        try (InputStream raw = Files.newInputStream(file); DataInputStream in = new DataInputStream(raw)) {
            byte[] preamble = in.readNBytes(10);
            int headerLength = ByteBuffer.wrap(preamble, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xffff;
            String header = new String(in.readNBytes(headerLength), StandardCharsets.US_ASCII);
            Matcher shape = SHAPE.matcher(header);
            if (preamble[0] != (byte) 0x93 || !header.contains("'<f4'") || header.contains("'fortran_order': True")
                    || !shape.find()) {
                throw new IOException(file + " is not a 2-D little-endian float32 C-order .npy file: " + header);
            }
            int rows = Integer.parseInt(shape.group(1));
            int cols = Integer.parseInt(shape.group(2));
            INDArray out = Nd4j.create(DataType.FLOAT, rows, cols);
            for (int start = 0; start < rows; start += BLOCK) {
                int end = Math.min(rows, start + BLOCK);
                float[] values = new float[(end - start) * cols];
                ByteBuffer.wrap(in.readNBytes(values.length * Float.BYTES)).order(ByteOrder.LITTLE_ENDIAN)
                        .asFloatBuffer().get(values);
                out.get(NDArrayIndex.interval(start, end), NDArrayIndex.all())
                        .assign(Nd4j.create(values, new long[]{end - start, cols}, 'c'));
            }
            return out;
        }
    }
}
