package org.dml4j.mlflow;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Keeps the spool readable by its owner only: what it holds (params, artifacts, the command's arguments) may be
 * private, so its folders are made {@code rwx------} and its files {@code rw-------}. On file systems without POSIX
 * permissions nothing changes.
 */
final class PrivateFiles {

    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private PrivateFiles() {
    }

    /**
     * The attributes that create a file as the owner's only, for {@code FileChannel.open} and
     * {@code Files.createFile}.
     *
     * @return the attributes, none without POSIX permissions
     */
    static FileAttribute<?>[] ownerOnly() {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------"))} : new FileAttribute<?>[0];
    }

    /**
     * Creates a folder (and its parents) and makes it the owner's only.
     *
     * @param directory the folder
     * @return the folder
     * @throws IOException when it cannot be created or restricted
     */
    static Path directory(Path directory) throws IOException {
        Files.createDirectories(directory);
        if (POSIX) {
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
        }
        return directory;
    }

    /**
     * Makes a file the owner's only.
     *
     * @param file the file
     * @return the file
     * @throws IOException when its permissions cannot be changed
     */
    static Path file(Path file) throws IOException {
        if (POSIX) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
        return file;
    }
}
