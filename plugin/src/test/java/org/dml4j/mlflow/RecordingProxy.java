package org.dml4j.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * An HTTP proxy in front of a real MLflow server for tests: it records every REST call the plugin makes (method,
 * path, query, JSON body) and can rewrite the server's JSON answers (to add fields a newer server might send, or to
 * break a type), passing everything else through unchanged.
 */
final class RecordingProxy implements AutoCloseable {

    /**
     * One REST call, as {@code mlflow_schema.py requests} reads it.
     *
     * @param method e.g. {@code POST}
     * @param path   below {@code /api/2.0}, e.g. {@code /mlflow/runs/create}
     * @param query  the query parameters, decoded, in order
     * @param body   the request body
     */
    record Call(String method, String path, List<List<String>> query, String body) {
    }

    private static final String API = "/api/2.0/mlflow/";
    private static final Set<String> HOP_HEADERS = Set.of("host", "connection", "content-length", "expect",
            "upgrade", "transfer-encoding", "keep-alive");

    private final HttpServer server;
    private final URI target;
    private final BiFunction<String, JsonNode, JsonNode> rewrite;
    private final HttpClient client = HttpClient.newHttpClient();
    private final List<Call> calls = new ArrayList<>();

    /**
     * Starts a proxy on a free loopback port.
     *
     * @param target  the MLflow server
     * @param rewrite the JSON answers of {@code /api/2.0/mlflow/<endpoint>} calls: (endpoint, answer) to what the
     *                client gets
     */
    RecordingProxy(String target, BiFunction<String, JsonNode, JsonNode> rewrite) {
        this.target = URI.create(target);
        this.rewrite = rewrite;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::forward);
        server.start();
    }

    /** @return the proxy's URI, e.g. {@code http://127.0.0.1:40123} */
    String uri() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** @return the REST calls so far (artifact transfers and health checks left out) */
    synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            URI uri = exchange.getRequestURI();
            String path = uri.getRawPath();
            if (path.startsWith(API)) {
                synchronized (this) {
                    calls.add(new Call(exchange.getRequestMethod(), path.substring("/api/2.0".length()),
                            query(uri.getRawQuery()), new String(body, StandardCharsets.UTF_8)));
                }
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(uri.getRawPath()
                    + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())))
                    .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!HOP_HEADERS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                    values.forEach(value -> request.header(name, value));
                }
            });
            HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            byte[] answer = response.body();
            String contentType = response.headers().firstValue("Content-Type").orElse("");
            if (path.startsWith(API) && response.statusCode() == 200 && contentType.contains("json")) {
                JsonNode json = MlflowHttp.JSON.readTree(answer);
                answer = MlflowHttp.JSON.writeValueAsBytes(rewrite.apply(path.substring(API.length()), json));
            }
            if (!contentType.isEmpty()) {
                exchange.getResponseHeaders().set("Content-Type", contentType);
            }
            exchange.sendResponseHeaders(response.statusCode(), answer.length == 0 ? -1 : answer.length);
            exchange.getResponseBody().write(answer);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static List<List<String>> query(String raw) {
        List<List<String>> params = new ArrayList<>();
        if (raw != null && !raw.isEmpty()) {
            for (String pair : raw.split("&")) {
                String[] parts = pair.split("=", 2);
                params.add(List.of(decode(parts[0]), parts.length > 1 ? decode(parts[1]) : ""));
            }
        }
        return params;
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }

    /**
     * The calls as the JSON {@code mlflow_schema.py requests} reads.
     *
     * @return the JSON text
     */
    String callsJson() {
        try {
            return MlflowHttp.JSON.writeValueAsString(calls().stream().map(call -> Map.of("method", call.method(),
                    "path", call.path(), "query", call.query(), "body", call.body())).toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
