package org.dml4j.mlflow;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server goes down in the middle of a run and comes back on the same port and store: nothing is lost. */
class ServerRestartTest {

    @TempDir
    Path temp;

    @Test
    void aRunSurvivesAServerRestart() {
        try (MlflowServer server = MlflowServer.plain()) {
            MlflowRestClient client = new MlflowRestClient(MlflowConnection.of(server.uri()).withLimits(
                    Duration.ofSeconds(1), Duration.ofSeconds(5), new RetryPolicy(2, Duration.ofMillis(50),
                            Duration.ofMillis(100))));
            MlflowTracker tracker = new MlflowTracker(client, TrackerOptions.forExperiment("restart-test")
                    .withSpoolRoot(temp).withBatchLossEvery(1)
                    .withWaits(Duration.ofSeconds(90), Duration.ofMillis(500)));
            tracker.onRunStart(SimulatedTraining.start("restart", Map.of()));
            SimulatedTraining.epochs(tracker, 1, 2);

            server.stop();
            long start = System.nanoTime();
            SimulatedTraining.epochs(tracker, 3, 4);
            long trainingMillis = (System.nanoTime() - start) / 1_000_000;
            server.start();

            SimulatedTraining.epochs(tracker, 5, 6);
            TrackingOutcome outcome = tracker.finish();

            assertTrue(trainingMillis < 1000, "listener calls blocked for " + trainingMillis + " ms");
            assertTrue(outcome.delivered(), outcome.message());
            RunInfo run = client.findRunByTag(client.experimentId("restart-test"), MlflowKeys.CLIENT_RUN_ID_TAG,
                    tracker.clientRunId()).orElseThrow();
            List<MetricPoint> losses = client.metricHistory(run.runId(), "train/batch_loss");
            List<Long> expected = LongStream.rangeClosed(1, 6L * SimulatedTraining.BATCHES).boxed().toList();
            assertEquals(expected, losses.stream().map(MetricPoint::step).toList());
            for (MetricPoint point : losses) {
                assertEquals(SimulatedTraining.loss(point.step()), point.value(), 1e-12);
            }
            for (int i = 1; i < losses.size(); i++) {
                assertTrue(losses.get(i).timestamp() >= losses.get(i - 1).timestamp(), "timestamps in order");
            }
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), TrackedRunTest.steps(client, run, "val/map_at_r"));
            assertEquals("FINISHED", client.getRun(run.runId()).path("info").path("status").asText());
        }
    }
}
