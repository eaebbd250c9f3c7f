package org.dml4j.mlflow;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Credentials for an MLflow tracking server, as the MLflow clients read them: HTTP Basic from
 * {@code MLFLOW_TRACKING_USERNAME} and {@code MLFLOW_TRACKING_PASSWORD}, else a Bearer token from
 * {@code MLFLOW_TRACKING_TOKEN}. {@link #toString()} never shows a secret.
 *
 * @param username the Basic user name, or null
 * @param password the Basic password, or null
 * @param token    the Bearer token, or null
 */
public record Credentials(String username, String password, String token) {

    /** No credentials: requests carry no {@code Authorization} header. */
    public static final Credentials NONE = new Credentials(null, null, null);

    /**
     * Reads the credentials from MLflow's standard environment variables.
     *
     * @param env the environment, such as {@link System#getenv()}
     * @return the credentials, {@link #NONE} when none are set
     */
    public static Credentials fromEnvironment(Map<String, String> env) {
        return new Credentials(blankToNull(env.get("MLFLOW_TRACKING_USERNAME")),
                blankToNull(env.get("MLFLOW_TRACKING_PASSWORD")), blankToNull(env.get("MLFLOW_TRACKING_TOKEN")));
    }

    /**
     * The {@code Authorization} header value: Basic when a user name and password are set, else Bearer when a token
     * is set.
     *
     * @return the header value, empty without credentials
     */
    public Optional<String> authorizationHeader() {
        if (username != null && password != null) {
            String pair = username + ":" + password;
            return Optional.of("Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        }
        return token == null ? Optional.empty() : Optional.of("Bearer " + token);
    }

    /**
     * The secret strings that must never reach the server as data (password and token).
     *
     * @return the secrets that are set
     */
    public List<String> secrets() {
        List<String> secrets = new ArrayList<>(2);
        if (password != null) {
            secrets.add(password);
        }
        if (token != null) {
            secrets.add(token);
        }
        return secrets;
    }

    @Override
    public String toString() {
        return "Credentials[username=" + username + ", password=" + (password == null ? "none" : "****")
                + ", token=" + (token == null ? "none" : "****") + "]";
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
