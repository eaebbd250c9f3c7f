package org.dml4j.mlflow;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A real {@code mlflow server} for tests, on a free loopback port with a SQLite store and an artifact folder in a
 * temporary directory ({@link LocalMlflowServer} through {@code scripts/mlflow-server.sh}, which installs the pinned
 * MLflow into {@code <repo>/.venv} on first use). {@link #stop()} and {@link #start()} again keep the port and data.
 */
final class MlflowServer implements AutoCloseable {

    /** The admin user of the basic-auth variant. */
    static final String ADMIN_USER = "admin";

    /** The admin password of the basic-auth variant (test-only). */
    static final String ADMIN_PASSWORD = "dml4j-test-admin-pw";

    private static final Path SCRIPT = Path.of("..", "scripts", "mlflow-server.sh");

    private final LocalMlflowServer server;

    private MlflowServer(LocalMlflowServer server) {
        this.server = server;
    }

    /**
     * The MLflow version the test servers run: {@code DML4J_MLFLOW_VERSION} when the compatibility matrix
     * ({@code scripts/mlflow-compat.sh}) sets it, otherwise the pin of {@code scripts/requirements-mlflow.txt}.
     *
     * @return e.g. {@code 3.17.2}
     */
    static String versionUnderTest() {
        String selected = System.getenv("DML4J_MLFLOW_VERSION");
        if (selected != null && !selected.isBlank()) {
            return selected;
        }
        try {
            return Files.readAllLines(SCRIPT.resolveSibling("requirements-mlflow.txt")).stream()
                    .map(line -> line.replaceFirst("^mlflow(\\[[^\\]]*\\])?==(\\S+).*$", "$2"))
                    .filter(pin -> pin.matches("\\d+\\.\\d+\\.\\d+")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no mlflow pin in scripts/requirements-mlflow.txt"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
            MlflowServer server = new MlflowServer(new LocalMlflowServer(SCRIPT, directory,
                    LocalMlflowServer.freePort(0), basicAuth ? "basic-auth" : null,
                    Map.of("MLFLOW_FLASK_SERVER_SECRET_KEY", "dml4j-test-secret-key")));
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
        return server.uri();
    }

    /** Starts the server process (again) and waits until {@code /health} answers. */
    void start() {
        server.start(false);
    }

    /** Stops the server and every process it started. */
    void stop() {
        server.stop();
    }

    @Override
    public void close() {
        stop();
    }
}
