package org.dml4j.experiments;

/**
 * A mistake the user can fix (unknown name, missing file, wrong column): the command prints its message, which names
 * the problem and the fix, and exits with status 2, without a stack trace.
 */
final class UserError extends RuntimeException {

    UserError(String message) {
        super(message);
    }

    UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
