package org.dml4j.experiments;

import org.dml4j.experiments.io.JsonFiles;
import org.dml4j.mlflow.MlflowConnection;
import org.dml4j.mlflow.MlflowRestClient;
import org.dml4j.mlflow.RunInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs planted on a shared MLflow server (issue 23): {@code reproduce} treats a run's record as untrusted and refuses,
 * before it runs anything, what a record may not ask for.
 */
class HostileReproduceTest {

    private static final String SECRET = "dml4j-planted-secret-0c2f";

    @TempDir
    static Path dir;
    private static Path csv;
    private static MlflowTestServer mlflow;
    private static MlflowRestClient client;

    @BeforeAll
    static void start() throws IOException {
        csv = ClusterCsv.write(dir);
        mlflow = MlflowTestServer.start();
        client = new MlflowRestClient(MlflowConnection.of(mlflow.uri()));
    }

    @AfterAll
    static void stop() {
        if (mlflow != null) {
            mlflow.close();
        }
    }

    @Test
    void reproduceRefusesOptionsARunRecordMayNotAskFor() throws IOException {
        Path victim = Files.writeString(dir.resolve("victim.txt"), SECRET + "\n");
        Map<String, List<String>> planted = Map.of(
                "--events-out", List.of("--events-out", victim.toString()),
                "checkpointDirectory", List.of("--config-override", "trainer.checkpointDirectory=" + dir),
                "not a dml4j train command line", List.of("@" + victim),
                "--help", List.of("--help"));
        Path out = Files.createDirectories(dir.resolve("refused"));
        for (Map.Entry<String, List<String>> payload : planted.entrySet()) {
            String run = plant(payload.getValue(), Map.of());
            CliRun reproduce = CliRun.of("reproduce", run, "--tracking-uri", mlflow.uri(), "--experiment",
                    "reproduced", "--out-dir", out.toString());
            assertEquals(2, reproduce.exitCode(), reproduce.all());
            assertTrue(reproduce.err().contains(payload.getKey()) && reproduce.err().contains("nothing was run"),
                    reproduce.err());
            assertFalse(reproduce.all().contains(SECRET), reproduce.all());
            assertEquals(SECRET + "\n", Files.readString(victim), "the planted output file is untouched");
        }
        try (Stream<Path> made = Files.list(out)) {
            assertEquals(List.of(), made.toList(), "nothing was written");
        }
    }

    @Test
    @Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a parser that connects waits forever
    void reproduceRefusesAPlantedConfigurationWithAnOutOfBandDtd() throws IOException {
        Path secret = Files.writeString(dir.resolve("local-secret.txt"), SECRET + "\n");
        try (ServerSocket listener = XxePayloads.listener()) {
            String dtd = XxePayloads.outOfBandDtd(secret, listener.getLocalPort());
            String foreign = "<config><component name=\"trainer\" type=\"org.tribuo.data.sql.SQLDataSource\"/>"
                    + "</config>";
            for (Map.Entry<String, String> config : Map.of("declares a DTD", dtd, "not a DML4J class", foreign)
                    .entrySet()) {
                String run = plant(List.of("--config", "/home/someone/evil.xml"),
                        Map.of("config/evil.xml", config.getValue()));
                CliRun reproduce = CliRun.of("reproduce", run, "--tracking-uri", mlflow.uri(), "--experiment",
                        "reproduced", "--out-dir", dir.toString());
                assertEquals(2, reproduce.exitCode(), reproduce.all());
                assertTrue(reproduce.err().contains(config.getKey()), reproduce.err());
                assertFalse(reproduce.all().contains(SECRET), reproduce.all());
            }
            XxePayloads.assertNoConnection(listener);
        }
    }

    /** A run as anyone with write access to the server could make it: train arguments and artifacts. */
    private static String plant(List<String> extraArgs, Map<String, String> artifacts) throws IOException {
        RunInfo run = client.createRun(client.experimentId("planted"), "planted", System.currentTimeMillis(),
                Map.of());
        List<String> args = new ArrayList<>(List.of("--dataset", "csv:" + csv, "--label-column", "species",
                "--epochs", "1", "--batch-size", "32", "--m-per-class", "8", "--quiet"));
        args.addAll(extraArgs);
        Map<String, String> files = new java.util.HashMap<>(artifacts);
        files.put(CommandArgs.ARTIFACT, JsonFiles.MAPPER.writeValueAsString(new CommandArgs("train", args, "/")));
        for (Map.Entry<String, String> file : files.entrySet()) {
            Path local = Files.writeString(Files.createTempFile(dir, "planted", ".tmp"), file.getValue());
            client.uploadArtifact(run, file.getKey(), local);
        }
        return run.runId();
    }
}
