package org.dml4j.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dml4j.mlflow.LocalMlflowServer;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real Spark standalone cluster on loopback: a master and workers started from the Spark distribution that
 * {@code scripts/setup.sh --tests} installs (the PyPI pyspark package in {@code .venv-spark}), each a JVM this class
 * started through {@code bin/spark-class} (which execs the JVM, so the process is the JVM) and stops by its process.
 * Small daemons (256 MB heaps) and workers of one core and 1 GB each, so that it fits CI's 2 cores.
 */
final class LocalSparkCluster implements AutoCloseable {

    private static final Duration START_WAIT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path home;
    private final Path dir;
    private final int port;
    private final int uiPort;
    private final List<Process> daemons = new ArrayList<>();

    private LocalSparkCluster(Path home, Path dir) {
        this.home = home;
        this.dir = dir;
        this.port = LocalMlflowServer.freePort(0);
        this.uiPort = LocalMlflowServer.freePort(0);
    }

    /**
     * The distribution: {@code $DML4J_SPARK_HOME}, else pyspark in the repository's {@code .venv-spark}.
     *
     * @return its folder (with {@code bin}, {@code jars}, {@code sbin})
     */
    static Path sparkHome() throws IOException {
        String configured = System.getenv("DML4J_SPARK_HOME");
        if (configured != null) {
            return Path.of(configured);
        }
        Path lib = Path.of("..", ".venv-spark", "lib").toAbsolutePath().normalize();
        if (Files.isDirectory(lib)) {
            try (Stream<Path> pythons = Files.list(lib)) {
                for (Path python : pythons.toList()) {
                    Path pyspark = python.resolve("site-packages").resolve("pyspark");
                    if (Files.isDirectory(pyspark.resolve("jars"))) {
                        return pyspark;
                    }
                }
            }
        }
        throw new IllegalStateException("No Spark distribution in " + lib + ": run scripts/setup.sh --tests (it "
                + "installs pyspark there), or set DML4J_SPARK_HOME.");
    }

    /**
     * Starts a master and workers and waits until the master lists every worker alive.
     *
     * @param workers how many workers
     * @return the running cluster
     */
    static LocalSparkCluster start(int workers) throws IOException, InterruptedException {
        LocalSparkCluster cluster = new LocalSparkCluster(sparkHome(), Files.createTempDirectory("dml4j-spark"));
        try {
            cluster.daemon("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
                    String.valueOf(cluster.port), "--webui-port", String.valueOf(cluster.uiPort));
            for (int i = 1; i <= workers; i++) {
                Path work = Files.createDirectories(cluster.dir.resolve("worker-" + i));
                cluster.daemon("worker-" + i, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                        "--cores", "1", "--memory", "1g", "--webui-port", "0", "--work-dir", work.toString(),
                        cluster.masterUrl());
            }
            cluster.awaitWorkers(workers);
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private void daemon(String name, String mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/spark-class").toString(), mainClass));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
        Map<String, String> env = builder.environment();
        env.put("SPARK_HOME", home.toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.put("SPARK_DAEMON_MEMORY", "256m");
        env.put("SPARK_CONF_DIR", dir.toString()); // no site configuration
        daemons.add(builder.start());
    }

    private void awaitWorkers(int workers) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_WAIT.toNanos();
        while (true) {
            for (Process daemon : daemons) {
                if (!daemon.isAlive()) {
                    throw new IllegalStateException("a Spark daemon ended at start: " + logs());
                }
            }
            try {
                if (state().path("aliveworkers").asInt() == workers) {
                    return;
                }
            } catch (IOException notYet) {
                // the master's web UI is not up yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the Spark cluster did not start in " + START_WAIT + ": " + logs());
            }
            Thread.sleep(250);
        }
    }

    /** @return the master's state (its web UI's {@code /json/}) */
    JsonNode state() throws IOException {
        return JSON.readTree(URI.create("http://127.0.0.1:" + uiPort + "/json/").toURL());
    }

    /** @return the master URL */
    String masterUrl() {
        return "spark://127.0.0.1:" + port;
    }

    /** @return the distribution's folder */
    Path home() {
        return home;
    }

    /**
     * Kills (SIGKILL, as a lost machine) the executor JVM of the newest application that got a task first.
     *
     * @param wait how long to wait for an executor to get a task
     * @return whether one was killed
     */
    boolean killAnExecutorWithATask(Duration wait) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            for (int worker = 1; worker < daemons.size(); worker++) {
                if (newestAppLog(dir.resolve("worker-" + worker)).contains("Got assigned task")) {
                    // a worker's only children are its executors (their command lines are too long to read back)
                    List<ProcessHandle> executors = daemons.get(worker).descendants().toList();
                    executors.forEach(ProcessHandle::destroyForcibly);
                    return !executors.isEmpty();
                }
            }
            Thread.sleep(100);
        }
        return false;
    }

