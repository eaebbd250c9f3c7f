package org.dml4j.mlflow;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Where and how to reach an MLflow tracking server.
 *
 * @param trackingUri    the server, e.g. {@code http://127.0.0.1:5000} (http or https); user-info in it is moved to
 *                       the credentials
 * @param credentials    Basic or Bearer credentials, {@link Credentials#NONE} without (the tracking URI's user name
 *                       and password when these have none)
 * @param insecureTls    accept any TLS certificate and host name ({@code MLFLOW_TRACKING_INSECURE_TLS=true}); for
 *                       test servers with self-signed certificates only
 * @param connectTimeout the limit on opening a connection
 * @param requestTimeout the limit on one request, from sending it to the end of the response
 * @param retry          how transient failures are retried
 */
public record MlflowConnection(URI trackingUri, Credentials credentials, boolean insecureTls,
                               Duration connectTimeout, Duration requestTimeout, RetryPolicy retry) {

    /** The default connect timeout. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /** The default request timeout. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);

    /**
     * Validates the connection.
     *
     * @param trackingUri see the record
     * @param credentials see the record
     * @param insecureTls see the record
     * @param connectTimeout see the record
     * @param requestTimeout see the record
     * @param retry see the record
     * @throws IllegalArgumentException when the URI is not an absolute http(s) URI or a timeout is not positive
     */
    public MlflowConnection {
        Objects.requireNonNull(trackingUri, "trackingUri");
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(retry, "retry");
        String given = trackingUri.toString();
        if (!Credentials.withoutUserInfo(given).equals(given)) {
            credentials = credentials.orUserInfoOf(given);
            trackingUri = URI.create(Credentials.withoutUserInfo(given));
        }
        String scheme = trackingUri.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme) || trackingUri.getHost() == null) {
            throw new IllegalArgumentException("MLflow tracking URI '" + trackingUri + "' is not an http(s) URI with"
                    + " a host; set MLFLOW_TRACKING_URI or --tracking-uri to e.g. http://127.0.0.1:5000");
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero()
                || requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("MLflow timeouts must be positive, found connect " + connectTimeout
                    + " and request " + requestTimeout);
        }
        String text = trackingUri.toString();
        if (text.endsWith("/")) {
            trackingUri = URI.create(text.substring(0, text.length() - 1));
        }
    }

    /**
     * A connection with the default timeouts and retries and no credentials (but the URI's user-info).
     *
     * @param trackingUri the server
     * @return the connection
     */
    public static MlflowConnection of(String trackingUri) {
        return new MlflowConnection(uri(trackingUri), Credentials.NONE.orUserInfoOf(trackingUri), false,
                DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT, RetryPolicy.DEFAULT);
    }

    /**
     * Reads the connection from MLflow's standard environment variables: {@code MLFLOW_TRACKING_URI} (unless
     * {@code trackingUri} is given), the credentials, and {@code MLFLOW_TRACKING_INSECURE_TLS}.
     *
     * @param env         the environment, such as {@link System#getenv()}
     * @param trackingUri a URI given on the command line, or null to use {@code MLFLOW_TRACKING_URI}
     * @return the connection
     * @throws IllegalArgumentException when neither names a tracking URI
     */
    public static MlflowConnection fromEnvironment(Map<String, String> env, String trackingUri) {
        String uri = trackingUri != null ? trackingUri : env.get("MLFLOW_TRACKING_URI");
        if (uri == null || uri.isBlank()) {
            throw new IllegalArgumentException("No MLflow tracking URI: set MLFLOW_TRACKING_URI or pass"
                    + " --tracking-uri (e.g. http://127.0.0.1:5000)");
        }
        boolean insecure = "true".equalsIgnoreCase(env.getOrDefault("MLFLOW_TRACKING_INSECURE_TLS", "false"));
        return new MlflowConnection(uri(uri.trim()), Credentials.fromEnvironment(env).orUserInfoOf(uri.trim()),
                insecure, DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT, RetryPolicy.DEFAULT);
    }

    /** The URI of a text without its user-info, which a syntax error's message would otherwise show. */
    private static URI uri(String text) {
        return URI.create(Credentials.withoutUserInfo(text));
    }

    /**
     * This connection with other credentials.
     *
     * @param newCredentials the credentials
     * @return the new connection
     */
    public MlflowConnection withCredentials(Credentials newCredentials) {
        return new MlflowConnection(trackingUri, newCredentials, insecureTls, connectTimeout, requestTimeout, retry);
    }

    /**
     * This connection with other timeouts and retries.
     *
     * @param connect  the connect timeout
     * @param request  the request timeout
     * @param newRetry the retry policy
     * @return the new connection
     */
    public MlflowConnection withLimits(Duration connect, Duration request, RetryPolicy newRetry) {
        return new MlflowConnection(trackingUri, credentials, insecureTls, connect, request, newRetry);
    }
}
