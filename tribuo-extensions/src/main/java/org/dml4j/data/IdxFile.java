package org.dml4j.data;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;

/**
 * An unsigned-byte IDX file (the MNIST format: a zero short, the type byte {@code 0x08}, the number of dimensions,
 * each dimension as a big-endian int, then the values), gzip-compressed or not — compression is recognised by its
 * magic bytes, not the file name. Tribuo's {@code IDXDataSource} reads the same files but widens every value to a
 * {@code double} and drops zeros; this keeps the raw bytes (47 MB for MNIST's training images).
 *
 * @param path   the file read
 * @param shape  the dimensions
 * @param values the values in row-major order, as stored (unsigned: use {@code values[i] & 0xFF})
 * @param sha256 the SHA-256 of the file as stored, in hex, for provenance
 */
public record IdxFile(Path path, int[] shape, byte[] values, String sha256) {

    private static final int UNSIGNED_BYTE = 0x08;

    /**
     * Reads a file.
     *
     * @param path the file
     * @return its contents
     * @throws IOException if it cannot be read or is not a valid unsigned-byte IDX file; the message names the file
     */
    public static IdxFile read(Path path) throws IOException {
        byte[] raw;
        try {
            raw = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new IOException("IDX file " + path + " does not exist", e);
        }
        boolean gzip = raw.length >= 2 && (raw[0] & 0xFF) == 0x1f && (raw[1] & 0xFF) == 0x8b;
        InputStream in = new ByteArrayInputStream(raw);
        try (DataInputStream data = new DataInputStream(gzip ? new GZIPInputStream(in, 1 << 16) : in)) {
            int zero = data.readUnsignedShort();
            int type = data.readUnsignedByte();
            int rank = data.readUnsignedByte();
            if (zero != 0 || rank == 0) {
                throw new IOException("IDX file " + path + " has an invalid header (magic " + zero + ", "
                        + rank + " dimensions); expected an MNIST-style .idx file, gzipped or not");
            }
            if (type != UNSIGNED_BYTE) {
                throw new IOException("IDX file " + path + " holds type 0x" + Integer.toHexString(type)
                        + "; only unsigned bytes (0x08, as in MNIST) are supported");
            }
            int[] shape = new int[rank];
            long size = 1;
            for (int i = 0; i < rank; i++) {
                shape[i] = data.readInt();
                size *= shape[i];
                if (shape[i] < 1 || size > Integer.MAX_VALUE) {
                    throw new IOException("IDX file " + path + " has an invalid shape " + Arrays.toString(shape));
                }
            }
            byte[] values = new byte[(int) size];
            try {
                data.readFully(values);
            } catch (EOFException e) {
                throw new IOException("IDX file " + path + " is truncated: its shape " + Arrays.toString(shape)
                        + " needs " + size + " values", e);
            }
            if (data.read() != -1) {
                throw new IOException("IDX file " + path + " has data after the " + size + " values of shape "
                        + Arrays.toString(shape));
            }
            return new IdxFile(path, shape, values, sha256(raw));
        } catch (EOFException e) {
            throw new IOException("IDX file " + path + " ends inside its header", e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM lacks SHA-256", e);
        }
    }

    /** @return the size of the first dimension (the number of items) */
    public int count() {
        return shape[0];
    }

    /** @return the number of values per item (the product of the other dimensions) */
    public int itemSize() {
        return values.length / shape[0];
    }
}
