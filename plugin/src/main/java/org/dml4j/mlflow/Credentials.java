package org.dml4j.mlflow;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Credentials for an MLflow tracking server, as the MLflow clients read them: HTTP Basic from
 * {@code MLFLOW_TRACKING_USERNAME} and {@code MLFLOW_TRACKING_PASSWORD}, else a Bearer token from
 * {@code MLFLOW_TRACKING_TOKEN}; a tracking URI's user-info ({@code http://user:password@host}) is taken as Basic
 * credentials and removed from the URI ({@link #withoutUserInfo}), so that it is never logged, spooled, printed or
 * stored. {@link #toString()} never shows a secret.
 *
 * @param username the Basic user name, or null
 * @param password the Basic password, or null
 * @param token    the Bearer token, or null
 */
public record Credentials(String username, String password, String token) {

    /** No credentials: requests carry no {@code Authorization} header. */
    public static final Credentials NONE = new Credentials(null, null, null);

    /** A URI's scheme (group 1) and user-info (group 2, up to the last {@code @} of the authority). */
    private static final Pattern USER_INFO = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)([^/?#\\s]*)@");

    /**
     * A text with the user-info of every URI in it removed: {@code http://user:pass@host/x} becomes
     * {@code http://host/x}.
     *
     * @param text a URI, a message or an argument; null stays null
     * @return the text without user-info
     */
    public static String withoutUserInfo(String text) {
        return text == null ? null : USER_INFO.matcher(text).replaceAll("$1");
    }

    /**
     * These credentials, or, when they have neither a user name nor a password, the user name and password in a
     * URI's user-info (percent-decoded), with this token.
     *
     * @param uri the tracking URI as given
     * @return the credentials to use
     */
    public Credentials orUserInfoOf(String uri) {
        Matcher matcher = USER_INFO.matcher(uri);
        if (username != null || password != null || !matcher.lookingAt()) {
            return this;
        }
        String info = matcher.group(2);
        int colon = info.indexOf(':');
        return new Credentials(blankToNull(decode(colon < 0 ? info : info.substring(0, colon))),
                colon < 0 ? null : blankToNull(decode(info.substring(colon + 1))), token);
    }

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

    private static String decode(String text) {
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
