package org.dml4j.mlflow;

import java.net.URI;

/**
 * An MLflow run's identity.
 *
 * @param runId        the run id
 * @param experimentId the experiment id
 * @param artifactUri  the run's artifact root, {@code mlflow-artifacts:/<exp>/<run>/artifacts} with the proxy
 */
public record RunInfo(String runId, String experimentId, String artifactUri) {

    /**
     * The path of an artifact under the server's artifact proxy root.
     *
     * @param artifactPath a path {@link ArtifactPaths#normalize normalized} below the run's artifact root
     * @return e.g. {@code 1/<run>/artifacts/model/MLmodel}
     * @throws MlflowException when the server stores this run's artifacts elsewhere than behind its proxy
     */
    public String proxyPath(String artifactPath) {
        URI uri = URI.create(artifactUri);
        if (!"mlflow-artifacts".equals(uri.getScheme())) {
            throw new MlflowException(FailureKind.REJECTED, 0, "", "Run " + runId + " stores its artifacts at '"
                    + artifactUri + "', not behind the server's artifact proxy; start `mlflow server` with"
                    + " --serve-artifacts (its default) and without --default-artifact-root", null);
        }
        String root = uri.getPath().replaceAll("^/+", "");
        return artifactPath.isEmpty() ? root : root + "/" + artifactPath;
    }
}
