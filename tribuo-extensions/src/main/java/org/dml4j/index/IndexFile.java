package org.dml4j.index;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Saves and loads a {@link NearestNeighbourIndex} together with the digest of the model it was built for.
 * <p>
 * Layout (big-endian): the magic {@code DML4JIDX}, the format version ({@link #CURRENT_VERSION}), the SHA-256 of
 * everything after it, then the body: the kind ({@code exact} or {@code hnsw}), the owner digest, the distance,
 * the dimension, the size, the specification's parameters and the kind's payload (the rows, and for a graph its
 * levels and neighbour lists, {@link StoredGraph}). Reading checks the checksum over the whole file before parsing anything, then the owner digest
 * against the expected one, so a damaged file or an index of another model is refused with a message saying so,
 * never used. Writing goes to a temporary file in the same folder that replaces the target when complete.
 */
public final class IndexFile {
    /**
     * The version of the layout this class writes and the newest it reads. Version 2 stores a graph as its rows and
     * neighbour lists; version 1 held hnswlib's Java serialization, which is no longer read (exact indexes of
     * version 1 still are).
     */
    public static final int CURRENT_VERSION = 2;

    private static final byte[] MAGIC = "DML4JIDX".getBytes(StandardCharsets.US_ASCII);
    private static final int DIGEST_BYTES = 32;
    private static final int MAX_OWNER_BYTES = 64;
    private static final int HEADER_BYTES = MAGIC.length + Integer.BYTES + DIGEST_BYTES;

    private IndexFile() {
    }

    /**
     * Writes an index.
     * @param file The file to write (replaced if it exists).
     * @param index The index.
     * @param owner The digest of the model whose embeddings the index holds (at most 64 bytes).
     * @throws IOException if the file cannot be written.
     */
    public static void write(Path file, NearestNeighbourIndex index, byte[] owner) throws IOException {
        if (owner == null || owner.length == 0 || owner.length > MAX_OWNER_BYTES) {
            throw new IllegalArgumentException("the owner digest must have 1 to " + MAX_OWNER_BYTES + " bytes");
        }
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            MessageDigest sha = sha256();
            try (OutputStream raw = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                raw.write(MAGIC);
                new DataOutputStream(raw).writeInt(CURRENT_VERSION);
                raw.write(new byte[DIGEST_BYTES]);
                DataOutputStream body = new DataOutputStream(new DigestOutputStream(raw, sha));
                writeBody(body, index, owner);
                body.flush();
            }
            try (RandomAccessFile patch = new RandomAccessFile(tmp.toFile(), "rw")) {
                patch.seek(MAGIC.length + Integer.BYTES);
                patch.write(sha.digest());
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void writeBody(DataOutputStream out, NearestNeighbourIndex index, byte[] owner)
            throws IOException {
        out.writeUTF(kind(index));
        out.writeInt(owner.length);
        out.write(owner);
        out.writeUTF(index.distance().name());
        out.writeInt(index.dimension());
        out.writeInt(index.size());
        if (index instanceof HnswIndex hnsw) {
            HnswIndexSpec spec = hnsw.spec();
            out.writeInt(spec.maxDegree());
            out.writeInt(spec.constructionBeam());
            out.writeInt(spec.searchBeam());
            hnsw.writePayload(out);
        } else {
            ExactIndex exact = (ExactIndex) index;
            out.writeInt(exact.spec().queryBlockSize());
            out.writeInt(exact.spec().referenceBlockSize());
            RowPayload.write(out, exact.references());
        }
    }

    private static String kind(NearestNeighbourIndex index) {
        if (index instanceof HnswIndex) {
            return "hnsw";
        }
        if (index instanceof ExactIndex) {
            return "exact";
        }
        throw new IllegalArgumentException("cannot save a " + index.getClass().getName()
                + "; IndexFile saves ExactIndex and HnswIndex");
    }

    /**
     * Reads an index, checking that the file is intact and was built for the expected model.
     * @param file The file written by {@link #write}.
     * @param expectedOwner The digest of the model that will use the index.
     * @return The index.
     * @throws IOException if the file cannot be read.
     * @throws IllegalArgumentException if the file is not an index, is damaged, has an unknown version or belongs
     *                                  to another model.
     */
    public static NearestNeighbourIndex read(Path file, byte[] expectedOwner) throws IOException {
        long length = Files.size(file);
        Header header = checkHeader(file);
        MessageDigest sha = sha256();
        try (InputStream in = new DigestInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16),
                sha)) {
            in.skipNBytes(HEADER_BYTES);
            sha.reset();
            in.transferTo(OutputStream.nullOutputStream());
        }
        if (!MessageDigest.isEqual(header.checksum(), sha.digest())) {
            throw corrupt(file, "its SHA-256 checksum does not match the content, so it was damaged or altered "
                    + "after it was written");
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            in.skipNBytes(HEADER_BYTES);
            return readBody(file, in, length, expectedOwner, header.version());
        } catch (EOFException e) {
            throw corrupt(file, "it ends early");
        }
    }

    /**
     * Reads the digest of the model an index file was built for, from its header alone (the checksum over the
     * whole file is checked by {@link #read}): a quick check before a large index is copied or uploaded with a model.
     * @param file The file written by {@link #write}.
     * @return The owner digest.
     * @throws IOException if the file cannot be read.
     * @throws IllegalArgumentException if the file is not an index or its header is damaged.
     */
    public static byte[] ownerDigest(Path file) throws IOException {
        checkHeader(file);
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            in.skipNBytes(HEADER_BYTES);
            in.readUTF();
            return readOwner(file, in);
        } catch (EOFException e) {
            throw corrupt(file, "it ends early");
        }
    }

    private static byte[] readOwner(Path file, DataInputStream in) throws IOException {
        int ownerLength = in.readInt();
        if (ownerLength < 1 || ownerLength > MAX_OWNER_BYTES) {
            throw corrupt(file, "its owner digest length " + ownerLength + " is outside 1.." + MAX_OWNER_BYTES);
        }
        return in.readNBytes(ownerLength);
    }

    /** The layout version and the stored checksum of a file. */
    private record Header(int version, byte[] checksum) {
    }

    /** Reads the magic, the version and the stored checksum. */
    private static Header checkHeader(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
            byte[] magic = new byte[MAGIC.length];
            int read = in.readNBytes(magic, 0, magic.length);
            if (read < magic.length || !Arrays.equals(magic, MAGIC)) {
                throw new IllegalArgumentException(file + " is not a DML4J index file (it does not start with "
                        + "DML4JIDX); give a file written by IndexFile.write or dml4j index build");
            }
            int version = in.readInt();
            if (version < 1 || version > CURRENT_VERSION) {
                throw new IllegalArgumentException("unknown index file version " + version + " in " + file
                        + "; this DML4J reads versions 1 to " + CURRENT_VERSION + ": update DML4J or rebuild the "
                        + "index");
            }
            return new Header(version, in.readNBytes(DIGEST_BYTES));
        } catch (EOFException e) {
            throw corrupt(file, "it ends inside its header");
        }
    }

    private static NearestNeighbourIndex readBody(Path file, DataInputStream in, long length, byte[] expectedOwner,
                                                  int version) throws IOException {
        String kind = in.readUTF();
        if (kind.equals("hnsw") && version == 1) {
            throw new IllegalArgumentException("the index file " + file + " holds a version 1 graph (hnswlib's Java "
                    + "serialization), which this DML4J no longer reads: rebuild the index (dml4j index build or "
                    + "IndexFile.write)");
        }
        byte[] owner = readOwner(file, in);
        if (!MessageDigest.isEqual(owner, expectedOwner)) {
            throw new IllegalArgumentException("the index file " + file + " was built for another model (model "
                    + "digest " + shortHex(owner) + ", this model's is " + shortHex(expectedOwner) + "); an index "
                    + "is only used with the model it was built from: rebuild it from this model");
        }
        KnnDistance distance;
        try {
            distance = KnnDistance.valueOf(in.readUTF());
        } catch (IllegalArgumentException e) {
            throw corrupt(file, "its distance is unknown");
        }
        int dimension = in.readInt();
        int size = in.readInt();
        if (dimension < 1 || size < 0 || (long) dimension * size * Float.BYTES > length) {
            throw corrupt(file, "its shape " + size + " x " + dimension + " does not fit its length " + length);
        }
        try {
            return switch (kind) {
                case "hnsw" -> {
                    HnswIndexSpec spec = new HnswIndexSpec(in.readInt(), in.readInt(), in.readInt(), 1);
                    yield HnswIndex.readPayload(spec, distance, dimension, size, in);
                }
                case "exact" -> {
                    ExactIndex index = new ExactIndexSpec(in.readInt(), in.readInt()).create(distance, dimension);
                    if (size > 0) {
                        index.add(RowPayload.read(in, size, dimension));
                    }
                    yield index;
                }
                default -> throw corrupt(file, "its index kind '" + kind + "' is unknown");
            };
        } catch (RuntimeException e) {
            if (e.getMessage() != null && e.getMessage().contains(file.toString())) {
                throw e;
            }
            throw corrupt(file, "its content is inconsistent (" + e.getMessage() + ")");
        }
    }

    /**
     * The SHA-256 of some bytes (the digest {@link org.dml4j.model.EmbeddingModel} uses for its content).
     * @return A new SHA-256 digest.
     */
    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private static String shortHex(byte[] digest) {
        return HexFormat.of().formatHex(digest, 0, Math.min(6, digest.length)) + "...";
    }

    private static IllegalArgumentException corrupt(Path file, String why) {
        return new IllegalArgumentException("corrupt index file " + file + ": " + why + "; rebuild the index or "
                + "use an intact copy");
    }
}
