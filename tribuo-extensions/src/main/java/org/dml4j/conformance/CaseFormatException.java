package org.dml4j.conformance;

/** A case file that does not follow the {@code dml-golden} schema, or asks for something DML4J does not support. */
public final class CaseFormatException extends RuntimeException {

    /**
     * @param message what is wrong, naming the field
     */
    public CaseFormatException(String message) {
        super(message);
    }
}
