package org.dml4j.mlflow;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A training process stopped with SIGTERM (as Ctrl-C or {@code kill} do) ends its run as KILLED, with what it had
 * logged: a second JVM runs {@link TrainingProcess} against the real server and is terminated mid-run.
 */
@Tag("mlflow-compat")
@ExtendWith(MlflowServerExtension.class)
class KilledRunTest {

    @TempDir
    Path temp;

    /** The process under test: starts a run, logs two epochs, prints its client run id, then waits to be killed. */
    static final class TrainingProcess {
        public static void main(String[] args) throws InterruptedException {
            MlflowTracker tracker = new MlflowTracker(new MlflowRestClient(MlflowConnection.of(args[0])),
                    TrackerOptions.forExperiment("killed-test").withSpoolRoot(Path.of(args[1])).withBatchLossEvery(1));
            tracker.onRunStart(SimulatedTraining.start("killed", Map.of()));
            SimulatedTraining.epochs(tracker, 1, 2);
            System.out.println(tracker.clientRunId());
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    @Test
    void sigtermEndsTheRunAsKilledKeepingItsMetrics(MlflowServer server) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), TrainingProcess.class.getName(), server.uri(),
                temp.toString()).redirectError(temp.resolve("stderr.txt").toFile()).start();
        String clientRunId;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream()))) {
            clientRunId = out.readLine();
        }
        assertTrue(clientRunId != null && !clientRunId.isBlank(), "the process printed its run id; stderr: "
                + Files.readString(temp.resolve("stderr.txt")));
        MlflowRestClient client = new MlflowRestClient(MlflowConnection.of(server.uri()));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        RunInfo run = null;
        while (run == null && System.nanoTime() < deadline) {
            run = client.findRunByTag(client.experimentId("killed-test"), MlflowKeys.CLIENT_RUN_ID_TAG, clientRunId)
                    .orElse(null);
            Thread.sleep(200);
        }
        assertTrue(run != null, "the run was created");
        process.destroy();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the process ended after SIGTERM");
        assertEquals("KILLED", client.getRun(run.runId()).path("info").path("status").asText());
        List<Long> steps = TrackedRunTest.steps(client, run, "val/map_at_r");
        assertEquals(List.of(1L, 2L), steps, "what was logged before the kill is kept");
    }
}
