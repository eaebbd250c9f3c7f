package org.dml4j.mlflow;

import org.mlflow.api.proto.Service;

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
        Service.Run run = client.run(runId);
        Service.RunData data = run.getData();
        Map<String, String> params = new HashMap<>();
        data.getParamsList().forEach(param -> params.put(param.getKey(), param.getValue()));
        Map<String, Double> metrics = new HashMap<>();
        data.getMetricsList().forEach(metric -> metrics.put(metric.getKey(), metric.getValue()));
        Map<String, String> tags = new HashMap<>();
        data.getTagsList().forEach(tag -> tags.put(tag.getKey(), tag.getValue()));
        String name = run.getInfo().hasRunName() ? run.getInfo().getRunName() : runId;
        return new RunRecord(MlflowRestClient.runInfo(run.getInfo(), "runs/get"), name, params, metrics, tags);
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
}
