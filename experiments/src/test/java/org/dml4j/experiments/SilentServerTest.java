package org.dml4j.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A tracking server that accepts connections and never answers: {@code train} ends within its delivery wait plus a
 * few seconds, keeps the run spooled and says how to sync; {@code sync} exits 1 while the run stays pending and
 * delivers it to a real MLflow server later.
 */
class SilentServerTest {

    @TempDir
    Path dir;

    @Test
    void aSilentServerDoesNotHoldTheCommandAndSyncDeliversTheRunLater() throws Exception {
        Path csv = ClusterCsv.write(dir);
        Path spool = dir.resolve("spool");
        List<Socket> held = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept()); // read nothing, answer nothing
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            String uri = "http://127.0.0.1:" + silent.getLocalPort();

            long start = System.nanoTime();
            CliRun run = CliRun.of("train", "--dataset", "csv:" + csv, "--label-column", "species", "--network",
                    "mlp:16,8", "--epochs", "2", "--batch-size", "32", "--m-per-class", "8", "--tracking-uri", uri,
                    "--experiment", "silent", "--delivery-wait", "3", "--spool-dir", spool.toString());
            double seconds = (System.nanoTime() - start) / 1e9;

            assertEquals(0, run.exitCode(), run.all());
            // Training these 192 rows takes a few seconds; the old command waited 60 s and then 5 minutes more.
            assertTrue(seconds < 30, "train took " + seconds + " s with a 3 s delivery wait");
            assertTrue(run.err().contains("is not fully delivered")
                    && run.err().contains("./dml4j sync --spool-dir " + spool.toAbsolutePath()), run.err());
            assertEquals(1, spooledRuns(spool));

            CliRun pending = CliRun.of("sync", "--tracking-uri", "http://127.0.0.1:" + closedPort(), "--spool-dir",
                    spool.toString());
            assertEquals(1, pending.exitCode(), pending.all());
            assertTrue(pending.all().contains("0 runs delivered, 0 rejected by the server, 1 still pending"),
                    pending.all());
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
        try (MlflowTestServer mlflow = MlflowTestServer.start()) {
            CliRun sync = CliRun.of("sync", "--tracking-uri", mlflow.uri(), "--spool-dir", spool.toString());

            assertEquals(0, sync.exitCode(), sync.all());
            assertTrue(sync.all().contains("1 runs delivered, 0 rejected by the server, 0 still pending"), sync.all());
            List<JsonNode> runs = mlflow.runs("silent");
            assertEquals(1, runs.size());
            assertEquals("FINISHED", runs.get(0).at("/info/status").asText());
            assertTrue(MlflowTestServer.metrics(runs.get(0)).containsKey("map_at_r"), runs.get(0).toString());
            assertEquals(0, spooledRuns(spool));
        }
    }

    private static long spooledRuns(Path spool) throws IOException {
        try (Stream<Path> runs = Files.list(spool)) {
            return runs.filter(run -> Files.exists(run.resolve("records.jsonl"))).count();
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
