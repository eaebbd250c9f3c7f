package org.dml4j.mlflow;

/**
 * A request to register a logged model in the MLflow Model Registry.
 *
 * @param name  the registered model name (created when missing)
 * @param alias an alias to point at the new version (e.g. {@code champion}), or null
 */
public record ModelRegistration(String name, String alias) {

    /**
     * Validates the request.
     *
     * @param name see the record
     * @param alias see the record
     * @throws IllegalArgumentException when the name is blank
     */
    public ModelRegistration {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("ModelRegistration.name must name a registered model, found '"
                    + name + "'");
        }
    }
}
