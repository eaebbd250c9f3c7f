package org.dml4j.mlflow;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * MLflow's rules for keys and values, and the tag names its UI knows. Keys may hold letters, digits, {@code _ - . /},
 * spaces and colons, at most 250 characters, and must be normalized paths (no {@code //}, {@code ..}, leading
 * {@code /}); param values hold at most 6000 characters, tag values 8000.
 */
public final class MlflowKeys {

    /** The longest key. */
    public static final int MAX_KEY_LENGTH = 250;

    /** The longest param value. */
    public static final int MAX_PARAM_VALUE_LENGTH = 6000;

    /** The longest tag value. */
    public static final int MAX_TAG_VALUE_LENGTH = 8000;

    /** The run name tag (must agree with the run's name). */
    public static final String RUN_NAME_TAG = "mlflow.runName";

    /** The user tag. */
    public static final String USER_TAG = "mlflow.user";

    /** The source name tag (the program). */
    public static final String SOURCE_NAME_TAG = "mlflow.source.name";

    /** The source type tag ({@code LOCAL}, {@code JOB}, ...). */
    public static final String SOURCE_TYPE_TAG = "mlflow.source.type";

    /** The git commit tag. */
    public static final String GIT_COMMIT_TAG = "mlflow.source.git.commit";

    /** The run description tag (Markdown). */
    public static final String NOTE_TAG = "mlflow.note.content";

    /** The parent run tag that nests runs in the UI. */
    public static final String PARENT_RUN_TAG = "mlflow.parentRunId";

    /** The id DML4J gives a run before the server does, which makes run creation idempotent. */
    public static final String CLIENT_RUN_ID_TAG = "dml4j.clientRunId";

    /** The error of a failed run. */
    public static final String ERROR_TAG = "dml4j.error";

    /** Run tag: the MLflow version of the server the run was created on ({@link ServerVersions}). */
    public static final String SERVER_VERSION_TAG = "dml4j.mlflowServerVersion";

    /**
     * The experiment tag by which the MLflow 3 UI picks its view; {@link #MODEL_TRAINING_KIND} opens the training
     * view (runs, metric charts), not the GenAI one (traces, evaluations).
     */
    public static final String EXPERIMENT_KIND_TAG = "mlflow.experimentKind";

    /** The {@link #EXPERIMENT_KIND_TAG} value of model training ({@code ExperimentKind.CUSTOM_MODEL_DEVELOPMENT}). */
    public static final String MODEL_TRAINING_KIND = "custom_model_development";

    /** The dataset input tag saying what a run used the data for. */
    public static final String DATASET_CONTEXT_TAG = "mlflow.data.context";

    private static final Pattern BAD_CHARACTER = Pattern.compile("[^A-Za-z0-9_\\-./ :]");
    private static final Pattern SLASHES = Pattern.compile("/{2,}");

    private MlflowKeys() {
    }

    /**
     * Turns any text into a valid MLflow key: other characters become {@code _}, {@code .} and {@code ..} path
     * segments become {@code _}, empty segments are dropped, and a key over 250 characters keeps its start and a
     * checksum of the whole so that distinct long keys stay distinct.
     *
     * @param key the wanted key
     * @return a valid key (the same string when it is already valid)
     */
    public static String sanitizeKey(String key) {
        String clean = SLASHES.matcher(BAD_CHARACTER.matcher(key).replaceAll("_")).replaceAll("/");
        StringBuilder normalized = new StringBuilder(clean.length());
        for (String segment : clean.split("/")) {
            if (segment.isEmpty()) {
                continue;
            }
            if (!normalized.isEmpty()) {
                normalized.append('/');
            }
            normalized.append(".".equals(segment) || "..".equals(segment) ? "_" : segment);
        }
        String result = normalized.isEmpty() ? "_" : normalized.toString();
        if (result.length() <= MAX_KEY_LENGTH) {
            return result;
        }
        CRC32 crc = new CRC32();
        crc.update(key.getBytes(StandardCharsets.UTF_8));
        String suffix = "~" + Long.toHexString(crc.getValue());
        return result.substring(0, MAX_KEY_LENGTH - suffix.length()) + suffix;
    }

    /**
     * Shortens a value to a limit, visibly: the kept start is followed by
     * {@code ...[truncated, N chars in total]}.
     *
     * @param value the value
     * @param limit the longest allowed value
     * @return the value, or its truncated form
     */
    public static String truncate(String value, int limit) {
        if (value.length() <= limit) {
            return value;
        }
        String marker = "...[truncated, " + value.length() + " chars in total]";
        return value.substring(0, limit - marker.length()) + marker;
    }
}
