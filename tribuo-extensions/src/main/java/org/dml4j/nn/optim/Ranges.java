package org.dml4j.nn.optim;

import com.oracle.labs.mlrg.olcut.config.PropertyException;

/**
 * The range check shared by the optimizers' and schedules' hyperparameters.
 */
final class Ranges {

    private Ranges() {
    }

    /**
     * Rejects a hyperparameter outside {@code [0, upper)}.
     *
     * @param field the field's name
     * @param value its value
     * @param upper the exclusive upper bound ({@code Double.POSITIVE_INFINITY} for none)
     * @throws PropertyException naming the field and the value
     */
    static void checkRange(String field, double value, double upper) {
        if (!(value >= 0 && value < upper)) {
            throw new PropertyException("", field, field + " must be in [0, " + upper + "), found " + value);
        }
    }
}
