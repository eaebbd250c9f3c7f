package org.dml4j.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Message;

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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * The HTTP transport to an MLflow server: calls under {@code /api/2.0/mlflow/} with MLflow's request and response
 * messages (the official client's, and the plugin's {@link org.dml4j.mlflow.protos.MlflowApi} for what MLflow 3
 * added) as JSON ({@link MlflowJson}), raw artifact transfers under
 * {@code /api/2.0/mlflow-artifacts/artifacts/}, authentication, timeouts and retries. Only calls marked idempotent
 * are retried, and only on connection errors, 5xx and 429.
 */
final class MlflowHttp {

    /** The JSON mapper for error answers, spool records and JSON-valued fields (never Java serialization). */
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
     * Reads a call's answer.
     *
     * @param <R> what is read
     */
    @FunctionalInterface
    interface Answer<R> {
        /**
         * Reads an answer's body.
         *
         * @param body the body
         * @param what who answered what, for errors ({@code MLflow server ... answered GET runs/get (HTTP 200)})
         * @return what was read
         * @throws MlflowException when the body is not what the call answers
         */
        R read(byte[] body, String what);
    }

    /**
     * POSTs one of the official client's request messages, as JSON in MLflow's schema, to
     * {@code /api/2.0/mlflow/<endpoint>}.
     *
     * @param endpoint   e.g. {@code runs/log-batch}
     * @param request    the request message
     * @param response   the response message's default instance (its type)
     * @param idempotent whether a transient failure may be retried
     * @param <R>        the response type
     * @return the response, read with {@link MlflowJson#parse}
     */
    <R extends org.mlflow_project.google.protobuf.Message> R post(String endpoint,
            org.mlflow_project.google.protobuf.Message request, R response, boolean idempotent) {
        return call("POST", endpoint, MlflowJson.print(request),
                (body, what) -> MlflowJson.parse(body, response, what), idempotent);
    }

    /**
     * POSTs one of the plugin's request messages (what MLflow 3 added) to {@code /api/2.0/mlflow/<endpoint>}.
     *
     * @param endpoint   e.g. {@code logged-models}
     * @param request    the request message
     * @param response   the response message's default instance (its type)
     * @param idempotent whether a transient failure may be retried
     * @param <R>        the response type
     * @return the response
     */
    <R extends Message> R post(String endpoint, Message request, R response, boolean idempotent) {
        return call("POST", endpoint, MlflowJson.print(request),
                (body, what) -> MlflowJson.parse(body, response, what), idempotent);
    }

    /**
     * PATCHes one of the plugin's request messages to {@code /api/2.0/mlflow/<endpoint>} (finalizing a logged model).
     *
     * @param endpoint   e.g. {@code logged-models/m-123}
     * @param request    the request message
     * @param response   the response message's default instance (its type)
     * @param idempotent whether a transient failure may be retried
     * @param <R>        the response type
     * @return the response
     */
    <R extends Message> R patch(String endpoint, Message request, R response, boolean idempotent) {
        return call("PATCH", endpoint, MlflowJson.print(request),
                (body, what) -> MlflowJson.parse(body, response, what), idempotent);
    }

    private <R> R call(String method, String endpoint, String json, Answer<R> answer, boolean idempotent) {
        HttpRequest.Builder builder = request(apiUri(endpoint, List.of()))
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofByteArray(json.getBytes(StandardCharsets.UTF_8)));
        String call = method + " " + endpoint;
        return read(send(builder, call, idempotent), call, answer);
    }

    /**
     * GETs {@code /api/2.0/mlflow/<endpoint>} with one of the official client's request messages as query
     * parameters (always retried on transient failures).
     *
     * @param endpoint e.g. {@code runs/get}
     * @param request  the request message
     * @param response the response message's default instance (its type)
     * @param <R>      the response type
     * @return the response
     */
    <R extends org.mlflow_project.google.protobuf.Message> R get(String endpoint,
            org.mlflow_project.google.protobuf.Message request, R response) {
        return get(endpoint, MlflowJson.query(request), (body, what) -> MlflowJson.parse(body, response, what));
    }

    /**
     * GETs {@code /api/2.0/mlflow/<endpoint>} (always retried on transient failures).
     *
     * @param endpoint e.g. {@code logged-models/m-123}
     * @param query    the query parameters
     * @param answer   reads the answer (e.g. with the official message and the plugin's view of MLflow 3's parts)
     * @param <R>      what is read
     * @return what was read
     */
    <R> R get(String endpoint, List<Map.Entry<String, String>> query, Answer<R> answer) {
        String call = "GET " + endpoint;
        return read(send(request(apiUri(endpoint, query)).GET(), call, true), call, answer);
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

    private <R> R read(HttpResponse<byte[]> response, String call, Answer<R> answer) {
        return answer.read(response.body(), "MLflow server " + connection.trackingUri() + " answered " + call
                + " (HTTP " + response.statusCode() + ")");
    }

    private URI apiUri(String endpoint, List<Map.Entry<String, String>> query) {
        StringJoiner params = new StringJoiner("&", "?", "").setEmptyValue("");
        query.forEach(entry -> params.add(encode(entry.getKey()) + "=" + encode(entry.getValue())));
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
