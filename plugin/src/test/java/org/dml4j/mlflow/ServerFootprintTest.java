package org.dml4j.mlflow;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The local server scripts/mlflow-server.sh starts runs without MLflow 3's GenAI job runner, whose idle Huey consumer
 * processes would take CPU from training and tests on a small machine.
 */
@ExtendWith(MlflowServerExtension.class)
class ServerFootprintTest {

    @Test
    void theServerStartsNoJobRunner(MlflowServer server) {
        assertTrue(LocalMlflowServer.isHealthy(server.uri()), "the server is up");
        List<String> commandLines = ProcessHandle.current().descendants()
                .map(p -> p.info().commandLine().orElse(""))
                .toList();
        assertTrue(commandLines.stream().anyMatch(c -> c.contains("mlflow")), "the server runs under this JVM: "
                + commandLines);
        assertFalse(commandLines.stream().anyMatch(c -> c.contains("huey") || c.contains("_job_runner")),
                "job runner processes: " + commandLines);
    }
}
