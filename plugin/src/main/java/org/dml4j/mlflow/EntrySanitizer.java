package org.dml4j.mlflow;

import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Makes params and tags safe to send: keys follow MLflow's rules (distinct keys stay distinct), secrets are masked,
 * and values over MLflow's limits are truncated visibly, with a warning naming the key.
 */
final class EntrySanitizer {

    private static final System.Logger LOG = System.getLogger(EntrySanitizer.class.getName());

    private final SecretRedactor redactor;

    /**
     * Creates a sanitizer.
     *
     * @param redactor hides the credentials
     */
    EntrySanitizer(SecretRedactor redactor) {
        this.redactor = redactor;
    }

    /**
     * Sanitizes params (values at most {@value MlflowKeys#MAX_PARAM_VALUE_LENGTH} characters).
     *
     * @param params the params
     * @return the safe params, in order
     */
    Map<String, String> params(Map<String, String> params) {
        return sanitize(params, MlflowKeys.MAX_PARAM_VALUE_LENGTH, "param");
    }

    /**
     * Sanitizes tags (values at most {@value MlflowKeys#MAX_TAG_VALUE_LENGTH} characters).
     *
     * @param tags the tags
     * @return the safe tags, in order
     */
    Map<String, String> tags(Map<String, String> tags) {
        return sanitize(tags, MlflowKeys.MAX_TAG_VALUE_LENGTH, "tag");
    }

    /**
     * Hides the credentials in a text.
     *
     * @param text the text
     * @return the safe text
     */
    String redact(String text) {
        return redactor.redact(text);
    }

    private Map<String, String> sanitize(Map<String, String> entries, int limit, String kind) {
        Map<String, String> safe = new LinkedHashMap<>();
        for (Map.Entry<String, String> entry : entries.entrySet()) {
            String key = MlflowKeys.sanitizeKey(entry.getKey());
            for (int copy = 2; safe.containsKey(key); copy++) {
                key = MlflowKeys.sanitizeKey(entry.getKey() + "~" + copy);
            }
            String value = redactor.redact(entry.getKey(), String.valueOf(entry.getValue()));
            String truncated = MlflowKeys.truncate(value, limit);
            if (truncated.length() < value.length()) {
                LOG.log(Level.WARNING, "MLflow {0} ''{1}'' has {2} characters, over the limit of {3}; it is"
                        + " truncated (the provenance artifact keeps the full value)", kind, key, value.length(),
                        limit);
            }
            safe.put(key, truncated);
        }
        return safe;
    }
}
