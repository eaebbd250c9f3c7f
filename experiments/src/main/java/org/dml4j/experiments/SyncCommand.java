package org.dml4j.experiments;

import org.dml4j.mlflow.MlflowConnection;
import org.dml4j.mlflow.MlflowRestClient;
import org.dml4j.mlflow.SpoolReplayer;
import org.dml4j.mlflow.SyncReport;
import org.dml4j.mlflow.TrackerOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code dml4j sync}: delivers tracking data spooled while the MLflow server was unreachable. */
@Command(name = "sync", mixinStandardHelpOptions = true,
        description = "Replay MLflow tracking data that was spooled locally while the server was unreachable.")
public final class SyncCommand implements Callable<Integer> {

    @Option(names = "--tracking-uri", paramLabel = "URI", description = "The MLflow server (default: "
            + "$MLFLOW_TRACKING_URI).")
    private String trackingUri;

    @Option(names = "--spool-dir", paramLabel = "DIR", description = "The spool folder (default: .dml4j/mlflow-spool).")
    private Path spoolDir;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        String uri = trackingUri != null ? trackingUri : System.getenv("MLFLOW_TRACKING_URI");
        if (uri == null || uri.isBlank()) {
            throw new UserError("No MLflow server given: pass --tracking-uri URI or set MLFLOW_TRACKING_URI.");
        }
        MlflowRestClient client = new MlflowRestClient(MlflowConnection.fromEnvironment(System.getenv(), uri));
        SyncReport report = new SpoolReplayer(client, spoolDir != null ? spoolDir : TrackerOptions.DEFAULT_SPOOL_ROOT)
                .syncAll();
        report.messages().forEach(spec.commandLine().getOut()::println);
        spec.commandLine().getOut().println(report.runsCompleted() + " runs delivered, " + report.runsPending()
                + " still pending");
        spec.commandLine().getOut().flush();
        return 0;
    }
}
