package org.dml4j.mlflow;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code mlflow server} for tests, on a free loopback port with a SQLite store and an artifact folder in a
 * temporary directory, started through {@code src/test/scripts/mlflow-server.sh} (which installs the pinned MLflow
 * into {@code <repo>/.venv} on first use). {@link #stop()} and {@link #start()} again keep the port and data.
 */
final class MlflowServer implements AutoCloseable {

    /** The admin user of the basic-auth variant. */
    static final String ADMIN_USER = "admin";

    /** The admin password of the basic-auth variant (test-only). */
    static final String ADMIN_PASSWORD = "dml4j-test-admin-pw";

    private static final Duration STARTUP = Duration.ofSeconds(120);
    private static final Path SCRIPT = Path.of("src", "test", "scripts", "mlflow-server.sh").toAbsolutePath();

    private final Path directory;
    private final int port;
    private final boolean basicAuth;
    private Process process;

    private MlflowServer(Path directory, int port, boolean basicAuth) {
        this.directory = directory;
        this.port = port;
        this.basicAuth = basicAuth;
    }

    /**
     * Starts a server without authentication.
     *
     * @return the running server
     */
    static MlflowServer plain() {
        return launch(false);
    }

    /**
     * Starts a server with {@code --app-name basic-auth}; the admin is {@link #ADMIN_USER}/{@link #ADMIN_PASSWORD}.
     *
     * @return the running server
     */
    static MlflowServer withBasicAuth() {
        return launch(true);
    }

    private static MlflowServer launch(boolean basicAuth) {
        try {
            Path directory = Files.createTempDirectory("dml4j-mlflow-server");
            if (basicAuth) {
                Files.writeString(directory.resolve("auth.ini"), String.join("\n", "[mlflow]",
                        "default_permission = READ",
                        "database_uri = sqlite:///" + directory.resolve("basic_auth.db"),
                        "admin_username = " + ADMIN_USER,
                        "admin_password = " + ADMIN_PASSWORD,
                        "authorization_function = mlflow.server.auth:authenticate_request_basic_auth", ""));
            }
            MlflowServer server = new MlflowServer(directory, freePort(), basicAuth);
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The server's URI.
     *
     * @return e.g. {@code http://127.0.0.1:43121}
     */
    String uri() {
        return "http://127.0.0.1:" + port;
    }

    /** Starts the server process (again) and waits until {@code /health} answers. */
    void start() {
        ProcessBuilder builder = new ProcessBuilder("bash", SCRIPT.toString(), "serve", String.valueOf(port),
                directory.toString(), basicAuth ? "basic-auth" : "")
                .redirectErrorStream(true).redirectOutput(directory.resolve("server.log").toFile());
        builder.environment().put("MLFLOW_FLASK_SERVER_SECRET_KEY", "dml4j-test-secret-key");
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + SCRIPT, e);
        }
        awaitHealth();
    }

    /** Stops the server and every process it started. */
    void stop() {
        if (process == null) {
            return;
        }
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        for (ProcessHandle handle : tree) {
            try {
                handle.onExit().get(20, TimeUnit.SECONDS);
            } catch (Exception notEnded) {
                handle.destroyForcibly();
            }
        }
        process = null;
    }

    @Override
    public void close() {
        stop();
    }

    private void awaitHealth() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create(uri() + "/health")).timeout(Duration.ofSeconds(5))
                .GET().build();
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("mlflow server exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for mlflow server", e);
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for mlflow server", e);
            }
        }
        stop();
        throw new IllegalStateException("mlflow server did not answer /health within " + STARTUP + ":\n" + log());
    }

    private String log() {
        try {
            String text = Files.readString(directory.resolve("server.log"));
            return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
