package org.dml4j.mlflow;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A password in the tracking URI (issue 23) becomes the Basic credentials and is removed from the URI; what stays
 * spooled for an unreachable server holds no secret and is readable by its owner only.
 */
class SpoolPrivacyTest {

    private static final String PASSWORD = "uri-pass-6d0f2b";
    private static final String TOKEN = "env-token-c81a47";

    @TempDir
    Path temp;

    @Test
    void userInfoBecomesBasicCredentialsAndLeavesTheUri() {
        MlflowConnection connection = MlflowConnection.fromEnvironment(Map.of("MLFLOW_TRACKING_TOKEN", TOKEN),
                "http://ad%40min:" + PASSWORD + "@127.0.0.1:5000/");
        assertEquals("http://127.0.0.1:5000", connection.trackingUri().toString());
        assertEquals(new Credentials("ad@min", PASSWORD, TOKEN), connection.credentials());
        assertEquals(new Credentials("env-user", "env-pass", null), MlflowConnection.fromEnvironment(Map.of(
                "MLFLOW_TRACKING_USERNAME", "env-user", "MLFLOW_TRACKING_PASSWORD", "env-pass"), "http://u:p@h:1")
                .credentials(), "the environment's credentials win");
        assertEquals("see http://h:1/x and https://host/", Credentials.withoutUserInfo(
                "see http://u:p@ss@h:1/x and https://" + PASSWORD + "@host/"));
    }

    @Test
    void anUndeliveredSpoolHoldsNoSecretAndIsPrivate() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        String uri = "http://admin:" + PASSWORD + "@127.0.0.1:" + port;
        MlflowConnection connection = MlflowConnection.fromEnvironment(Map.of("MLFLOW_TRACKING_TOKEN", TOKEN), uri)
                .withLimits(Duration.ofMillis(500), Duration.ofSeconds(1),
                        new RetryPolicy(1, Duration.ofMillis(10), Duration.ofMillis(20)));
        MlflowTracker tracker = new MlflowTracker(new MlflowRestClient(connection),
                TrackerOptions.forExperiment("private").withSpoolRoot(temp)
                        .withWaits(Duration.ofSeconds(1), Duration.ofMillis(200)));
        tracker.onRunStart(SimulatedTraining.start("private", Map.of("server", uri, "note", "token " + TOKEN)));
        SimulatedTraining.epochs(tracker, 1, 1);
        tracker.logParams(Map.of("tracking_uri", uri));
        tracker.logText("cli/args.json", "[\"--tracking-uri\", \"" + uri + "\"]");
        Path plain = Files.writeString(temp.resolve("plain.txt"), "no secret here");
        tracker.logArtifact("plain.txt", plain);
        TrackingOutcome outcome = tracker.finish();

        assertFalse(outcome.delivered(), outcome.message());
        assertFalse(outcome.message().contains(PASSWORD), outcome.message());
        List<Path> spooled;
        try (Stream<Path> walk = Files.walk(outcome.spoolDirectory())) {
            spooled = walk.toList();
        }
        assertTrue(spooled.stream().anyMatch(p -> p.toString().endsWith("plain.txt")), spooled.toString());
        for (Path path : spooled) {
            String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
            assertEquals(Files.isDirectory(path) ? "rwx------" : "rw-------", mode, path.toString());
            if (Files.isRegularFile(path)) {
                String content = new String(Files.readAllBytes(path), StandardCharsets.UTF_8);
                assertFalse(content.contains(PASSWORD) || content.contains(TOKEN), path + ": " + content);
            }
        }
        assertTrue(String.join("\n", Files.readAllLines(outcome.spoolDirectory().resolve(Spool.RECORDS)))
                .contains("127.0.0.1:" + port), "the URI without its user-info is kept");
    }
}
