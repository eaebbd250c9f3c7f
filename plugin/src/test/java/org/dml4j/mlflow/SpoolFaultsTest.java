package org.dml4j.mlflow;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Spools that go wrong, delivered to a real MLflow server: a malformed line, records the server rejects, and model
 * file names that need percent-encoding; and where spools live by default.
 */
@Tag("mlflow-compat")
@ExtendWith(MlflowServerExtension.class)
class SpoolFaultsTest {

    private static final RetryPolicy QUICK = new RetryPolicy(1, Duration.ofMillis(20), Duration.ofMillis(50));

    @TempDir
    Path temp;

    @Test
    void aMalformedLineIsSkippedAndReportedWhileEveryRunIsDelivered(MlflowServer server) throws IOException {
        MlflowTracker first = spoolOffline("malformed-test");
        spoolOffline("malformed-test");
        Path records = temp.resolve(first.clientRunId()).resolve(Spool.RECORDS);
        List<String> lines = new ArrayList<>(Files.readAllLines(records));
        lines.add(2, "{\"type\": \"log-batch\", this is not JSON");
        Files.write(records, lines);

        MlflowRestClient online = new MlflowRestClient(MlflowConnection.of(server.uri()));
        SyncReport report = new SpoolReplayer(online, temp).syncAll();

        assertEquals(1, report.runsCompleted(), report.messages().toString());
        assertEquals(1, report.runsRejected(), report.messages().toString());
        assertEquals(0, report.runsPending(), report.messages().toString());
        RunInfo run = online.findRunByTag(online.experimentId("malformed-test"), MlflowKeys.CLIENT_RUN_ID_TAG,
                first.clientRunId()).orElseThrow();
        assertEquals("FINISHED", online.getRun(run.runId()).at("/info/status").asText());
        Path rejected = temp.resolve(Spool.REJECTED_RUNS).resolve(first.clientRunId()).resolve("rejected.jsonl");
        assertTrue(Files.readString(rejected).contains("this is not JSON"), rejected.toString());
    }

    @Test
    void aRunWithRecordsTheServerRejectsIsReportedOnceNotPendingForever(MlflowServer server) throws IOException {
        // A param logged again with another value is refused by MLflow (HTTP 400).
        MlflowTracker tracker = spoolOffline("rejected-test", Map.of("lr", "0.1"), Map.of("lr", "0.2"));
        MlflowRestClient online = new MlflowRestClient(MlflowConnection.of(server.uri()));

        SyncReport first = new SpoolReplayer(online, temp).syncAll();
        SyncReport second = new SpoolReplayer(online, temp).syncAll();

        assertEquals(1, first.runsRejected(), first.messages().toString());
        assertEquals(0, first.runsPending(), first.messages().toString());
        assertTrue(first.messages().get(0).contains("rejected"), first.messages().toString());
        assertEquals(0, second.runsPending() + second.runsRejected() + second.runsCompleted(),
                second.messages().toString());
        RunInfo run = online.findRunByTag(online.experimentId("rejected-test"), MlflowKeys.CLIENT_RUN_ID_TAG,
                tracker.clientRunId()).orElseThrow();
        assertEquals("FINISHED", online.getRun(run.runId()).at("/info/status").asText());
    }

    @Test
    void aModelFileNameWithPercentHashQuestionMarkAndSpaceReachesTheFinishedRun(MlflowServer server)
            throws IOException {
        Path model = temp.resolve("my model 100%#1?.dml4j");
        byte[] bytes = "model bytes".getBytes(StandardCharsets.UTF_8);
        Files.write(model, bytes);
        MlflowRestClient client = new MlflowRestClient(MlflowConnection.of(server.uri()));
        MlflowTracker tracker = new MlflowTracker(client, TrackerOptions.forExperiment("encoding-test")
                .withSpoolRoot(temp.resolve("spool")));
        tracker.onRunStart(SimulatedTraining.start("encoding", Map.of()));
        tracker.logModel("model", model, null);
        tracker.logArtifact("eval/a%b#c?d e.json", model);
        TrackingOutcome outcome = tracker.finish();

        assertTrue(outcome.delivered() && !outcome.message().contains("rejected"), outcome.message());
        assertEquals("FINISHED", client.getRun(outcome.run().runId()).at("/info/status").asText());
        // MLflow refuses '#' in artifact paths and decodes %XX in them: both are stored as '_'.
        assertArrayEquals(bytes, client.downloadArtifact(outcome.run(), "model/my model 100__1?.dml4j"));
        assertArrayEquals(bytes, client.downloadArtifact(outcome.run(), "eval/a_b_c?d e.json"));
        String mlModel = new String(client.downloadArtifact(outcome.run(), "model/MLmodel"), StandardCharsets.UTF_8);
        assertTrue(mlModel.contains("model_file: \"my model 100__1?.dml4j\""), mlModel);
    }

    @Test
    void theDefaultSpoolRootIsOneAbsoluteFolder() {
        Path home = Path.of(System.getProperty("user.home"), ".dml4j", "spool").toAbsolutePath();
        assertEquals(home, TrackerOptions.defaultSpoolRoot(Map.of()));
        assertEquals(temp.resolve("spool").toAbsolutePath(),
                TrackerOptions.defaultSpoolRoot(Map.of("DML4J_HOME", temp.toString())));
        assertTrue(TrackerOptions.forExperiment("x").spoolRoot().isAbsolute());
    }

    /** A finished run spooled while the server is unreachable, with params logged in these calls. */
    @SafeVarargs
    private MlflowTracker spoolOffline(String experiment, Map<String, String>... params) throws IOException {
        MlflowRestClient offline = new MlflowRestClient(MlflowConnection.of("http://127.0.0.1:" + unusedPort())
                .withLimits(Duration.ofMillis(200), Duration.ofMillis(500), QUICK));
        MlflowTracker tracker = new MlflowTracker(offline, TrackerOptions.forExperiment(experiment)
                .withSpoolRoot(temp).withWaits(Duration.ofMillis(300), Duration.ofMillis(100)));
        tracker.onRunStart(SimulatedTraining.start(experiment, Map.of()));
        for (Map<String, String> batch : params) {
            tracker.logParams(batch);
        }
        SimulatedTraining.epochs(tracker, 1, 1);
        assertFalse(tracker.finish().delivered());
        return tracker;
    }

    private static int unusedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
