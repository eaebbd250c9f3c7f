package org.dml4j.mlflow;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An unreachable server and refused credentials: training is unaffected, the outcome says what happened and what
 * to do, and the spooled run can be delivered later with {@link SpoolReplayer}.
 */
@ExtendWith(MlflowServerExtension.class)
class ConnectionProblemsTest {

    private static final RetryPolicy QUICK = new RetryPolicy(2, Duration.ofMillis(20), Duration.ofMillis(50));

    @TempDir
    Path temp;

    @Test
    void anUnreachableServerSpoolsTheRunForALaterSync(MlflowServer server) throws IOException {
        String nowhere = "http://127.0.0.1:" + unusedPort();
        MlflowRestClient offline = new MlflowRestClient(MlflowConnection.of(nowhere)
                .withLimits(Duration.ofMillis(500), Duration.ofSeconds(2), QUICK));
        MlflowTracker tracker = new MlflowTracker(offline, TrackerOptions.forExperiment("offline-test")
                .withSpoolRoot(temp).withBatchLossEvery(1).withWaits(Duration.ofSeconds(2), Duration.ofMillis(200)));

        long start = System.nanoTime();
        tracker.onRunStart(SimulatedTraining.start("offline", Map.of()));
        SimulatedTraining.epochs(tracker, 1, 3);
        long trainingMillis = (System.nanoTime() - start) / 1_000_000;
        TrackingOutcome outcome = tracker.finish();

        assertTrue(trainingMillis < 1000, "listener calls blocked for " + trainingMillis + " ms");
        assertFalse(outcome.delivered());
        assertTrue(outcome.message().contains(nowhere) && outcome.message().contains("did not answer")
                && outcome.message().contains("./dml4j sync"), outcome.message());
        assertTrue(Files.size(outcome.spoolDirectory().resolve(Spool.RECORDS)) > 0);

        MlflowRestClient online = new MlflowRestClient(MlflowConnection.of(server.uri()));
        SyncReport report = new SpoolReplayer(online, temp).syncAll();

        assertEquals(1, report.runsCompleted(), report.messages().toString());
        assertEquals(0, report.runsPending());
        assertFalse(Files.exists(outcome.spoolDirectory()));
        RunInfo run = online.findRunByTag(online.experimentId("offline-test"), MlflowKeys.CLIENT_RUN_ID_TAG,
                tracker.clientRunId()).orElseThrow();
        assertEquals(3L * SimulatedTraining.BATCHES, online.metricHistory(run.runId(), "train/batch_loss").size());
        assertEquals("FINISHED", online.getRun(run.runId()).path("info").path("status").asText());
    }

    @Test
    void stoppingTheDeliveryMidCallKeepsTheServersProblemAsTheReason() throws IOException {
        // A peer that accepts connections and never answers: each call times out after 2 attempts of 1 s; the
        // finish wait of 3.5 s ends while the second call is in flight, so finish() interrupts it.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String uri = "http://127.0.0.1:" + silent.getLocalPort();
            MlflowRestClient client = new MlflowRestClient(MlflowConnection.of(uri)
                    .withLimits(Duration.ofMillis(500), Duration.ofSeconds(1), QUICK));
            MlflowTracker tracker = new MlflowTracker(client, TrackerOptions.forExperiment("silent-test")
                    .withSpoolRoot(temp).withWaits(Duration.ofMillis(3500), Duration.ofMillis(200)));
            tracker.onRunStart(SimulatedTraining.start("silent", Map.of()));
            SimulatedTraining.epochs(tracker, 1, 1);
            TrackingOutcome outcome = tracker.finish();

            assertFalse(outcome.delivered());
            assertTrue(outcome.message().contains("did not answer") && !outcome.message().contains("Interrupted"),
                    outcome.message());
            assertTrue(Files.size(outcome.spoolDirectory().resolve(Spool.RECORDS)) > 0);
        }
    }

    @Test
    void wrongCredentialsAreReportedAndRightOnesWork() throws IOException {
        try (MlflowServer server = MlflowServer.withBasicAuth()) {
            MlflowConnection connection = MlflowConnection.of(server.uri())
                    .withLimits(Duration.ofSeconds(2), Duration.ofSeconds(10), QUICK);
            MlflowTracker wrong = new MlflowTracker(new MlflowRestClient(connection.withCredentials(
                    new Credentials(MlflowServer.ADMIN_USER, "not-the-password", null))),
                    TrackerOptions.forExperiment("auth-test").withSpoolRoot(temp)
                            .withWaits(Duration.ofSeconds(10), Duration.ofMillis(200)));
            wrong.onRunStart(SimulatedTraining.start("wrong-credentials", Map.of()));
            SimulatedTraining.epochs(wrong, 1, 1);
            TrackingOutcome refused = wrong.finish();

            assertFalse(refused.delivered());
            assertTrue(refused.message().contains("refused the credentials")
                    && refused.message().contains("MLFLOW_TRACKING_PASSWORD")
                    && !refused.message().contains("not-the-password"), refused.message());
            Credentials admin = new Credentials(MlflowServer.ADMIN_USER, MlflowServer.ADMIN_PASSWORD, null);
            SyncReport synced = new SpoolReplayer(new MlflowRestClient(connection.withCredentials(admin)), temp)
                    .syncAll();
            assertEquals(1, synced.runsCompleted(), "the refused run is delivered by a sync with the right"
                    + " credentials: " + synced.messages());

            MlflowTracker right = new MlflowTracker(new MlflowRestClient(connection.withCredentials(admin)),
                    TrackerOptions.forExperiment("auth-test").withSpoolRoot(temp));
            right.onRunStart(SimulatedTraining.start("right-credentials", Map.of()));
            SimulatedTraining.epochs(right, 1, 1);
            TrackingOutcome accepted = right.finish();
            assertTrue(accepted.delivered(), accepted.message());
        }
    }

    @Test
    void aMissingTrackingUriIsExplained() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> MlflowConnection.fromEnvironment(Map.of(), null));
        assertTrue(missing.getMessage().contains("MLFLOW_TRACKING_URI"), missing.getMessage());
        IllegalArgumentException notHttp = assertThrows(IllegalArgumentException.class,
                () -> MlflowConnection.of("file:///tmp/mlruns"));
        assertTrue(notHttp.getMessage().contains("http"), notHttp.getMessage());
    }

    private static int unusedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
