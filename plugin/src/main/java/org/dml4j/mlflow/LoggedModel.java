package org.dml4j.mlflow;

import org.dml4j.mlflow.protos.MlflowApi;

import java.net.URI;

/**
 * An MLflow 3 logged model's identity (the {@code model} object of the {@code logged-models} endpoints).
 *
 * @param modelId          the model id, e.g. {@code m-1a2b...}
 * @param experimentId     its experiment
 * @param artifactLocation its artifact root, {@code mlflow-artifacts:/<exp>/models/<id>/artifacts} with the proxy
 */
public record LoggedModel(String modelId, String experimentId, String artifactLocation) {

    /**
     * Reads the identity from a server answer.
     *
     * @param model    the {@code model} message
     * @param endpoint the call that answered it, for the error
     * @return the identity
     * @throws MlflowException when the answer has no model id
     */
    static LoggedModel of(MlflowApi.LoggedModel model, String endpoint) {
        MlflowApi.LoggedModelInfo info = model.getInfo();
        return new LoggedModel(MlflowRestClient.required(info.getModelId(), endpoint, "model.info.model_id"),
                info.getExperimentId(), info.getArtifactUri());
    }

    /** @return {@code models:/<model id>}, the URI MLflow's clients load it by and registry versions point at */
    public String uri() {
        return "models:/" + modelId;
    }

    /**
     * The path of one of its artifacts under the server's artifact proxy root.
     *
     * @param artifactPath a normalized path below the model's artifact root
     * @return e.g. {@code 1/models/m-123/artifacts/MLmodel}
     * @throws MlflowException when the server stores the model's artifacts elsewhere than behind its proxy
     */
    String proxyPath(String artifactPath) {
        URI uri = URI.create(artifactLocation);
        if (!"mlflow-artifacts".equals(uri.getScheme())) {
            throw new MlflowException(FailureKind.REJECTED, 0, "", "Logged model " + modelId + " stores its"
                    + " artifacts at '" + artifactLocation + "', not behind the server's artifact proxy; start"
                    + " `mlflow server` with --serve-artifacts (its default) and without --default-artifact-root",
                    null);
        }
        return uri.getPath().replaceAll("^/+", "") + "/" + artifactPath;
    }
}
