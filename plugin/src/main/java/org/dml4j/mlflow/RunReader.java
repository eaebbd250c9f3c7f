package org.dml4j.mlflow;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads runs back from a tracking server (to compare or reproduce them): a run's params, latest metric values and
 * tags, and its artifacts. What it returns is the server's data and so untrusted.
 */
public final class RunReader {

    private final MlflowRestClient client;

    /**
     * @param client the server
     */
    public RunReader(MlflowRestClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    /**
     * Reads a run.
     *
     * @param runId the run id (as in the MLflow UI)
     * @return the run
     * @throws MlflowException when the server does not know the run or does not answer
     */
    public RunRecord read(String runId) {
        JsonNode run = client.getRun(runId);
        return new RunRecord(MlflowRestClient.runInfo(run.path("info")), run.at("/info/run_name").asText(runId),
                keyValues(run.at("/data/params")), latestMetrics(run.at("/data/metrics")),
                keyValues(run.at("/data/tags")));
    }

    /**
     * Finds a run of an experiment by a tag's value (the first the server returns).
     *
     * @param experiment the experiment name
     * @param tagKey     the tag
     * @param tagValue   its value
     * @return the run, or empty when none has the tag
     * @throws MlflowException when the server does not answer
     */
    public Optional<RunRecord> findByTag(String experiment, String tagKey, String tagValue) {
        return client.findRunByTag(client.experimentId(experiment), tagKey, tagValue).map(info -> read(info.runId()));
    }

    /**
     * Downloads one of a run's artifacts.
     *
     * @param run  the run
     * @param path the artifact path below the run's artifact root
     * @return its bytes
     * @throws MlflowException when the run has no such artifact or the server does not answer
     * @throws IllegalArgumentException when the path leaves the run's artifact root
     */
    public byte[] artifact(RunRecord run, String path) {
        return client.downloadArtifact(run.info(), path);
    }

    private static Map<String, String> keyValues(JsonNode entries) {
        Map<String, String> map = new HashMap<>();
        entries.forEach(e -> map.put(e.path("key").asText(), e.path("value").asText()));
        return map;
    }

    private static Map<String, Double> latestMetrics(JsonNode metrics) {
        Map<String, Double> map = new HashMap<>();
        metrics.forEach(m -> map.put(m.path("key").asText(), m.path("value").asDouble()));
        return map;
    }
}
