package org.dml4j.mlflow;

import com.fasterxml.jackson.core.JsonProcessingException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code MLmodel} file of a model directory, as YAML (the file) and JSON (for {@code runs/log-model}): the
 * legacy run-artifact model with one {@code dml4j} flavor, or any content ({@link ModelDirectory}'s flavors and
 * signature). Values are strings, nested maps and lists of strings.
 */
final class MlModelFile {

    /** The flavor name under {@code flavors}. */
    static final String FLAVOR = "dml4j";

    private final Map<String, Object> content = new LinkedHashMap<>();

    /**
     * Describes a logged model.
     *
     * @param model the spooled model record
     * @param runId the run that logs it
     */
    MlModelFile(TrackingRecord.LogModel model, String runId) {
        content.put("artifact_path", model.artifactPath());
        content.put("flavors", Map.of(FLAVOR, model.flavor()));
        content.put("model_uuid", model.modelUuid());
        content.put("run_id", runId);
        content.put("utc_time_created", model.createdUtc());
    }

    /**
     * Describes a model with the given fields.
     *
     * @param content the fields, in order (copied)
     */
    MlModelFile(Map<String, Object> content) {
        this.content.putAll(content);
    }

    /**
     * The content as JSON.
     *
     * @return the JSON text
     */
    String json() {
        try {
            return MlflowHttp.JSON.writeValueAsString(content);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the MLmodel JSON: " + e.getMessage(), e);
        }
    }

    /**
     * The content as YAML; every scalar is a double-quoted JSON string, which YAML reads as is.
     *
     * @return the YAML text
     */
    String yaml() {
        StringBuilder yaml = new StringBuilder();
        write(content, "", yaml);
        return yaml.toString();
    }

    private static void write(Map<?, ?> map, String indent, StringBuilder yaml) {
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            yaml.append(indent).append(entry.getKey()).append(':');
            if (entry.getValue() instanceof Map<?, ?> nested) {
                yaml.append('\n');
                write(nested, indent + "  ", yaml);
            } else if (entry.getValue() instanceof List<?> items) {
                yaml.append('\n');
                items.forEach(item -> yaml.append(indent).append("- ").append(quote(String.valueOf(item)))
                        .append('\n'));
            } else {
                yaml.append(' ').append(quote(String.valueOf(entry.getValue()))).append('\n');
            }
        }
    }

    private static String quote(String value) {
        try {
            return MlflowHttp.JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot quote " + value, e);
        }
    }
}
