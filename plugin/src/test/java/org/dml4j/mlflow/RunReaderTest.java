package org.dml4j.mlflow;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A run logged to a real MLflow server, read back through {@link RunReader}. */
@Tag("mlflow-compat")
@ExtendWith(MlflowServerExtension.class)
class RunReaderTest {

    private static final String EXPERIMENT = "run-reader-test";

    @TempDir
    Path temp;

    @Test
    void readsParamsLatestMetricsTagsAndArtifacts(MlflowServer server) throws Exception {
        MlflowRestClient client = new MlflowRestClient(MlflowConnection.of(server.uri()));
        RunInfo logged = loggedRun(client, "reader-full", "full");

        RunRecord run = new RunReader(client).read(logged.runId());

        assertEquals(logged, run.info());
        assertEquals(logged.runId(), run.id());
        assertEquals("reader-full", run.name());
        assertEquals(Map.of("trainer.margin", "0.2", "data.name", "blobs"), run.params());
        assertEquals(Map.of("loss", 0.5, "precision_at_1", 0.75), run.metrics(), "the latest step's value");
        assertEquals("full", run.tags().get("dml4j.test.key"));
        assertEquals("reader-full", run.tags().get(MlflowKeys.RUN_NAME_TAG));
        assertEquals(List.copyOf(run.params().keySet()), List.of("data.name", "trainer.margin"), "sorted by key");
        assertArrayEquals("a,b\n1,2\n".getBytes(StandardCharsets.UTF_8),
                new RunReader(client).artifact(run, "eval/queries.csv"));
    }

    @Test
    void findsARunOfAnExperimentByTag(MlflowServer server) throws Exception {
        MlflowRestClient client = new MlflowRestClient(MlflowConnection.of(server.uri()));
        RunInfo logged = loggedRun(client, "reader-tagged", "tagged");
        RunReader reader = new RunReader(client);

        Optional<RunRecord> found = reader.findByTag(EXPERIMENT, "dml4j.test.key", "tagged");

        assertEquals(Optional.of(logged.runId()), found.map(RunRecord::id));
        assertEquals(0.5, found.orElseThrow().metrics().get("loss"));
        assertEquals(Optional.empty(), reader.findByTag(EXPERIMENT, "dml4j.test.key", "no-such-value"));
    }

    @Test
    void anUnknownRunOrArtifactIsAnMlflowError(MlflowServer server) throws Exception {
        MlflowRestClient client = new MlflowRestClient(MlflowConnection.of(server.uri()));
        RunReader reader = new RunReader(client);
        RunRecord run = reader.read(loggedRun(client, "reader-missing", "missing").runId());

        MlflowException unknown = assertThrows(MlflowException.class,
                () -> reader.read("0123456789abcdef0123456789abcdef"));
        assertTrue(unknown.getMessage().contains("0123456789abcdef0123456789abcdef"), unknown.getMessage());
        assertThrows(MlflowException.class, () -> reader.artifact(run, "eval/absent.csv"));
        assertThrows(IllegalArgumentException.class, () -> reader.artifact(run, "../other-run/secret.csv"));
    }

    /** A run with two params, a metric at two steps, a tag and one artifact. */
    private RunInfo loggedRun(MlflowRestClient client, String name, String tag) throws Exception {
        RunInfo run = client.createRun(client.experimentId(EXPERIMENT), name, System.currentTimeMillis(),
                Map.of("dml4j.test.key", tag));
        long now = System.currentTimeMillis();
        client.logBatch(run.runId(), List.of(new MetricPoint("loss", 0.9, now, 1), new MetricPoint("loss", 0.5, now, 2),
                new MetricPoint("precision_at_1", 0.75, now, 2)), Map.of("trainer.margin", "0.2", "data.name", "blobs"),
                Map.of());
        Path file = Files.writeString(temp.resolve(name + ".csv"), "a,b\n1,2\n");
        client.uploadArtifact(run, "eval/queries.csv", file);
        return run;
    }
}
