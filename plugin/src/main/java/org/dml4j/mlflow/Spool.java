package org.dml4j.mlflow;

import com.fasterxml.jackson.databind.ObjectWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The local record of one run: an append-only JSON-lines file of {@link TrackingRecord}s ({@code records.jsonl}),
 * copies of its artifact files ({@code files/}), how far it was delivered ({@code state.json}), and the records the
 * server rejected and malformed lines ({@code rejected.jsonl}). One writer appends while one reader delivers. The
 * folder and its files are the owner's only ({@link PrivateFiles}).
 */
final class Spool {

    /** The records file. */
    static final String RECORDS = "records.jsonl";

    private static final String STATE = "state.json";
    private static final String REJECTED = "rejected.jsonl";
    /** The folder under the spool root of the runs {@link #retire()} took out of the pending ones. */
    static final String REJECTED_RUNS = "rejected";
    private static final ObjectWriter LINE_WRITER = MlflowHttp.JSON.writerFor(TrackingRecord.class);

    private final Path directory;
    private int files;
    private FileChannel lockChannel;
    private FileLock lock;

    /**
     * Opens (and creates when missing) a spool directory.
     *
     * @param directory the run's spool directory
     */
    Spool(Path directory) {
        this.directory = directory;
        try {
            PrivateFiles.directory(directory);
            PrivateFiles.directory(directory.resolve("files"));
            if (!Files.exists(directory.resolve(RECORDS))) {
                Files.createFile(directory.resolve(RECORDS), PrivateFiles.ownerOnly());
            }
            try (Stream<Path> stored = Files.list(directory.resolve("files"))) {
                files = (int) stored.count();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the MLflow spool directory " + directory
                    + "; make it writable or choose another with the tracker's spool option", e);
        }
    }

