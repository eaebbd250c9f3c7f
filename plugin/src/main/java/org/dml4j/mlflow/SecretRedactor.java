package org.dml4j.mlflow;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Keeps credentials out of what the tracker sends as data: the configured password and token are replaced wherever
 * they appear, the user-info of URIs ({@code http://user:pass@host}) is removed, and values of keys that name a
 * secret are hidden.
 */
final class SecretRedactor {

    /** What replaces a secret. */
    static final String MASK = "****";

    private static final Pattern SECRET_KEY =
            Pattern.compile("(?i).*(password|passwd|secret|api[_.-]?key|credential|auth[_.-]?token).*");

    private final List<String> secrets;

    /**
     * Creates a redactor.
     *
     * @param credentials the credentials whose secrets to hide
     */
    SecretRedactor(Credentials credentials) {
        this.secrets = credentials.secrets();
    }

    /**
     * Hides the secrets in a text.
     *
     * @param text the text
     * @return the text with every secret masked
     */
    String redact(String text) {
        String result = Credentials.withoutUserInfo(text);
        for (String secret : secrets) {
            result = result.replace(secret, MASK);
        }
        return result;
    }

    /**
     * The value to send for a key: masked entirely when the key names a secret.
     *
     * @param key   the param or tag key
     * @param value the value
     * @return the safe value
     */
    String redact(String key, String value) {
        return SECRET_KEY.matcher(key).matches() ? MASK : redact(value);
    }
}
