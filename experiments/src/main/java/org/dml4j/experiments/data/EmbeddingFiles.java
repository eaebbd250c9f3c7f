package org.dml4j.experiments.data;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes an embedding matrix (one row per example) as TSV or as a NumPy {@code .npy} file of float32. */
public final class EmbeddingFiles {

    private static final int NPY_ALIGNMENT = 64;

    private EmbeddingFiles() {
    }

    /**
     * Writes one tab-separated line per row, no header (the TensorBoard projector's vector format).
     *
     * @param file       the file
     * @param embeddings the rows
     * @throws IOException when it cannot be written
     */
    public static void writeTsv(Path file, INDArray embeddings) throws IOException {
        float[][] rows = embeddings.toFloatMatrix();
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            StringBuilder line = new StringBuilder();
            for (float[] row : rows) {
                line.setLength(0);
                for (int j = 0; j < row.length; j++) {
                    line.append(j == 0 ? "" : "\t").append(row[j]);
                }
                out.write(line.append('\n').toString());
            }
        }
    }

    /**
     * Writes a {@code .npy} file (format version 1.0): the magic string, a little-endian header length, a Python
     * dict header ({@code '<f4'}, C order, the shape) padded with spaces to a multiple of 64 bytes, then the values
     * as little-endian float32 in row-major order.
     *
     * @param file       the file
     * @param embeddings the rows
     * @throws IOException when it cannot be written
     */
    public static void writeNpy(Path file, INDArray embeddings) throws IOException {
        float[][] rows = embeddings.toFloatMatrix();
        int columns = rows.length == 0 ? embeddings.columns() : rows[0].length;
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows.length + ", " + columns + "), }";
        int preamble = 6 + 2 + 2; // magic, version, header length
        int padded = (preamble + dict.length() + 1 + NPY_ALIGNMENT - 1) / NPY_ALIGNMENT * NPY_ALIGNMENT;
        String header = dict + " ".repeat(padded - preamble - dict.length() - 1) + "\n";
        try (OutputStream raw = new BufferedOutputStream(Files.newOutputStream(file));
             DataOutputStream out = new DataOutputStream(raw)) {
            out.write(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
            out.write(ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) header.length())
                    .array());
            out.write(header.getBytes(StandardCharsets.US_ASCII));
            ByteBuffer row = ByteBuffer.allocate(columns * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (float[] values : rows) {
                row.clear();
                row.asFloatBuffer().put(values);
                out.write(row.array());
            }
        }
    }
}
