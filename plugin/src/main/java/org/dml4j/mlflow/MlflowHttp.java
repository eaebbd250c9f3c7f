package org.dml4j.mlflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * The HTTP transport to an MLflow server: JSON calls under {@code /api/2.0/mlflow/}, raw artifact transfers under
 * {@code /api/2.0/mlflow-artifacts/artifacts/}, authentication, timeouts and retries. Only calls marked idempotent
 * are retried, and only on connection errors, 5xx and 429.
 */
final class MlflowHttp {

    /** The JSON mapper for requests and responses (never Java serialization). */
    static final ObjectMapper JSON = new ObjectMapper();

    private final MlflowConnection connection;
    private final HttpClient client;

    /**
     * Creates the transport.
     *
     * @param connection the server and its settings
     */
    MlflowHttp(MlflowConnection connection) {
        this.connection = connection;
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(connection.connectTimeout())
                .followRedirects(HttpClient.Redirect.NORMAL);
        if (connection.insecureTls()) {
            builder.sslContext(trustAll());
        }
        this.client = builder.build();
    }

    /**
     * The server this transport talks to.
     *
     * @return the connection
     */
    MlflowConnection connection() {
        return connection;
    }

    /**
     * POSTs a JSON body to {@code /api/2.0/mlflow/<endpoint>}.
     *
     * @param endpoint   e.g. {@code runs/log-batch}
     * @param body       the request, converted by Jackson
     * @param idempotent whether a transient failure may be retried
     * @return the response JSON
     */
    JsonNode post(String endpoint, Object body, boolean idempotent) {
        return json("POST", endpoint, body, idempotent);
    }

    /**
     * PATCHes a JSON body to {@code /api/2.0/mlflow/<endpoint>} (e.g. finalizing a logged model).
     *
     * @param endpoint   e.g. {@code logged-models/m-123}
     * @param body       the request, converted by Jackson
     * @param idempotent whether a transient failure may be retried
     * @return the response JSON
     */
    JsonNode patch(String endpoint, Object body, boolean idempotent) {
        return json("PATCH", endpoint, body, idempotent);
    }

