package org.dml4j.mlflow;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A local {@code mlflow server} on a loopback port, with a SQLite store and an artifact folder in one directory,
 * started through {@code scripts/mlflow-server.sh} (which installs the pinned MLflow into {@code <repo>/.venv} on
 * first use), or by any other server command line ({@link #ofCommand}: the docker stack's, in its test). Attached
 * servers (tests) end with {@link #stop()}; a detached one (the quickstart) runs in its own session after the JVM
 * exits, its process id in {@code server.pid} in its directory, stopped with {@code kill $(cat DIR/server.pid)}.
 */
public final class LocalMlflowServer implements AutoCloseable {

    private static final Duration STARTUP = Duration.ofSeconds(180);

    private final List<String> command;
    private final Path directory;
    private final int port;
    private final Map<String, String> environment;
    private Process process;

    /**
     * Describes a server; nothing starts until {@link #start}.
     *
     * @param script      the {@code mlflow-server.sh} script
     * @param directory   where the database, artifacts, log and pid file live
     * @param port        the loopback port
     * @param appName     {@code basic-auth} for MLflow's authentication app, or null
     * @param environment extra environment for the server
     */
    public LocalMlflowServer(Path script, Path directory, int port, String appName, Map<String, String> environment) {
        this(List.of("bash", script.toAbsolutePath().toString(), "serve", String.valueOf(port),
                directory.toAbsolutePath().toString(), appName == null ? "" : appName), directory, port, environment);
    }

    private LocalMlflowServer(List<String> command, Path directory, int port, Map<String, String> environment) {
        this.command = List.copyOf(command);
        this.directory = directory.toAbsolutePath();
        this.port = port;
        this.environment = Map.copyOf(environment);
    }

    /**
     * Describes a server started by an arbitrary command line that listens on {@code 127.0.0.1:port}; nothing
     * starts until {@link #start}.
     *
     * @param command     the full command line, e.g. {@code [".venv/bin/mlflow", "server", "--port", ...]}
     * @param directory   where its log (and pid file, if detached) live
     * @param port        the loopback port the command makes it listen on
     * @param environment extra environment for the server
     * @return the server
     */
    public static LocalMlflowServer ofCommand(List<String> command, Path directory, int port,
                                              Map<String, String> environment) {
        return new LocalMlflowServer(command, directory, port, environment);
    }

    /** @return the server's URI, e.g. {@code http://127.0.0.1:5000} */
    public String uri() {
        return "http://127.0.0.1:" + port;
    }

    /** @return the directory with the database, artifacts and {@code server.log} */
    public Path directory() {
        return directory;
    }

    /**
     * Starts the server and waits until {@code /health} answers.
     *
     * @param detached run in a session of its own that outlives this JVM (and Ctrl-C in its terminal)
     * @throws IllegalStateException if it exits or does not answer in time, with the end of its log
     */
    public void start(boolean detached) {
        List<String> commandLine = new ArrayList<>();
        if (detached) {
            commandLine.add("setsid");
        }
        commandLine.addAll(command);
        try {
            Files.createDirectories(directory);
            ProcessBuilder builder = new ProcessBuilder(commandLine).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(directory.resolve("server.log").toFile()));
            builder.environment().putAll(environment);
            process = builder.start();
            if (detached) {
                Files.writeString(directory.resolve("server.pid"), process.pid() + "\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + command.get(0) + ": " + e.getMessage(), e);
        }
        awaitHealth();
    }

    /** Stops the server and every process it started. */
    public void stop() {
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

    /**
     * Whether an MLflow server answers {@code /health} at a URI.
     *
     * @param uri the server
     * @return true if it answers 200
     */
    public static boolean isHealthy(String uri) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create(uri + "/health")).timeout(Duration.ofSeconds(5))
                .GET().build();
        try {
            return http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException notListening) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void awaitHealth() {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("mlflow server exited with " + process.exitValue() + ":\n" + log());
            }
            if (isHealthy(uri())) {
                return;
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

    /** @return the end of the server's log */
    public String log() {
        try {
            String text = Files.readString(directory.resolve("server.log"));
            return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /**
     * A free loopback port, preferring {@code preferred} when it is free.
     *
     * @param preferred the port to try first, or 0
     * @return the port
     */
    public static int freePort(int preferred) {
        for (int candidate : preferred > 0 ? new int[]{preferred, 0} : new int[]{0}) {
            try (ServerSocket socket = new ServerSocket(candidate, 1, InetAddress.getLoopbackAddress())) {
                socket.setReuseAddress(true);
                return socket.getLocalPort();
            } catch (IOException taken) {
                // try the next candidate
            }
        }
        throw new IllegalStateException("no free loopback port");
    }

    /**
     * The process id of a detached server started in {@code directory}, if it is still running.
     *
     * @param directory the server's directory
     * @return its process, if alive
     */
    public static Optional<ProcessHandle> runningDetached(Path directory) {
        try {
            long pid = Long.parseLong(Files.readString(directory.resolve("server.pid")).trim());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        } catch (IOException | NumberFormatException none) {
            return Optional.empty();
        }
    }
}
