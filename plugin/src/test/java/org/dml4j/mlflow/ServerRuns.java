package org.dml4j.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import org.mlflow.api.proto.Service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What tests read back about a run from the server: its params, metrics, tags and dataset inputs. */
final class ServerRuns {

    private ServerRuns() {
    }

    /**
     * A dataset input as the server stores it.
     *
     * @param name       the dataset's name
     * @param digest     its digest
     * @param sourceType its source type
     * @param source     its source (JSON)
     * @param schema     its schema (JSON)
     * @param profile    its profile (JSON)
     * @param context    the input's {@code mlflow.data.context} tag
     */
    record Input(String name, String digest, String sourceType, String source, String schema, JsonNode profile,
                 String context) {
    }

    /**
     * The dataset inputs of a run.
     *
     * @param client the server
     * @param runId  the run
     * @return the inputs, in the server's order
     */
    static List<Input> inputs(MlflowRestClient client, String runId) {
        List<Input> inputs = new ArrayList<>();
        for (JsonNode input : client.getRun(runId).path("inputs").path("dataset_inputs")) {
            JsonNode dataset = input.path("dataset");
            Map<String, String> tags = TrackedRunTest.keyValues(input.path("tags"));
            try {
                inputs.add(new Input(dataset.path("name").asText(), dataset.path("digest").asText(),
                        dataset.path("source_type").asText(), dataset.path("source").asText(),
                        dataset.path("schema").asText(), MlflowHttp.JSON.readTree(dataset.path("profile").asText("{}")),
                        tags.get(MlflowKeys.DATASET_CONTEXT_TAG)));
            } catch (java.io.IOException e) {
                throw new AssertionError("The server's dataset profile is no JSON: " + dataset, e);
            }
        }
        return inputs;
    }

    /**
     * A run's params.
     *
     * @param client the server
     * @param runId  the run
     * @return the params, sorted
     */
    static Map<String, String> params(MlflowRestClient client, String runId) {
        return new TreeMap<>(TrackedRunTest.keyValues(client.getRun(runId).path("data").path("params")));
    }

    /**
     * A run's tags.
     *
     * @param client the server
     * @param runId  the run
     * @return the tags, sorted
     */
    static Map<String, String> tags(MlflowRestClient client, String runId) {
        return new TreeMap<>(TrackedRunTest.keyValues(client.getRun(runId).path("data").path("tags")));
    }

    /**
     * A run's latest metric values.
     *
     * @param client the server
     * @param runId  the run
     * @return the values by key, sorted
     */
    static Map<String, Double> metrics(MlflowRestClient client, String runId) {
        Map<String, Double> metrics = new TreeMap<>();
        for (JsonNode metric : client.getRun(runId).path("data").path("metrics")) {
            metrics.put(metric.path("key").asText(), metric.path("value").asDouble());
        }
        return metrics;
    }

    /**
     * The runs whose {@code mlflow.parentRunId} is a run.
     *
     * @param client       the server
     * @param experimentId the experiment
     * @param parentRunId  the parent run
     * @return the child runs' ids
     */
    static List<String> children(MlflowRestClient client, String experimentId, String parentRunId) {
        List<String> ids = new ArrayList<>();
        Service.SearchRuns request = Service.SearchRuns.newBuilder().addExperimentIds(experimentId)
                .setFilter("tags.`mlflow.parentRunId` = '" + parentRunId + "'").setMaxResults(100)
                .addOrderBy("attributes.start_time ASC").build();
        for (Service.Run run : new MlflowHttp(client.connection()).post("runs/search", request,
                Service.SearchRuns.Response.getDefaultInstance(), true).getRunsList()) {
            ids.add(run.getInfo().getRunId());
        }
        return ids;
    }
}
