package org.dml4j.experiments.io;

/**
 * A mistake the user can fix (unknown name, missing file, wrong column): the command prints its message, which names
 * the problem and the fix, and exits with status 2, without a stack trace.
 */
public final class UserError extends RuntimeException {

    /**
     * @param message the problem and the fix
     */
    public UserError(String message) {
        super(message);
    }

    /**
     * @param message the problem and the fix
     * @param cause   the failure behind it
     */
    public UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