    /**
     * The spools under a root, oldest first (their names start with a timestamp).
     *
     * @param root the spool root
     * @return the spools
     * @throws IOException when the root cannot be listed
     */
    static List<Spool> under(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(root)) {
            return children.filter(dir -> Files.isRegularFile(dir.resolve(RECORDS)))
                    .sorted(Comparator.comparing(Path::getFileName)).map(Spool::new).toList();
        }
    }

    /**
     * The spool's directory.
     *
     * @return the directory
     */
    Path directory() {
        return directory;
    }

    /**
     * Appends a record as one line.
     *
     * @param record the record
     * @throws IOException when it cannot be written
     */
    void append(TrackingRecord record) throws IOException {
        appendLine(RECORDS, LINE_WRITER.writeValueAsString(record));
    }

    /**
     * Copies a file into the spool, so that it can be delivered even after the caller changed or removed it.
     *
     * @param source the file
     * @return the copy's path relative to the spool directory
     * @throws IOException when it cannot be copied
     */
    String storeFile(Path source) throws IOException {
        String name = "files/" + String.format("%06d-", files++) + source.getFileName();
        PrivateFiles.file(Files.copy(source, directory.resolve(name), StandardCopyOption.REPLACE_EXISTING));
        return name;
    }

    /**
     * The size of the records file: the offset after the last record appended so far.
     *
     * @return the size in bytes
     * @throws IOException when it cannot be read
     */
    long recordsEnd() throws IOException {
        return Files.size(directory.resolve(RECORDS));
    }

    /**
     * Records read from the delivered prefix on, each with the file offset after it.
     *
     * @param fromByte the offset to read from
     * @param max      the most records to read
     * @return the records; only complete lines are read
     * @throws IOException when the file cannot be read
     */
    List<Pending> pending(long fromByte, int max) throws IOException {
        List<Pending> records = new ArrayList<>();
        try (FileChannel channel = FileChannel.open(directory.resolve(RECORDS), StandardOpenOption.READ)) {
            long size = channel.size();
            if (size <= fromByte) {
                return records;
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(size - fromByte, 8L << 20));
            channel.read(buffer, fromByte);
            byte[] bytes = buffer.array();
            int lineStart = 0;
            for (int i = 0; i < buffer.position() && records.size() < max; i++) {
                if (bytes[i] == '\n') {
                    String line = new String(bytes, lineStart, i - lineStart, StandardCharsets.UTF_8);
                    records.add(parse(line, fromByte + i + 1));
                    lineStart = i + 1;
                }
            }
            if (records.isEmpty() && buffer.position() == bytes.length && size - fromByte > bytes.length) {
                throw new IOException("A record in " + directory.resolve(RECORDS) + " is longer than 8 MB");
            }
        }
        return records;
    }

    private Pending parse(String line, long endByte) {
        try {
            return new Pending(MlflowHttp.JSON.readValue(line, TrackingRecord.class), endByte, null);
        } catch (IOException | RuntimeException e) {
            String shown = line.length() > 500 ? line.substring(0, 500) + "..." : line;
            return new Pending(null, endByte, "a malformed line of " + directory.resolve(RECORDS) + " ending at"
                    + " byte " + endByte + " (" + e.getClass().getSimpleName() + "): " + shown);
        }
    }

    /**
     * The delivery state.
     *
     * @return the state, {@link SpoolState#EMPTY} before anything was delivered
     * @throws IOException when the state file cannot be read
     */
    SpoolState state() throws IOException {
        Path file = directory.resolve(STATE);
        return Files.exists(file) ? MlflowHttp.JSON.readValue(file.toFile(), SpoolState.class) : SpoolState.EMPTY;
    }

    /**
     * Replaces the delivery state atomically.
     *
     * @param state the new state
     * @throws IOException when it cannot be written
     */
    void saveState(SpoolState state) throws IOException {
        Path temporary = directory.resolve(STATE + ".tmp");
        MlflowHttp.JSON.writeValue(temporary.toFile(), state);
        PrivateFiles.file(temporary);
        Files.move(temporary, directory.resolve(STATE), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Keeps a record the server rejected, with the reason, in {@code rejected.jsonl}.
     *
     * @param record the record
     * @param reason the server's message
     * @throws IOException when it cannot be written
     */
    void reject(TrackingRecord record, String reason) throws IOException {
        String line = MlflowHttp.JSON.createObjectNode().put("reason", reason)
                .set("record", MlflowHttp.JSON.valueToTree(record)).toString();
        appendLine(REJECTED, line);
    }

    /**
     * Keeps a spool line that is not a record, with the reason, in {@code rejected.jsonl}.
     *
     * @param problem what is wrong with it, the line included
     * @throws IOException when it cannot be written
     */
    void rejectMalformed(String problem) throws IOException {
        appendLine(REJECTED, MlflowHttp.JSON.createObjectNode().put("reason", problem).toString());
    }

    /**
     * Moves a spool that was delivered as far as the server allowed, but with records it rejected, out of the
     * pending runs: to {@code <root>/rejected/<name>}, which {@link #under} does not list.
     *
     * @return the new directory, whose {@code rejected.jsonl} gives each rejected record and the reason
     * @throws IOException when it cannot be moved
     */
    Path retire() throws IOException {
        Path target = directory.getParent().resolve(REJECTED_RUNS).resolve(directory.getFileName());
        Files.createDirectories(target.getParent());
        Files.move(directory, target, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    /**
     * Deletes the spool directory and everything in it.
     *
     * @throws IOException when something cannot be deleted
     */
    void delete() throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /**
     * Takes the spool's lock, which tells other processes (and {@link SpoolReplayer}s) that a tracker delivers it.
     *
     * @return true when this spool now holds the lock, false when someone else does
     * @throws IOException when the lock file cannot be opened
     */
    synchronized boolean lock() throws IOException {
        FileChannel channel = FileChannel.open(directory.resolve("lock"), Set.of(StandardOpenOption.CREATE,
                StandardOpenOption.WRITE), PrivateFiles.ownerOnly());
        try {
            FileLock taken = channel.tryLock();
            if (taken != null) {
                lockChannel = channel;
                lock = taken;
                return true;
            }
        } catch (OverlappingFileLockException heldInThisJvm) {
            // another Spool object of this process holds it
        }
        channel.close();
        return false;
    }

    /**
     * Releases the lock taken by {@link #lock()}, if any.
     *
     * @throws IOException when the lock file cannot be closed
     */
    synchronized void unlock() throws IOException {
        if (lock != null) {
            lock.release();
            lockChannel.close();
            lock = null;
            lockChannel = null;
        }
    }

    private void appendLine(String fileName, String line) throws IOException {
        try (FileChannel channel = FileChannel.open(directory.resolve(fileName), Set.of(StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.APPEND), PrivateFiles.ownerOnly())) {
            ByteBuffer bytes = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        }
    }

    /**
     * A spooled record not yet delivered.
     *
     * @param record    the record, or null when the line is malformed
     * @param endByte   the file offset just after it
     * @param malformed what is wrong with the line (the line included), or null
     */
    record Pending(TrackingRecord record, long endByte, String malformed) {
    }
}
