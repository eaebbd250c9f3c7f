package org.dml4j.experiments;

import org.dml4j.experiments.io.UserError;
import org.dml4j.mlflow.MlflowConnection;
import org.dml4j.mlflow.MlflowRestClient;
import org.dml4j.mlflow.SpoolReplayer;
import org.dml4j.mlflow.SyncReport;
import org.dml4j.mlflow.TrackerOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code dml4j sync}: delivers tracking data spooled while the MLflow server was unreachable; exits 1 when something
 * is left pending or was rejected, so scripts notice.
 */
@Command(name = "sync", mixinStandardHelpOptions = true,
        description = "Replay MLflow tracking data that was spooled locally while the server was unreachable.")
public final class SyncCommand implements Callable<Integer> {

    @Option(names = "--tracking-uri", paramLabel = "URI", description = "The MLflow server (default: "
            + "$MLFLOW_TRACKING_URI).")
    private String trackingUri;

    @Option(names = "--spool-dir", paramLabel = "DIR", description = "The spool folder (default: $DML4J_HOME/spool, "
            + "else ~/.dml4j/spool, where train spools by default).")
    private Path spoolDir;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /**
     * Delivers the spooled runs.
     *
     * @return 0 when nothing is left, 1 when a run stays pending or the server rejected some of its records
     * @throws IOException when the spool folder cannot be read
     */
    @Override
    public Integer call() throws IOException {
        String uri = trackingUri != null ? trackingUri : System.getenv("MLFLOW_TRACKING_URI");
        if (uri == null || uri.isBlank()) {
            throw new UserError("No MLflow server given: pass --tracking-uri URI or set MLFLOW_TRACKING_URI.");
        }
        Path root = spoolDir != null ? spoolDir : TrackerOptions.defaultSpoolRoot(System.getenv());
        MlflowRestClient client = new MlflowRestClient(MlflowConnection.fromEnvironment(System.getenv(), uri));
        SyncReport report = new SpoolReplayer(client, root).syncAll();
        PrintWriter out = spec.commandLine().getOut();
        report.messages().forEach(out::println);
        out.println(report.runsCompleted() + " runs delivered, " + report.runsRejected() + " rejected by the server, "
                + report.runsPending() + " still pending in " + root.toAbsolutePath());
        out.flush();
        return report.runsPending() > 0 || report.runsRejected() > 0 ? 1 : 0;
    }
}
