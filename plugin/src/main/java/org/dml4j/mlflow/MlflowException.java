package org.dml4j.mlflow;

/** A failed call to an MLflow server; the message names the server, the call, the cause and the fix. */
public final class MlflowException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What kind of failure this is. */
    private final FailureKind kind;

    /** The HTTP status, or 0 when no response came. */
    private final int status;

    /** MLflow's {@code error_code} (e.g. {@code RESOURCE_ALREADY_EXISTS}), or an empty string. */
    private final String errorCode;

    /**
     * Creates the exception.
     *
     * @param kind      the kind of failure
     * @param status    the HTTP status, or 0 without a response
     * @param errorCode MLflow's error code, or an empty string
     * @param message   the message
     * @param cause     the cause, or null
     */
    public MlflowException(FailureKind kind, int status, String errorCode, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.status = status;
        this.errorCode = errorCode;
    }

    /**
     * What kind of failure this is.
     *
     * @return the kind
     */
    public FailureKind kind() {
        return kind;
    }

    /**
     * The HTTP status.
     *
     * @return the status, or 0 when no response came
     */
    public int status() {
        return status;
    }

    /**
     * MLflow's error code.
     *
     * @return the code (e.g. {@code RESOURCE_DOES_NOT_EXIST}), or an empty string
     */
    public String errorCode() {
        return errorCode;
    }
}
