package org.dml4j.experiments;

import org.dml4j.experiments.io.UserError;
import org.dml4j.mlflow.LocalMlflowServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code dml4j quickstart}: from a fresh clone to a tracked run in the MLflow UI. Finds Fashion-MNIST, starts a local
 * MLflow server (unless {@code MLFLOW_TRACKING_URI} is set) that keeps running afterwards, trains a small model for
 * a couple of minutes, evaluates it, logs everything, and prints the metrics and the run's URL.
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = {"Train and evaluate a small model on Fashion-MNIST, tracked in MLflow.",
                "Starts a local MLflow server (SQLite and artifacts under .dml4j/mlflow in the project) unless "
                        + "MLFLOW_TRACKING_URI is set or --tracking-uri is given; the server keeps running."})
public final class QuickstartCommand implements Callable<Integer> {

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "The Fashion-MNIST IDX files (default: Debian's dataset-fashion-mnist).")
    private Path dataDir;

    @Option(names = "--epochs", defaultValue = "3", description = "Default: ${DEFAULT-VALUE}.")
    private int epochs;

    @Option(names = "--train-limit", paramLabel = "N", description = "Train on the first N examples only.")
    private Integer trainLimit;

    @Option(names = "--tracking-uri", paramLabel = "URI", description = "Use this MLflow server instead of a local "
            + "one (default: $MLFLOW_TRACKING_URI).")
    private String trackingUri;

    @Option(names = "--port", defaultValue = "5000",
            description = "The local MLflow server's port (another free one if taken). Default: ${DEFAULT-VALUE}.")
    private int port;

    @Option(names = "--mlflow-dir", paramLabel = "DIR", description = "Where the local MLflow server keeps its "
            + "database, artifacts, log and pid (default: .dml4j/mlflow in the project).")
    private Path mlflowDir;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        String uri = trackingUri != null ? trackingUri : System.getenv("MLFLOW_TRACKING_URI");
        if (uri == null || uri.isBlank()) {
            uri = localServer(err);
        }
        Path modelFile = home().resolve(".dml4j").resolve("quickstart-model.dml4j");
        try {
            Files.createDirectories(modelFile.getParent());
        } catch (IOException e) {
            throw new UserError("Cannot create " + modelFile.getParent() + ": " + e.getMessage() + ". Run the "
                    + "quickstart in a project folder you can write to.", e);
        }
        List<String> args = new ArrayList<>(List.of("--loss", "multi-similarity", "--miner", "multi-similarity",
                "--network", "mlp:512,128", "--epochs", String.valueOf(epochs), "--batch-size", "256",
                "--m-per-class", "32", "--seed", "0", "--tracking-uri", uri, "--experiment", "dml4j-quickstart",
                "--run-name", "quickstart-multi-similarity", "--model-out", modelFile.toString()));
        if (dataDir != null) {
            args.addAll(List.of("--data-dir", dataDir.toString()));
        }
        if (trainLimit != null) {
            args.addAll(List.of("--train-limit", String.valueOf(trainLimit)));
        }
        CommandLine train = spec.root().commandLine().getSubcommands().get("train");
        return train.execute(args.toArray(String[]::new));
    }

    /** Starts (or reuses) the project's local MLflow server and returns its URI. */
    private String localServer(PrintWriter err) {
        Path directory = mlflowDir != null ? mlflowDir : home().resolve(".dml4j").resolve("mlflow");
        Path script = home().resolve("scripts").resolve("mlflow-server.sh");
        Path uriFile = directory.resolve("server.uri");
        if (LocalMlflowServer.runningDetached(directory).isPresent()) {
            try {
                String running = Files.readString(uriFile).trim();
                if (LocalMlflowServer.isHealthy(running)) {
                    err.println("Using the MLflow server already running at " + running);
                    return running;
                }
            } catch (IOException stale) {
                // start a new one below
            }
        }
        LocalMlflowServer server = new LocalMlflowServer(script, directory, LocalMlflowServer.freePort(port), null,
                Map.of());
        err.println("Starting a local MLflow server at " + server.uri() + " (first time: installs MLflow into "
                + home().resolve(".venv") + ", a few minutes) ...");
        err.flush();
        server.start(true);
        try {
            Files.writeString(uriFile, server.uri() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        err.println("MLflow UI: " + server.uri() + "  (stop the server with: kill $(cat " + directory
                .resolve("server.pid") + "))");
        err.flush();
        return server.uri();
    }

    /** The project folder: {@code -Ddml4j.home} (set by the ./dml4j launcher), else the working directory. */
    static Path home() {
        return Path.of(System.getProperty("dml4j.home", ".")).toAbsolutePath().normalize();
    }
}