    private JsonNode json(String method, String endpoint, Object body, boolean idempotent) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Cannot write the JSON for MLflow call " + endpoint, e);
        }
        HttpRequest.Builder request = request(apiUri(endpoint, Map.of()))
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofByteArray(bytes));
        return parse(send(request, method + " " + endpoint, idempotent), endpoint);
    }

    /**
     * GETs {@code /api/2.0/mlflow/<endpoint>} with query parameters (always retried on transient failures).
     *
     * @param endpoint e.g. {@code runs/get}
     * @param query    the query parameters
     * @return the response JSON
     */
    JsonNode get(String endpoint, Map<String, String> query) {
        return parse(send(request(apiUri(endpoint, query)).GET(), "GET " + endpoint, true), endpoint);
    }

    /**
     * Uploads a file through the artifact proxy (an idempotent overwrite).
     *
     * @param proxyPath the path under the proxy root, e.g. {@code 1/<run>/artifacts/model/MLmodel}
     * @param file      the file
     */
    void putArtifact(String proxyPath, Path file) {
        HttpRequest.Builder request;
        try {
            request = request(artifactUri(proxyPath)).header("Content-Type", "application/octet-stream")
                    .PUT(HttpRequest.BodyPublishers.ofFile(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read the artifact file " + file + ": " + e.getMessage(), e);
        }
        send(request, "PUT artifact " + proxyPath, true);
    }

    /**
     * Downloads a file through the artifact proxy.
     *
     * @param proxyPath the path under the proxy root
     * @return the bytes
     */
    byte[] getArtifact(String proxyPath) {
        return send(request(artifactUri(proxyPath)).GET(), "GET artifact " + proxyPath, true).body();
    }

    /**
     * The server's MLflow version from {@code GET /version}, without retries.
     *
     * @return e.g. {@code 3.17.2}; empty when the server does not answer it with 200
     */
    Optional<String> version() {
        try {
            HttpRequest request = request(URI.create(connection.trackingUri() + "/version")).GET().build();
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Optional.of(response.body().strip()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * Whether {@code GET /health} answers 200, without retries.
     *
     * @return true when the server is up
     */
    boolean healthy() {
        try {
            HttpRequest request = request(URI.create(connection.trackingUri() + "/health")).GET().build();
            return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(connection.requestTimeout());
        connection.credentials().authorizationHeader().ifPresent(value -> builder.header("Authorization", value));
        return builder;
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder builder, String call, boolean idempotent) {
        HttpRequest request = builder.build();
        RetryPolicy retry = connection.retry();
        int attempts = idempotent ? retry.maxAttempts() : 1;
        MlflowException last = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            if (attempt > 1) {
                pause(retry, attempt - 1, call);
            }
            try {
                HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
                if (response.statusCode() / 100 == 2) {
                    return response;
                }
                last = failure(response, call);
                if (last.kind() != FailureKind.TRANSIENT) {
                    throw last;
                }
            } catch (IOException e) {
                last = new MlflowException(FailureKind.TRANSIENT, 0, "", "MLflow server "
                        + connection.trackingUri() + " did not answer " + call + " (" + describe(e) + ")", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw interrupted(call, e);
            }
        }
        throw new MlflowException(last.kind(), last.status(), last.errorCode(), last.getMessage() + " after "
                + attempts + (attempts == 1 ? " attempt" : " attempts") + "; check that the server is running and"
                + " that MLFLOW_TRACKING_URI (or --tracking-uri) names it", last.getCause());
    }

    private MlflowException failure(HttpResponse<byte[]> response, String call) {
        int status = response.statusCode();
        String errorCode = "";
        String detail = new String(response.body(), StandardCharsets.UTF_8).strip();
        try {
            JsonNode json = JSON.readTree(response.body());
            if (json != null && json.has("error_code")) {
                errorCode = json.path("error_code").asText();
                detail = json.path("message").asText(detail);
            }
        } catch (IOException notJson) {
            // an HTML or plain-text error page: the raw text is the detail
        }
        if (detail.length() > 500) {
            detail = detail.substring(0, 500) + "...";
        }
        String server = "MLflow server " + connection.trackingUri();
        if (status == 401 || status == 403) {
            return new MlflowException(FailureKind.AUTHENTICATION, status, errorCode, server + " refused the"
                    + " credentials for " + call + " (HTTP " + status + ": " + detail + "); set"
                    + " MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD (or MLFLOW_TRACKING_TOKEN) to an"
                    + " account that may write to the experiment", null);
        }
        FailureKind kind = status >= 500 || status == 429 ? FailureKind.TRANSIENT : FailureKind.REJECTED;
        return new MlflowException(kind, status, errorCode, server + " answered " + call + " with HTTP " + status
                + (errorCode.isEmpty() ? "" : " " + errorCode) + ": " + detail, null);
    }

    private void pause(RetryPolicy retry, int retryNumber, String call) {
        try {
            Thread.sleep(retry.delayBefore(retryNumber).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw interrupted(call, e);
        }
    }

    private MlflowException interrupted(String call, InterruptedException e) {
        return new MlflowException(FailureKind.TRANSIENT, 0, "", "Interrupted during " + call + " to MLflow server "
                + connection.trackingUri(), e);
    }

    private JsonNode parse(HttpResponse<byte[]> response, String endpoint) {
        try {
            byte[] body = response.body();
            return body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (IOException e) {
            throw new MlflowException(FailureKind.REJECTED, response.statusCode(), "", "MLflow server "
                    + connection.trackingUri() + " answered " + endpoint + " with something that is not JSON; is"
                    + " this URI an MLflow tracking server?", e);
        }
    }

    private URI apiUri(String endpoint, Map<String, String> query) {
        StringJoiner params = new StringJoiner("&", "?", "").setEmptyValue("");
        query.forEach((key, value) -> params.add(encode(key) + "=" + encode(value)));
        return URI.create(connection.trackingUri() + "/api/2.0/mlflow/" + endpoint + params);
    }

    private URI artifactUri(String proxyPath) {
        StringJoiner path = new StringJoiner("/");
        for (String segment : proxyPath.split("/")) {
            path.add(encode(segment).replace("+", "%20"));
        }
        return URI.create(connection.trackingUri() + "/api/2.0/mlflow-artifacts/artifacts/" + path);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private static SSLContext trustAll() {
        TrustManager acceptAll = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
                // MLFLOW_TRACKING_INSECURE_TLS: every certificate is accepted
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                // MLFLOW_TRACKING_INSECURE_TLS: every certificate is accepted
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[]{acceptAll}, new SecureRandom());
            System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot set up MLFLOW_TRACKING_INSECURE_TLS: " + e.getMessage(), e);
        }
    }
}