    /**
     * As {@link #killAnExecutorWithATask}, for an application that starts after this call (the earlier ones' logs
     * already tell of tasks).
     *
     * @param wait how long to wait for an executor of a new application to get a task
     * @return whether one was killed
     */
    boolean killAnExecutorWithATaskOfANewApp(Duration wait) throws IOException, InterruptedException {
        List<Path> before = new ArrayList<>();
        for (int worker = 1; worker < daemons.size(); worker++) {
            before.add(newestApp(dir.resolve("worker-" + worker)));
        }
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            for (int worker = 1; worker < daemons.size(); worker++) {
                Path app = newestApp(dir.resolve("worker-" + worker));
                if (app != null && !app.equals(before.get(worker - 1)) && appLog(app).contains("Got assigned task")) {
                    List<ProcessHandle> executors = daemons.get(worker).descendants().toList();
                    executors.forEach(ProcessHandle::destroyForcibly);
                    return !executors.isEmpty();
                }
            }
            Thread.sleep(100);
        }
        return false;
    }

    /** A worker's newest application folder, or null. */
    private static Path newestApp(Path worker) throws IOException {
        try (Stream<Path> apps = Files.list(worker)) {
            return apps.filter(a -> a.getFileName().toString().startsWith("app-")).max(Path::compareTo).orElse(null);
        }
    }

    /** An application's executor log, or "". */
    private static String appLog(Path app) throws IOException {
        try (Stream<Path> files = Files.walk(app)) {
            Path stderr = files.filter(f -> f.getFileName().toString().equals("stderr")).findFirst().orElse(null);
            return stderr == null ? "" : Files.readString(stderr, StandardCharsets.UTF_8);
        }
    }

    /** The executor log of a worker's newest application, or "". */
    private static String newestAppLog(Path worker) throws IOException {
        Path app = newestApp(worker);
        return app == null ? "" : appLog(app);
    }

    /** @return the executors' standard error files under the workers' folders, all joined */
    String executorLogs() throws IOException {
        StringBuilder out = new StringBuilder();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().equals("stderr")).toList()) {
                out.append(Files.readString(file, StandardCharsets.UTF_8));
            }
        }
        return out.toString();
    }

    private String logs() {
        StringBuilder out = new StringBuilder();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path log : files.filter(f -> f.toString().endsWith(".log")).toList()) {
                String text = Files.readString(log, StandardCharsets.UTF_8);
                out.append("\n== ").append(log.getFileName()).append('\n')
                        .append(text.substring(Math.max(0, text.length() - 2000)));
            }
        } catch (IOException e) {
            out.append(e);
        }
        return out.toString();
    }

    /** Stops the workers (and so their executors), then the master; kills what is left after 10 s. */
    @Override
    public void close() {
        List<ProcessHandle> all = new ArrayList<>();
        for (int i = daemons.size() - 1; i >= 0; i--) {
            daemons.get(i).descendants().forEach(all::add);
            all.add(daemons.get(i).toHandle());
        }
        all.forEach(ProcessHandle::destroy);
        for (ProcessHandle process : all) {
            try {
                process.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException notEnded) {
                process.destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
